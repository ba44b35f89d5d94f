"""thread/rollback (`numTurns`, upstream's method) and thread/revert (`beforeTurnId`, its 0.169
successor): drop the last turns of a loaded thread, optionally putting back the files those
turns changed.

The work (which turns, the history before them, the files, the record) is codex.core.rollback,
shared with the in-process SDK; this module is the JSON-RPC face of it.

How a rollback is recorded (so a resume, ours or the official CLI's, sees the short history):
the thread is closed, then its rollout gets upstream's `thread_rolled_back {num_turns}` event
(thread/read drops those turns from the list, codex.app_server.items) followed by a `compacted`
line whose `replacement_history` is the history as it stood before the first dropped turn (every
reader replaces the history with it); then the thread is opened again from the same file. The
old lines stay: a rollback never rewrites what was recorded.

Files (codex-py extension, issue 23): with `restoreFiles: true` the work tree is put back to the
checkpoint taken before the first dropped turn (codex.core.checkpoints). Files changed by hand
since the last dropped turn ended are never overwritten silently: the rollback is refused with
their list (error data `conflicts`) unless `force: true`. The answer then carries
`restoredFiles {written, deleted}` next to the official keys.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.errors import RpcError
from codex.app_server.notifications import note
from codex.app_server.params import boolean, integer, string
from codex.core import rollback as core_rollback
from codex.core.rollback import RollbackError

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.live import LiveThread
    from codex.app_server.server import AppServer


def _rpc(exc: RollbackError) -> RpcError:
    """A core rollback refusal as the JSON-RPC error (hand-edited files in `data.conflicts`)."""
    if exc.conflicts:
        return RpcError(errors.INVALID_REQUEST, str(exc), {"conflicts": exc.conflicts})
    return errors.invalid_request(str(exc))


async def roll_back(
    server: AppServer, conn: Connection, live: LiveThread, num_turns: int, p: dict[str, Any]
) -> tuple[LiveThread, dict[str, Any] | None]:
    """Drop the last `num_turns` turns of `live` (and restore their files when asked); the
    thread reopened from its rollout."""
    from codex.app_server import threads

    if live.current_turn is not None:
        raise errors.invalid_request("cannot roll back while a turn is running")
    if live.path is None:
        raise errors.invalid_request("an ephemeral thread has no history to roll back")
    path = Path(live.path)
    try:
        plan = await asyncio.to_thread(core_rollback.plan, path, num_turns)
        restored = None
        if boolean(p, "restoreFiles"):
            restored = await asyncio.to_thread(
                core_rollback.restore_files, server.codex_home, plan.dropped, boolean(p, "force")
            )
    except RollbackError as exc:
        raise _rpc(exc) from None

    # Close the thread (its rollout flushed), record the rollback, open it again.
    subscribers = list(live.subscribers)
    settings = live.session.settings
    reopen = {
        "cwd": live.cwd,
        "model": settings.model,
        "approvalPolicy": settings.approval_policy,
        "approvalsReviewer": live.reviewer,
    }
    server.live.pop(live.thread_id, None)
    await server.manager.remove(live.thread_id)
    await live.stop()
    for c in subscribers:
        c.send(note("thread/status/changed", {"threadId": live.thread_id, "status": NOT_LOADED}))
    core_rollback.record(path, live.thread_id, plan)
    fresh = await threads.reopen(server, conn, reopen, path)
    fresh.name = live.name
    fresh.created_at = live.created_at
    for c in subscribers:
        fresh.subscribe(c)
        c.send(note("thread/status/changed", {"threadId": fresh.thread_id, "status": fresh.status}))
    return fresh, restored


NOT_LOADED = {"type": "notLoaded"}


async def thread_rollback(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    live = server.thread(p)
    num_turns = integer(p, "numTurns", minimum=1)
    if num_turns is None:
        raise errors.invalid_params("missing field `numTurns`")
    fresh, restored = await roll_back(server, conn, live, num_turns, p)
    out: dict[str, Any] = {"thread": fresh.thread(fresh.resumed_turns)}
    if restored is not None:
        out["restoredFiles"] = restored
    return out


async def thread_revert(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    live = server.thread(p)
    before = string(p, "beforeTurnId")
    ids = [t["id"] for t in threads_turns(live)]
    if before not in ids:
        raise errors.invalid_request(f"turn not found: {before}")
    fresh, restored = await roll_back(server, conn, live, len(ids) - ids.index(before), p)
    out: dict[str, Any] = {
        "thread": fresh.thread([]),
        "turnsBackwardsCursor": None,
        "itemsBackwardsCursor": None,
    }
    if restored is not None:
        out["restoredFiles"] = restored
    return out


def threads_turns(live: LiveThread) -> list[dict[str, Any]]:
    """The thread's turns as thread/read reports them (ids included)."""
    from codex.app_server.items import turns_from_rollout
    from codex.core.threads import recorded_events

    if live.path is None:
        return []
    return turns_from_rollout(live.thread_id, recorded_events(Path(live.path)))
