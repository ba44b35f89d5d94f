"""`codex viewer`: serve the read-only session viewer on loopback (by default).

Why a flag for other hosts: the pages show prompts, command output and file contents; binding
beyond loopback publishes them to the network, so it takes `--allow-remote` and says so.
"""

from __future__ import annotations

import argparse
import contextlib
import ipaddress
import socket
import sys
from typing import Any

from codex.errors import CodexError, UsageError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--port", type=int, default=8001, help="Port (0: any free port)")
    parser.add_argument("--host", default="127.0.0.1", help="Address to bind (loopback)")
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="Allow a non-loopback --host (shows your sessions to the network)",
    )
    parser.add_argument("--open", action="store_true", help="Open the viewer in a browser")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace, ctx: Any) -> int:
    if not is_loopback(args.host):
        if not args.allow_remote:
            raise UsageError(
                f"--host {args.host} is not loopback; pass --allow-remote to expose sessions"
            )
        sys.stderr.write(
            f"warning: serving your sessions on {args.host}: anyone who can reach it can read "
            "them\n"
        )
    try:
        import uvicorn

        from codex.viewer.app import create_app
    except ImportError as exc:
        raise CodexError(
            f"the viewer needs the viewer extra: pip install 'codex-py[viewer]' ({exc})"
        ) from None
    home = ctx.load_config().codex_home
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((args.host, args.port))
    except OSError as exc:
        raise CodexError(f"cannot bind {args.host}:{args.port}: {exc.strerror}") from None
    # Listening before the URL is printed: a client that reads it may connect at once (the
    # connection waits in the backlog until uvicorn accepts).
    sock.listen(128)
    port = sock.getsockname()[1]
    shown = f"[{args.host}]" if ":" in args.host else args.host
    url = f"http://{shown}:{port}/"
    sys.stdout.write(f"codex viewer: {url}\n")
    sys.stdout.flush()
    if args.open:
        import webbrowser

        webbrowser.open(url)
    config = uvicorn.Config(create_app(home), log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C is how one stops it
        server.run(sockets=[sock])
    return 0
