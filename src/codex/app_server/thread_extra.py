"""`thread/metadata/update`, `thread/inject_items` and `thread/items/list`.

metadata/update patches a thread's Git metadata (`gitInfo {sha, branch, originUrl}`: an
omitted field stays, `null` clears it, a string replaces it), loaded or not, and answers the
thread with it. The metadata is kept in `$CODEX_HOME/cache/app-server/git-info.v1.json`
(0.169 keeps it in its state database), so every later `Thread` this server sends (list,
read, resume) shows it.

inject_items appends raw Responses API items to a loaded thread's model-visible history:
the model sees them in its next request, and they are recorded in the rollout as
`response_item` lines, as 0.169 records them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.params import _describe, array, mapping, string

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer

GIT_FIELDS = ("sha", "branch", "originUrl")


async def thread_metadata_update(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.app_server.thread_index import write_git_info
    from codex.app_server.threads import _find, _summary_thread

    thread_id = string(p, "threadId")
    patch = mapping(p, "gitInfo")
    live = server.live.get(thread_id)
    path = _find(server, thread_id, archived_ok=True) if live is None else None
    if patch is None:
        raise errors.invalid_request("thread metadata update must include at least one field")
    fields = {key: patch[key] for key in GIT_FIELDS if key in patch}  # others: ignored
    if not fields:
        raise errors.invalid_request("gitInfo must include at least one field")
    for value in fields.values():
        if value is not None and not isinstance(value, str):
            raise errors.invalid_params(f"invalid type: {_describe(value)}, expected a string")
    info = dict(server.git_info.get(thread_id) or dict.fromkeys(GIT_FIELDS))
    info.update(fields)
    server.git_info[thread_id] = {key: info.get(key) for key in GIT_FIELDS}
    try:
        write_git_info(str(server.codex_home), server.git_info)
    except OSError as exc:
        raise errors.invalid_request(f"cannot save the thread metadata: {exc}") from None
    if live is not None:
        live.git_info = server.git_info[thread_id]
    if live is not None:
        return {"thread": live.thread()}
    assert path is not None
    found = server.index.find(thread_id)
    stamp = path.name[len("rollout-") : len("rollout-") + 19]
    summary = server.index.summary(str(path), stamp, thread_id, bool(found and found[1]))
    if summary is None:
        raise errors.invalid_request(f"thread not loaded: {thread_id}")
    return {"thread": _summary_thread(server, summary)}


async def thread_inject_items(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.protocol.items import parse_item

    live = server.thread(p)
    raw = array(p, "items") or []
    if not raw:
        raise errors.invalid_request("items must not be empty")
    items = []
    for n, value in enumerate(raw):
        problem = None
        if not isinstance(value, dict):
            problem = (
                f"invalid type: {_describe(value)}, expected internally tagged enum ResponseItem"
            )
        elif "type" not in value:
            problem = "missing field `type`"
        else:
            try:
                items.append(parse_item(value))
            except (ValueError, TypeError, KeyError) as exc:
                problem = str(exc)
        if problem is not None:
            raise errors.invalid_request(f"items[{n}] is not a valid response item: {problem}")
    state = getattr(live.session, "state", None)
    if state is None:
        raise errors.invalid_request("this thread's history cannot be changed")
    state.record_items(items)
    state.flush_recorder()
    materialize = getattr(live.session.recorder, "materialize", None)
    if materialize is not None:
        materialize()  # 0.169 writes a thread's file when items are injected, turn or not
    return {}


DEFAULT_ITEMS_PAGE = 100


async def thread_items_list(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    """A thread's items across its turns (or one turn's, `turnId`), oldest first or newest
    first (`sortDirection`), paged: `{turnId, item, startedAtMs, completedAtMs}` entries as
    0.169 lists them, rebuilt from the rollout as thread/read rebuilds turns (a fork's lineage
    first, as 0.169: tests/fixtures/resume_page_official.json). Cursors are ours
    (opaque strings): a position in the thread's item order, and whether it is included;
    `backwardsCursor` reads the other way from the page's first item. An item anchor
    (`{type: "item", itemId}`, with `turnId`) starts right after that item."""
    from pathlib import Path

    from codex.app_server.lineage import finder
    from codex.app_server.params import integer, one_of
    from codex.app_server.threads import _find, _recorded_turns

    thread_id = string(p, "threadId")
    live = server.live.get(thread_id)
    if live is not None and live.path:
        path = Path(live.path)
    else:
        path = _find(server, thread_id, archived_ok=True)
    turn_filter = string(p, "turnId", required=False) or None
    descending = one_of(p, "sortDirection", ("asc", "desc")) == "desc"
    limit = integer(p, "limit")
    limit = limit or DEFAULT_ITEMS_PAGE
    entries = [
        {
            "turnId": turn["id"],
            "item": item,
            "startedAtMs": item.get("startedAtMs"),
            "completedAtMs": item.get("completedAtMs"),
        }
        for turn in _recorded_turns(thread_id, path, find=finder(server))  # a fork: lineage
        if turn_filter is None or turn["id"] == turn_filter
        for item in turn["items"]
    ]
    anchor, include = _position(p.get("cursor"), entries, turn_filter)
    step = -1 if descending else 1
    if anchor is None:
        start = len(entries) - 1 if descending else 0
    else:
        start = anchor if include else anchor + step
    picked: list[int] = []
    index = start
    while 0 <= index < len(entries) and len(picked) < limit:
        picked.append(index)
        index += step
    more = 0 <= index < len(entries)
    return {
        "data": [entries[i] for i in picked],
        "nextCursor": f"items:{picked[-1]}:0" if picked and more else None,
        "backwardsCursor": f"items:{picked[0]}:1" if picked else None,
    }


def last_item_cursor(thread_id: str, path: Any, find: Any) -> str | None:
    """The cursor thread/items/list gives back for the thread's newest item, that item
    included (thread/resume's `itemsBackwardsCursor`: read newest first from there); None for
    a thread without items."""
    from codex.app_server.threads import _recorded_turns

    count = sum(len(turn["items"]) for turn in _recorded_turns(thread_id, path, find=find))
    return f"items:{count - 1}:1" if count else None


def _position(
    cursor: Any, entries: list[dict[str, Any]], turn_id: str | None
) -> tuple[int | None, bool]:
    """(the anchor's index in `entries`, whether the page includes it) of a cursor."""
    if cursor is None:
        return None, False
    if isinstance(cursor, dict):
        item_id = cursor.get("itemId")
        if cursor.get("type") != "item" or not isinstance(item_id, str):
            raise errors.invalid_params("invalid cursor: expected an item anchor")
        if not turn_id:
            raise errors.invalid_request("an item anchor requires a non-empty turnId")
        for index, entry in enumerate(entries):
            if entry["item"].get("id") == item_id:
                return index, False
        raise errors.invalid_request(f"item not found in turn {turn_id}: {item_id}")
    if not isinstance(cursor, str):
        raise errors.invalid_params("invalid cursor")
    kind, _, rest = cursor.partition(":")
    position, _, included = rest.partition(":")
    if kind != "items" or not position.isdigit() or included not in ("0", "1"):
        raise errors.invalid_request(f"invalid cursor: {cursor}")
    return int(position), included == "1"
