"""The rollout hook a session writes through: `Recorder`, what `Session(recorder=...)` takes.

codex.rollout.RolloutRecorder is the real one (the file on disk); tests keep lines in memory.
A session calls exactly these methods, so a recorder is checked by its type, never probed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol


class Recorder(Protocol):
    """Append-only sink for a session's rollout lines (codex.rollout.policy decides which
    reach disk)."""

    def record_response_item(self, item: Mapping[str, Any]) -> object: ...

    def record_event(self, msg: Mapping[str, Any]) -> object: ...

    def record_turn_context(self, ctx: Mapping[str, Any]) -> object: ...

    def record_compacted(
        self, message: str, replacement_history: list[Mapping[str, Any]] | None = None
    ) -> object: ...

    def flush(self) -> None:
        """Queued lines to the OS (before a request leaves or a tool starts)."""

    def turn_end(self) -> None:
        """A turn boundary: write what is queued, fsync per the recorder's policy."""

    def close(self) -> None: ...


def rollout_pending(recorder: object) -> bool:
    """Whether `recorder` (a session's, or None) holds a new thread's rollout file that its
    first turn has not made yet (0.169 makes it then): there is no file to resume, fork or read
    its turns from, and front ends answer as 0.169 does."""
    return getattr(recorder, "materialized", True) is False


def start_file(recorder: object) -> None:
    """A turn is on its way: a recorder whose new file its first flush will make starts creating
    it now, off the event loop (RolloutRecorder.make_file_soon; a no-op once begun); in-memory
    recorders have none."""
    soon = getattr(recorder, "make_file_soon", None)
    if soon is not None:
        soon()
