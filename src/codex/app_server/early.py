"""The server's start-up, interleaved with the requests that can be answered before it ends.

After `initialize` is answered (fast_start), the rest of the server still has ~70 ms of
imports ahead (asyncio, uvloop, orjson, the config, the handlers) before it reads another
request. A client that lists threads right away (an IDE's history pane, `thread/list` as
its first call) waited for all of it. Here the imports run one module at a time, and between
two of them stdin is polled: `initialized` and `thread/list` are answered at once, through
the same code the full server uses (listing.py, thread_index.py: both need nothing of
what is being imported). The first other request ends this phase: the remaining imports run
and the full server takes over with every byte not handled here, so no request is answered
later than it would have been (it waits at most for the one module being imported).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from codex.app_server.thread_index import ThreadIndex

# The full server's imports, leaves first, so that each step is one module's own body
# (a few ms at most). A name missing here only makes a later step bigger.
WARM = (
    "enum",
    "re",
    "typing",
    "ast",
    "dis",
    "tokenize",
    "linecache",
    "inspect",
    "dataclasses",
    "codex.config.overrides",
    "codex.config",
    "ipaddress",
    "urllib.parse",
    "pathlib",
    "codex.config.paths",
    "codex.app_server.main",
    "textwrap",
    "traceback",
    "string",
    "threading",
    "logging",
    "concurrent.futures",
    "selectors",
    "socket",
    "locale",
    "subprocess",
    "_ssl",
    "base64",
    "ssl",
    "asyncio.events",
    "asyncio.sslproto",
    "asyncio.locks",
    "asyncio.staggered",
    "asyncio.base_events",
    "asyncio.selector_events",
    "asyncio.unix_events",
    "asyncio",
    "concurrent.futures.thread",
    "uvloop.loop",
    "uvloop",
    "datetime",
    "platform",
    "uuid",
    "json.decoder",
    "json",
    "orjson",
    "codex.app_server.framing",
    "codex.app_server.connection",
    "codex.app_server.transport_stdio",
    "codex.app_server.server",
    "hashlib",
    "codex.app_server.items",
    "codex.app_server.notifications",
    "codex.app_server.account",
    "bz2",
    "shutil",
    "codex.app_server.fs",
    "codex.app_server.review",
    "random",
    "tempfile",
    "codex.core.rollback",
    "codex.app_server.rollback",
    "codex.app_server.threads",
    "codex.app_server.methods",
)

# After an answer, how long to wait for the client's next request before the next import
# step: a client that just got its list often asks again at once (the next page), and a
# step may take ~10 ms (asyncio; several times that on a loaded machine), while a client's
# own turnaround (decoding a 20 KB page, a thread hand-off) can pass 2 ms under load. Any
# request arriving meanwhile ends the wait at once, so this only delays the start-up when
# the client is idle, by at most this per request answered here.
LINGER = 0.01

# Bytes this phase holds at most: a longer line (or a flood) is left to the full server,
# whose reader refuses oversized lines without buffering them whole.
MAX_BUFFER = 1 << 20

# What this phase built, for the full server to keep using (AppServer.index / names).
STATE: dict[str, Any] = {}


def serve_early(pending: bytes, codex_home: str) -> bytes:
    """Run the start-up imports, answering what can be answered between them (module
    docstring); returns the bytes read and not handled, for the full server."""
    import gc
    import importlib
    import select

    gc.disable()  # as codex.app_server.main.serve: start-up builds long-lived objects only
    # First what a `thread/list` needs (the saved index opened: ~1 ms), as a client that lists
    # threads at once sends that request within a few ms of the `initialize` answer.
    steps: list[Any] = [*reversed(WARM), lambda: _state(codex_home)]
    buffer = pending
    serving = True
    while steps:
        wait = 0.0
        while serving and b"\n" in buffer:
            line, _, rest = buffer.partition(b"\n")
            if not _answer(line, codex_home):
                serving = False
                break
            buffer = rest
            wait = LINGER
        if len(buffer) > MAX_BUFFER:  # a huge line: the full server's reader refuses it
            serving = False
        if serving and select.select([0], [], [], wait)[0]:
            chunk = os.read(0, 65536)
            if chunk:
                buffer += chunk
                continue
            serving = False  # EOF: the full server sees it again and shuts down cleanly
        step = steps.pop()
        try:
            if isinstance(step, str):
                importlib.import_module(step)
            else:
                step()
        except Exception:  # a step is only a warm-up: the real import reports errors
            pass
    return buffer


def _answer(line: bytes, codex_home: str) -> bool:
    """Answer `line` if it is `initialized` or `thread/list`; False: leave it (and all that
    follows) to the full server."""
    from codex.app_server.fast_start import _loads, _write_all

    if not line.strip():
        return False
    try:
        message = _loads(line)
    except Exception:  # anything odd is the full server's to report
        return False
    if not isinstance(message, dict):
        return False
    method = message.get("method")
    if method == "initialized" and "id" not in message:
        return True
    if method != "thread/list" or set(message) - {"id", "method", "params", "jsonrpc"}:
        return False
    msg_id = message.get("id")
    params = message.get("params")
    if isinstance(msg_id, bool) or not isinstance(msg_id, int | str):
        return False
    if not isinstance(params, dict):  # absent params are an error the full server words
        return False
    from codex.app_server.errors import RpcError
    from codex.app_server.listing import list_threads
    from codex.app_server.thread_index import dumps

    try:
        from codex.app_server.param_check import check_experimental
        from codex.app_server.param_shapes import check_shape

        check_shape(method, params)  # refused as the full server refuses it (RpcError: below)
        check_experimental(method, params)  # an experimental field: the full server's call
        index, names = _state(codex_home)
        result = list_threads(index, names, lambda thread_id: None, params, STATE["git"])
        data = dumps({"id": msg_id, "result": result}).encode("utf-8") + b"\n"
    except RpcError:
        return False  # the full server answers it, errors worded by the one implementation
    except Exception:  # never fatal here: the full server does it again
        return False
    _write_all(data)
    index.save()
    return True


def _state(codex_home: str) -> tuple[ThreadIndex, dict[str, str]]:
    if STATE.get("home") != codex_home:
        from codex.app_server.thread_index import ThreadIndex, read_git_info, read_thread_names

        STATE.update(home=codex_home, index=ThreadIndex(codex_home))
        STATE["names"] = read_thread_names(codex_home)
        STATE["git"] = read_git_info(codex_home)
    return STATE["index"], STATE["names"]


def take_state(codex_home: str) -> tuple[ThreadIndex, dict[str, str]] | None:
    """The index and names built here for `codex_home` (once), else None."""
    if STATE.get("home") != codex_home:
        return None
    state = STATE["index"], STATE["names"]
    STATE.clear()
    return state
