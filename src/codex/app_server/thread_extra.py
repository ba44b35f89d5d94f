"""`thread/metadata/update` and `thread/inject_items`.

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
    return {}
