"""The process's event loop: uvloop where it exists, stdlib asyncio elsewhere.

Front ends call `run(main())` instead of `asyncio.run` so every async part of codex (the model
client above all) runs on the same, fast loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def loop_factory() -> Any:
    """`uvloop.new_event_loop` if uvloop imports, else None (asyncio's default)."""
    try:
        import uvloop
    except ImportError:
        return None
    return uvloop.new_event_loop


def uvloop_available() -> bool:
    return loop_factory() is not None


def run(coro: Coroutine[Any, Any, T], *, debug: bool | None = None) -> T:
    """Run `coro` to completion on a fresh loop (uvloop when available) and close it."""
    factory = loop_factory()
    if factory is None:
        return asyncio.run(coro, debug=debug)
    with asyncio.Runner(loop_factory=factory, debug=debug) as runner:
        return runner.run(coro)
