"""thread/resume's paging keys, as 0.169 answers them (facts in
tests/fixtures/resume_page_official.json):

- `initialTurnsPage`: null, or, when the request carries `initialTurnsPage {limit?,
  sortDirection?, itemsView?}`, the `thread/turns/list` page those options give (newest first
  and the summary view by default). The request field is experimental: a client without
  `experimentalApi` gets "thread/resume.initialTurnsPage requires experimentalApi capability"
  (an explicit null passes); malformed options are refused first, worded as serde words them.
- `turnsBackwardsCursor`: the thread's newest turn, included, as thread/turns/list names it
  (read newest first from there: every turn; oldest first: that turn and any newer);
- `itemsBackwardsCursor`: the thread's newest item, included, as thread/items/list names it.
Both cursors are given with or without `excludeTurns`, and null for a thread with nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.params import _describe
from codex.app_server.turns_list import page_options

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer

PageOptions = tuple[int | None, str, str]  # limit, sortDirection, itemsView
_ALL = 1 << 62  # a page size no thread reaches


def initial_page_options(conn: Connection, p: dict[str, Any]) -> PageOptions | None:
    """The options of the page thread/resume is asked to include, None when none is; raises
    what 0.169 raises (checked before the thread is looked up)."""
    raw = p.get("initialTurnsPage")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise errors.invalid_params(
            f"invalid type: {_describe(raw)}, expected struct ThreadResumeInitialTurnsPageParams"
        )
    options = page_options(raw)
    if not getattr(conn, "experimental", False):
        raise errors.invalid_request(
            "thread/resume.initialTurnsPage requires experimentalApi capability"
        )
    return options


def current_turns(server: AppServer, thread_id: str) -> list[dict[str, Any]]:
    """Every turn of a loaded thread as it stands (its lineage first, a running turn in
    progress), oldest first: what thread/resume of a thread already open here shows."""
    from codex.app_server.turns_list import turns_page

    live = server.live.get(thread_id)
    if live is not None and not live.path:  # an ephemeral thread: no rollout to read
        return list(live.resumed_turns)
    return list(turns_page(server, thread_id, None, _ALL, "asc", "full")["data"])


def with_paging(
    result: dict[str, Any], server: AppServer, thread_id: str, options: PageOptions | None
) -> dict[str, Any]:
    """`result` (a thread/resume answer) with 0.169's paging keys, in its key order."""
    from codex.app_server.lineage import finder
    from codex.app_server.thread_extra import last_item_cursor
    from codex.app_server.turns_list import _thread_path, turns_page

    result["multiAgentMode"] = result.pop("multiAgentMode", "explicitRequestOnly")
    live = server.live.get(thread_id)
    if live is not None and not live.path:  # an ephemeral thread: no rollout to page through
        empty = {"data": [], "nextCursor": None, "backwardsCursor": None}
        result["initialTurnsPage"] = empty if options else None
        result["turnsBackwardsCursor"] = result["itemsBackwardsCursor"] = None
        return result
    newest = turns_page(server, thread_id, None, 1, "desc", "notLoaded")
    result["initialTurnsPage"] = turns_page(server, thread_id, None, *options) if options else None
    result["turnsBackwardsCursor"] = newest["backwardsCursor"]
    path = _thread_path(server, thread_id)[0]
    result["itemsBackwardsCursor"] = last_item_cursor(thread_id, path, finder(server))
    return result
