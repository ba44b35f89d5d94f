"""`EventProcessor`: what a front end plugs between a session's event stream and its output.

A processor is pure: it gets each core event it handles in wire form (the dict a rollout's
`event_msg` payload holds) and answers with what to write where (`Rendered`: bytes for programs
on stdout, text for people on stderr); the front end owns the streams. `codex exec` drives the
JSONL and the human processors through this interface alone, with no branch on the mode.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["NOTHING", "EventProcessor", "Msg", "Rendered"]

Msg = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Rendered:
    """Output for one event: `stdout` for programs (JSONL lines, the final answer), `stderr`
    for people (progress, header, footer). Either may be empty."""

    stdout: bytes = b""
    stderr: str = ""


NOTHING = Rendered()


class EventProcessor(Protocol):
    """Core events → output for one medium (see the module docstring)."""

    @property
    def handled(self) -> frozenset[str]:
        """The event types `render` reacts to; a front end skips every other type before it
        builds the wire form. `session_configured` is always among them."""
        ...

    def render(self, msg: Msg) -> Rendered:
        """The output for one handled event."""
        ...

    def finish(self, last_agent_message: str | None) -> Rendered:
        """The output once the turn ended (`last_agent_message`: its final answer, or None)."""
        ...
