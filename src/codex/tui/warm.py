"""Imports moved off the UI's path. The session's modules (core, the model client, httpx) take
hundreds of milliseconds to import on a loaded machine, and the first answer brings in Markdown
(markdown-it, linkify) and the HTTP stack (httpcore, h11, anyio). Imported on the event loop
they freeze the composer (keys are not echoed) and bill the first answer; imported in a thread
the loop keeps running between the import's bytecode slices.

`import_in_thread` is awaited before the session opens (the worker then finds the modules
loaded); `warm_up` starts a daemon thread, once, after the session is configured.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import threading

# What opening a session imports (codex.core.open and what it reaches).
SESSION_MODULES = (
    "codex.api",
    "codex.core.auth",
    "codex.core.local",
    "codex.core.setup",
    "codex.core.session",
    "codex.protocol.ops",
)
# What the first turn and the first answer import.
TURN_MODULES = (
    "rich.markdown",
    "rich.syntax",
    "httpcore",
    "h11",
    "anyio",
    "anyio.to_thread",
    "anyio._backends._asyncio",
    "sniffio",
    "certifi",
)

_started = False


def _import_all(names: tuple[str, ...]) -> None:
    for name in names:
        # A module that is missing or fails here is imported (and reported) where it is used.
        with contextlib.suppress(Exception):
            importlib.import_module(name)


async def import_in_thread(names: tuple[str, ...] = SESSION_MODULES) -> None:
    await asyncio.to_thread(_import_all, names)


def warm_up(names: tuple[str, ...] = TURN_MODULES) -> None:
    """Import `names` in a daemon thread (once per process)."""
    global _started
    if _started:
        return
    _started = True
    threading.Thread(target=_import_all, args=(names,), daemon=True, name="codex-warm").start()
