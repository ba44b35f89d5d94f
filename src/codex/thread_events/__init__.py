"""Core events rendered for a front end's medium, usable by every front end without importing
another: the `ThreadEvent` vocabulary of `codex exec --json` (`wire`: what the official SDKs
parse, what `codex batch` streams and app-server maps its items from), the pure mapping from
core events to it (`jsonl`), the human progress text of plain `codex exec` (`human`),
upstream's argv display (`shell_quote`), and the one `EventProcessor` interface the two
processors share (`processor`).

Pure: no I/O, no clock, no session. Imports only `codex.protocol`; front ends import this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codex._lazy import lazy_exports

if TYPE_CHECKING:
    from codex.thread_events.human import HumanEventProcessor, Palette
    from codex.thread_events.jsonl import JsonlEventProcessor
    from codex.thread_events.processor import EventProcessor, Rendered
    from codex.thread_events.wire import ThreadEvent, encode_line

__all__ = [
    "EventProcessor",
    "HumanEventProcessor",
    "JsonlEventProcessor",
    "Palette",
    "Rendered",
    "ThreadEvent",
    "encode_line",
]

_LAZY = {
    "EventProcessor": "codex.thread_events.processor",
    "Rendered": "codex.thread_events.processor",
    "HumanEventProcessor": "codex.thread_events.human",
    "Palette": "codex.thread_events.human",
    "JsonlEventProcessor": "codex.thread_events.jsonl",
    "ThreadEvent": "codex.thread_events.wire",
    "encode_line": "codex.thread_events.wire",
}

__getattr__ = lazy_exports(globals(), _LAZY)
