"""Checkpoints of the work tree around each turn and tool call, recorded in the rollout (issue 23).

The turn loop makes three calls: `before_turn` (when the turn may change files, i.e. its sandbox
is not read-only: checkpoint the tree, record a `codex_py_checkpoint` event_msg, a type the
official CLI does not know and its rollout reader skips), `TurnCheckpoints.before_tool` (before an
`apply_patch` or a command, once an earlier call of the turn may have written) and
`TurnCheckpoints.after_turn` (the tree the turn left, so an undo can tell the agent's changes from
later hand edits, and one session's changes from another's). The git work runs in a worker
thread: the event loop keeps serving other threads (an app-server's, a batch's) meanwhile. The
`before` checkpoint is taken while the turn's first model request is under way; a tool call and
the turn's end wait for it, since no tool may write before it is taken.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex.core.checkpoints.store import CheckpointError, CheckpointId, CheckpointStore

__all__ = [
    "EVENT_TYPE",
    "CheckpointError",
    "CheckpointId",
    "CheckpointStore",
    "TurnCheckpoints",
    "before_turn",
]

EVENT_TYPE = "codex_py_checkpoint"


def _store() -> Any:
    """codex.core.checkpoints.store, imported when a turn may write: a read-only turn (the
    default of `codex exec` and the Python API) never needs git, hashlib or the store."""
    from codex.core.checkpoints import store

    return store


def __getattr__(name: str) -> Any:
    """The store's names, for `from codex.core.checkpoints import CheckpointStore` and co."""
    if name in ("CheckpointError", "CheckpointId", "CheckpointStore"):
        return getattr(_store(), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# Tools that may write to the work tree (custom and MCP tools run outside it or under their own
# rules; read-only tools never need a checkpoint).
_WRITING_TOOLS = frozenset(
    {"apply_patch", "shell", "shell_command", "exec_command", "local_shell", "container.exec"}
)


class TurnCheckpoints:
    """One writable turn's checkpoints: the state before it, before each writing tool call after
    the first, and after it. A failed checkpoint is a missing checkpoint, never a failed turn.

    The `before` checkpoint is taken while the turn's first model request is under way (a real
    model takes seconds to answer; the scan of the tree tens of milliseconds): nothing of the
    turn writes before its first tool call, and every tool call and the turn's end wait for it.
    """

    __slots__ = (
        "_after",
        "_after_calls",
        "_any_call",
        "_calls",
        "_first",
        "_running",
        "_tool_ran",
        "last",
        "state",
        "store",
        "turn_id",
    )

    def __init__(
        self,
        state: Any,
        turn_id: str,
        store: CheckpointStore,
        first: asyncio.Future[CheckpointId],
    ):
        self.state = state
        self.turn_id = turn_id
        self.store = store
        self.last: CheckpointId | None = None  # the newest checkpoint this turn recorded
        self._first: asyncio.Future[CheckpointId] | None = first
        self._tool_ran = False  # a writing tool has started since `last` was taken
        self._any_call = False  # any tool call (MCP and custom ones too) has started
        self._calls = 0  # tool calls started
        self._running = 0  # tool calls started and not ended
        # The tree as the last tool call left it, taken while the model answers; the turn's
        # `after` when no call started since (`_after_calls` is `_calls` when it was started).
        self._after: asyncio.Future[CheckpointId] | None = None
        self._after_calls = -1
        first.add_done_callback(self._took_first)

    def _took_first(self, first: asyncio.Future[CheckpointId]) -> None:
        """On record as soon as it is taken (an interrupted turn may never wait for it)."""
        if first.cancelled() or first.exception() is not None or self._first is None:
            return
        if self.last is None:
            self._record("before", first.result())

    async def _ready(self) -> bool:
        """Wait for the `before` checkpoint; False when there is none (the store failed: the
        turn then has no checkpoints at all, as before the overlap)."""
        if self._first is not None:
            first = self._first
            with contextlib.suppress(_store().CheckpointError, OSError):
                await asyncio.shield(first)
            self._took_first(first)
            self._first = None
        return self.last is not None

    def _record(self, phase: str, commit: CheckpointId, **extra: Any) -> None:
        self.last = commit
        recorder = self.state.recorder
        if recorder is None:
            return
        msg: dict[str, Any] = {
            "type": EVENT_TYPE,
            "turn_id": self.turn_id,
            "phase": phase,
            "checkpoint": commit,
            "cwd": str(self.store.work_tree),
            "time": time.time(),
            **extra,
        }
        if self.store.skipped:
            # A note for people: names that are not UTF-8 are shown escaped (`caf\\xe9.bin`);
            # their surrogates made the rollout's JSON encoder fail the whole turn.
            msg["skipped"] = [_printable(p) for p in self.store.skipped]
        # A checkpoint not on record is a missing checkpoint, never a failed turn.
        with contextlib.suppress(TypeError, ValueError, OSError):
            recorder.record_event(msg)

    async def _take(self, label: str) -> CheckpointId | None:
        try:
            return await asyncio.to_thread(self.store.checkpoint, label)
        except (_store().CheckpointError, OSError):
            return None

    async def before_tool(self, tool_name: str, call_id: str) -> None:
        """Before a call that may write: a checkpoint, unless nothing of this turn could have
        written since the last one (the first call of a turn starts from `before`). Recorded
        only when the tree changed, so a turn of reads adds no rollout lines."""
        self._any_call = True
        self._calls += 1
        self._running += 1
        if not await self._ready() or tool_name not in _WRITING_TOOLS:
            return
        if not self._tool_ran:
            self._tool_ran = True
            return
        commit = await self._take(f"before call {call_id} of turn {self.turn_id}")
        if commit is not None and commit != self.last:
            self._record("before_tool", commit, call_id=call_id)

    def after_tool(self) -> None:
        """A tool call ended (every `before_tool` is paired with one). Once none is running,
        the tree is checkpointed in a worker while the model reads the results: if it answers
        without another call, that is the turn's `after`, and the turn's end does not wait
        for a scan of the tree."""
        self._running -= 1
        if self._running > 0 or self.last is None:
            return
        after = asyncio.ensure_future(
            asyncio.to_thread(self.store.checkpoint, f"after turn {self.turn_id}")
        )
        after.add_done_callback(_retrieved)  # a stale one's failure is nobody's concern
        self._after, self._after_calls = after, self._calls

    async def after_turn(self) -> None:
        """The tree as the turn left it (also when it failed or was interrupted).

        A turn that called no tool changed no file: its `after` is its `before`, without a
        second scan of the tree (half the checkpoint cost of a turn of talk). What changed
        meanwhile is someone else's (the user's, another session's), and an undo of this
        turn leaves it alone; the next turn's `before` has it."""
        if not await self._ready():
            return
        if not self._any_call:
            assert self.last is not None
            self._record("after", self.last)
            return
        commit = None
        if self._after is not None and self._after_calls == self._calls and not self._running:
            with contextlib.suppress(_store().CheckpointError, OSError):
                commit = await asyncio.shield(self._after)
        if commit is None:
            commit = await self._take(f"after turn {self.turn_id}")
        if commit is not None:
            self._record("after", commit)


def _retrieved(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()  # marks it retrieved: no "exception was never retrieved" warning


def _printable(name: str) -> str:
    return os.fsencode(name).decode("utf-8", "backslashreplace")


async def before_turn(state: Any, turn_id: str, settings: Any) -> TurnCheckpoints | None:
    """Start the checkpoint before a turn that may write (it runs in a worker thread while the
    turn asks the model); None when the turn is read-only, checkpoints are off
    (`CODEX_PY_CHECKPOINTS=0`) or the cwd is `/` or the home directory."""
    if settings.sandbox_policy.to_json_dict().get("type") == "read-only":
        return None
    if os.environ.get("CODEX_PY_CHECKPOINTS") == "0":
        return None  # opted out
    cwd = Path(os.path.realpath(settings.cwd))
    if cwd == Path(cwd.anchor) or cwd == Path(os.path.realpath(Path.home())):
        return None  # a whole home or filesystem is not a work tree worth snapshotting
    checkpoint_store = _store()
    try:
        store = checkpoint_store.CheckpointStore(Path(state.config.codex_home), Path(settings.cwd))
    except (checkpoint_store.CheckpointError, OSError):
        return None
    first = asyncio.ensure_future(asyncio.to_thread(store.checkpoint, f"before turn {turn_id}"))
    return TurnCheckpoints(state, turn_id, store, first)
