"""Running the server: `serve(overrides, listen)` loads the config once (a bad config is the
usual one-line error before any protocol starts), then serves stdio or WebSocket on one uvloop
loop until the client goes away (stdin EOF) or SIGTERM/SIGINT; every thread is then shut down
(rollouts flushed and closed, command process groups killed)."""

from __future__ import annotations

import contextlib
import os
import sys
from typing import TYPE_CHECKING, Any

from codex.errors import UsageError

if TYPE_CHECKING:  # asyncio and the rest load after the handshake (handshake.py)
    import asyncio
    from pathlib import Path

    from codex.config import ConfigOverrides


def parse_listen(listen: str) -> tuple[str, str | None, int | None]:
    """`stdio://` → ("stdio", None, None); `ws://HOST:PORT` → ("ws", host, port)."""
    if listen in ("stdio://", "stdio", ""):
        return "stdio", None, None
    if listen.startswith("ws://"):
        host, sep, port = listen[len("ws://") :].rstrip("/").rpartition(":")
        if not sep or not port.isdigit() or not host:
            raise UsageError(f"invalid --listen URL {listen!r}: expected ws://IP:PORT")
        return "ws", host.strip("[]"), int(port)
    raise UsageError(f"unsupported --listen URL {listen!r}: use stdio:// or ws://IP:PORT")


def serve(overrides: ConfigOverrides, listen: str = "stdio://") -> int:
    kind, host, port = parse_listen(listen)
    import gc

    # Start-up allocates ~100k long-lived objects (modules, classes, the config): collecting
    # them over and over is wasted work. The collector stays off until the first thread is
    # open (AppServer.settle_gc), which then freezes them out of every later collection.
    gc.disable()
    from codex.config.paths import resolve_paths

    # Only the home now (cheap): the config is read when a thread needs it, so `initialize`
    # is answered before the config, asyncio or the server are imported (handshake.py).
    codex_home = resolve_paths(overrides).codex_home
    early: tuple[bytes, object | None] = (b"", None)
    if kind == "stdio":
        from codex.app_server.fast_start import take

        taken = take()  # `initialize` already answered before argparse (fast_start)?
        if taken is not None and taken[1] is not None:
            early = taken
        else:
            from codex.app_server.handshake import early_handshake

            early = early_handshake(str(codex_home), taken[0] if taken else b"")
    _skip_httpx_cli()
    import asyncio
    import logging

    logging.basicConfig(
        stream=sys.stderr,
        level=os.environ.get("CODEX_APP_SERVER_LOG", "WARNING").upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    runner: Any
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover - uvloop is a dependency on unix
        runner = asyncio.run
    if kind == "ws":
        assert host is not None and port is not None
        return runner(_ws(overrides, codex_home, host, port))
    return runner(_stdio(overrides, codex_home, *early))


def _skip_httpx_cli() -> None:
    """`import httpx` also imports its command-line client (`httpx._main`: click, rich and
    pygments, ~100 ms) whenever those are installed, and rich is (the TUI uses it). The server
    never runs that client: an empty stand-in makes httpx take its own fallback (a `main` that
    says the CLI extras are missing). Must run before anything imports httpx."""
    if "httpx" in sys.modules or "httpx._main" in sys.modules:
        return
    import types

    sys.modules["httpx._main"] = types.ModuleType("httpx._main")


async def _until_signal(work: asyncio.Future[None]) -> None:
    import asyncio
    import signal

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, work.cancel)
    with contextlib.suppress(asyncio.CancelledError):
        await work


async def _stdio(
    overrides: ConfigOverrides, codex_home: Path, pending: bytes, hello: object | None
) -> int:
    import asyncio

    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer
    from codex.app_server.transport_stdio import open_stdio, read_messages

    server = AppServer(overrides, codex_home)
    reader, transport = await open_stdio(pending)  # `pending`: read early, not handled yet
    # stdout carries protocol only: anything else printing to fd 1 lands on stderr.
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    conn = Connection(transport.write)
    if hello is not None:
        conn.hello(hello)
    work = asyncio.ensure_future(server.serve(conn, read_messages(reader)))
    try:
        await _until_signal(work)
    finally:
        await server.close()
        conn.flush()
        transport.close()
    return 0


async def _ws(overrides: ConfigOverrides, codex_home: Path, host: str, port: int) -> int:
    import asyncio

    from codex.app_server.server import AppServer
    from codex.app_server.transport_ws import serve_ws

    server = AppServer(overrides, codex_home)
    work = asyncio.ensure_future(serve_ws(server, host, port))
    try:
        await _until_signal(work)
    finally:
        await server.close()
    return 0
