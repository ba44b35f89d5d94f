"""`thread/turns/list`: a thread's recorded turns, a page at a time, in either direction.

The paging follows 0.169 (facts in tests/fixtures/app_server_gaps_official.json):
- each turn is positioned by its rollout ordinal: the `ordinal` its `task_started` line carries
  in a 0.169 file, else that line's index in the file (ours write no ordinals);
- a cursor names a position and whether the turn there is included: `nextCursor` continues
  after the page's last turn in the same direction, `backwardsCursor` (set whenever the page
  has a turn) names its first turn, anchor included, for a client that reverses
  `sortDirection` to catch up on that turn and the ones past it;
- cursors are compact JSON (`requestedThreadId`, `rolloutOrdinal`, `includeAnchor`,
  `scope`), bound to the thread that gave them out; anything else is "invalid cursor: …".
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.items import _is_uuid, turn_id, turns_from_rollout
from codex.app_server.listing import DEFAULT_PAGE
from codex.app_server.params import integer, one_of, string
from codex.core.recorder import rollout_pending

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer

ITEMS_VIEWS = ("notLoaded", "summary", "full")
_TURN_STARTS = ("task_started", "turn_started")


def make_cursor(thread_id: str, ordinal: int, include_anchor: bool) -> str:
    """The cursor string, byte for byte as 0.169 writes it (compact, this key order)."""
    body = {
        "requestedThreadId": thread_id,
        "rolloutOrdinal": ordinal,
        "includeAnchor": include_anchor,
        "scope": {"kind": "turns"},
    }
    return json.dumps(body, separators=(",", ":"))


def parse_cursor(raw: str, thread_id: str) -> tuple[int, bool]:
    """(ordinal, include anchor) of a cursor this thread gave out; a cursor of another thread,
    of another scope or not ours at all is refused, as 0.169 refuses it."""
    bad = errors.invalid_request(f"invalid cursor: {raw}")
    try:
        body = json.loads(raw)
    except ValueError:
        raise bad from None
    if not isinstance(body, dict):
        raise bad
    ordinal = body.get("rolloutOrdinal")
    include = body.get("includeAnchor")
    scope = body.get("scope")
    if (
        body.get("requestedThreadId") != thread_id
        or not isinstance(ordinal, int)
        or isinstance(ordinal, bool)
        or ordinal < 0
        or not isinstance(include, bool)
        or not isinstance(scope, dict)
        or scope.get("kind") != "turns"
    ):
        raise bad
    if ordinal == 0:  # the session_meta line: no turn can start there
        raise errors.invalid_request("invalid cursor: position outside thread lineage")
    return ordinal, include


def positioned_turns(thread_id: str, path: Path) -> list[tuple[int, dict[str, Any]]]:
    """(rollout ordinal, turn) of each turn the thread reads as having (rolled back turns
    left out), oldest first."""
    from codex.core.threads import positioned_events

    events: list[tuple[str, str, dict[str, Any]]] = []
    starts: dict[str, int] = {}
    started = 0
    for ordinal, stamp, kind, payload in positioned_events(path):
        events.append((stamp, kind, payload))
        if kind == "event_msg" and payload.get("type") in _TURN_STARTS:
            # The same id rule as turns_from_rollout: the recorded UUID, else index-derived.
            recorded = payload.get("turn_id")
            tid = str(recorded) if _is_uuid(recorded) else turn_id(thread_id, started)
            starts[tid] = ordinal
            started += 1
    turns = turns_from_rollout(thread_id, events)
    return [(starts.get(turn["id"], 0), turn) for turn in turns]


def summary_items(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The `summary` view of a turn: its first user message and its final agent message."""
    user = next((i for i in items if i.get("type") == "userMessage"), None)
    agent = next((i for i in reversed(items) if i.get("type") == "agentMessage"), None)
    return [i for i in (user, agent) if i is not None]


def _view(turn: dict[str, Any], view: str) -> dict[str, Any]:
    if view == "notLoaded":
        turn["items"] = []
    elif view == "summary":
        turn["items"] = summary_items(turn["items"])
    turn["itemsView"] = view
    return turn


def _direction(p: dict[str, Any]) -> str:
    value = string(p, "sortDirection", required=False)
    if value is not None and value not in ("asc", "desc"):
        raise errors.invalid_params(f"unknown variant `{value}`, expected `asc` or `desc`")
    return value or "desc"


def _thread_path(server: AppServer, thread_id: str) -> tuple[Path, str | None]:
    """The thread's rollout, and the id of its running turn if it has one."""
    from codex.protocol.ids import is_uuid

    live = server.live.get(thread_id)
    if live is not None:
        if rollout_pending(live.session.recorder):
            raise errors.invalid_request(
                f"thread {thread_id} is not materialized yet; "
                "thread/turns/list is unavailable before first user message"
            )
        if live.path:
            return Path(live.path), live.current_turn
    if not is_uuid(thread_id):
        raise errors.invalid_request(f"invalid thread id: {thread_id}")
    found = server.index.find(thread_id)
    if found is None:
        raise errors.invalid_request(f"thread not loaded: {thread_id}")
    return Path(found[0]), None


def page_options(p: dict[str, Any]) -> tuple[int | None, str, str]:
    """(limit, sortDirection, itemsView) of thread/turns/list params (or of thread/resume's
    `initialTurnsPage`), defaults filled in, refused as 0.169 refuses them."""
    limit = integer(p, "limit")
    direction = _direction(p)
    view = one_of(p, "itemsView", ITEMS_VIEWS) or "summary"
    return limit, direction, view


async def thread_turns_list(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    thread_id = string(p, "threadId")
    raw_cursor = string(p, "cursor", required=False)
    limit, direction, view = page_options(p)
    return turns_page(server, thread_id, raw_cursor, limit, direction, view)


def turns_page(
    server: AppServer,
    thread_id: str,
    raw_cursor: str | None,
    limit: int | None,
    direction: str,
    view: str,
) -> dict[str, Any]:
    """One page of the thread's turns: `{data, nextCursor, backwardsCursor}`."""
    path, running = _thread_path(server, thread_id)
    anchor = parse_cursor(raw_cursor, thread_id) if raw_cursor is not None else None
    size = DEFAULT_PAGE if limit is None else max(1, limit)  # 0.169 answers limit 0 with one

    from codex.app_server.lineage import finder, lineage_rows  # a fork: its parent's turns first

    rows = lineage_rows(thread_id, path, finder(server)) if path.exists() else []
    for _, turn in rows[-1:]:
        # The rollout cannot tell a turn still running from one cut off (it reads as
        # interrupted); the live thread can.
        if turn["id"] == running and turn["status"] == "interrupted":
            turn["status"] = "inProgress"
            turn["completedAt"] = turn["durationMs"] = None
    if direction == "desc":
        rows.reverse()
    if anchor is not None:
        at, include = anchor
        if direction == "desc":
            rows = [r for r in rows if r[0] < at or (include and r[0] == at)]
        else:
            rows = [r for r in rows if r[0] > at or (include and r[0] == at)]
    page = rows[:size]
    more = len(rows) > size
    return {
        "data": [_view(turn, view) for _, turn in page],
        "nextCursor": make_cursor(thread_id, page[-1][0], False) if more else None,
        "backwardsCursor": make_cursor(thread_id, page[0][0], True) if page else None,
    }
