"""Answer `initialize` before the server is even imported.

Clients (the Python SDK, IDEs) spawn `codex app-server` and wait for the `initialize` answer
before anything else, so the time to that answer is the server's start-up time as they see it.
`codex.cli.main` calls `answer_initialize(argv)` first thing: when the command line is a plain
`app-server` over stdio, this reads the first stdin line with bare `os.read`, and when it is a
well-formed `initialize` answers it at once, importing nothing but `os`, `sys` and the C JSON
scanner (no argparse, asyncio, orjson, pathlib or config). The answer and the bytes read after
the line are kept in `EARLY` for `codex.app_server.main.serve`, which then starts as usual; a
command line vetted here is run without argparse too (nothing in it needs it).

Anything unusual (another transport, an option this module does not know, `CODEX_HOME` that
`resolve_paths` would refuse, a line that is not a clean `initialize`) leaves everything to
the normal path: nothing is read or written here then, or the bytes read are handed over
unhandled, so errors are reported by the one implementation that reports them.
"""

from __future__ import annotations

import os
import sys

from codex import __version__

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# Set by answer_initialize when it read stdin: (bytes read and not handled, the hello when it
# answered `initialize`, else None).
EARLY: tuple[bytes, ClientHello | None] | None = None

# Global options taking one value that cannot change what `initialize` answers, nor fail the
# command line later (argparse takes them verbatim; -c values are parsed when a config loads).
_PLAIN_VALUE_OPTIONS = frozenset({"-c", "--config"})
_LISTEN_STDIO = frozenset({"stdio://", "stdio", ""})
_MAX_FIRST_LINE = 1 << 20


class ClientHello:
    """What a client said in `initialize`."""

    __slots__ = ("experimental", "name", "opt_out", "version")

    def __init__(self, name: str, version: str, experimental: bool, opt_out: frozenset[str]):
        self.name = name
        self.version = version
        self.experimental = experimental
        self.opt_out = opt_out


# ---- the initialize result (shared with codex.app_server.handshake) --------------------------


def os_description() -> str:
    """`Debian 12.0.0`: the distribution and its version padded to three parts, as the
    official user agent names the OS."""
    uname = os.uname()
    if uname.sysname != "Linux":
        return f"{uname.sysname} {uname.release}"
    fields: dict[str, str] = {}
    try:
        with open("/etc/os-release", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.strip().partition("=")
                fields[key] = value.strip('"')
    except (OSError, ValueError):
        pass
    name = fields.get("ID", "linux").capitalize()
    version = fields.get("VERSION_ID", uname.release)
    if version.replace(".", "").isdigit():
        version = ".".join([*version.split("."), "0", "0"][:3])
    return f"{name} {version}"


def user_agent(name: str, version: str) -> str:
    """`<client>/<cli version> (<os> <ver>; <arch>) <terminal> (<client>; <client version>)`,
    the official form the SDK splits to find the server's version."""
    from codex.protocol.terminal import terminal_token

    terminal = terminal_token()
    ua = f"{name}/{__version__} ({os_description()}; {os.uname().machine}) {terminal}"
    ua = f"{ua} ({name}; {version})"
    return "".join(ch if 0x20 <= ord(ch) < 0x7F else "_" for ch in ua)


def valid_header_value(text: str) -> bool:
    return all(0x20 <= ord(ch) < 0x7F or ch == "\t" for ch in text)


def result_for(hello: ClientHello, codex_home: str) -> dict[str, str]:
    """The `initialize` result; its key order is the wire order."""
    return {
        "userAgent": user_agent(hello.name, hello.version),
        "codexHome": codex_home,
        "platformFamily": "unix" if os.name == "posix" else "windows",
        "platformOs": {"linux": "linux", "darwin": "macos"}.get(sys.platform, sys.platform),
    }


def hello_from(params: Any) -> ClientHello | None:
    """The hello of well-formed `initialize` params; None when they are not (the caller
    words the error)."""
    if params is None:
        params = {}
    if not isinstance(params, dict):
        return None
    info = params.get("clientInfo")
    if not isinstance(info, dict):
        return None
    name, version = info.get("name"), info.get("version")
    if not isinstance(name, str) or not isinstance(version, str):
        return None
    if not valid_header_value(name):
        return None
    caps = params.get("capabilities") or {}
    experimental = False
    opt_out: frozenset[str] = frozenset()
    if isinstance(caps, dict):
        experimental = bool(caps.get("experimentalApi"))
        methods = caps.get("optOutNotificationMethods")
        if isinstance(methods, list):
            opt_out = frozenset(m for m in methods if isinstance(m, str))
    return ClientHello(name, version, experimental, opt_out)


# ---- the fast path ---------------------------------------------------------------------------


def take() -> tuple[bytes, ClientHello | None] | None:
    """What answer_initialize did, once: None when it did not touch stdin, else (the bytes
    read and not handled, the hello when it answered `initialize`)."""
    global EARLY
    early, EARLY = EARLY, None
    return early


def answer_initialize(argv: list[str]) -> Callable[[], int] | None:
    """See the module docstring. For a command line vetted here, returns what runs the server
    (argparse would find nothing else in it); None leaves the command line to argparse. Never
    raises: any surprise means "not handled here"."""
    global EARLY
    vetted = _vet(argv)
    if vetted is None:
        return None
    buffer = b""
    try:
        home = _codex_home(vetted)
        if home is None:
            return None
        while b"\n" not in buffer:
            chunk = os.read(0, 65536)
            if not chunk:
                break
            buffer += chunk
            if len(buffer) > _MAX_FIRST_LINE:
                break
        line, newline, rest = buffer.partition(b"\n")
        answered = _answer(line, home) if newline else None
        vetted.home = home
    except Exception:  # the normal path re-does and reports everything
        answered = None
    if answered is None:
        EARLY = (buffer, None) if buffer else None
    else:
        _write_all(answered[0])
        EARLY = (rest, answered[1])
    return lambda: _serve(vetted)


class _Vetted:
    """A plain stdio `app-server` command line: its config homes (given before / after the
    subcommand, last one wins at each level) and `-c` values in command-line order."""

    __slots__ = ("home", "home_after", "home_before", "overrides")

    def __init__(self) -> None:
        self.home: str | None = None  # CODEX_HOME as resolved when `initialize` was answered
        self.home_before: str | None = None
        self.home_after: str | None = None
        self.overrides: list[str] = []

    @property
    def config_home(self) -> str | None:
        # codex.cli.main._context: the subcommand's own value, when non-empty, else the global.
        return self.home_after or self.home_before


def _vet(argv: list[str]) -> _Vetted | None:
    """The command line as argparse would read it, or None when it holds anything but the
    subcommand, `--listen stdio://`, `-c`/`--config` and `--config-home`."""
    vetted = _Vetted()
    seen_command = False
    tokens = iter(argv)
    for token in tokens:
        if token == "app-server" and not seen_command:
            seen_command = True
            continue
        option, eq, inline = token.partition("=")
        if option in _PLAIN_VALUE_OPTIONS or option == "--config-home" or option == "--listen":
            if eq and option.startswith("--"):
                value = inline
            elif eq:
                return None  # `-c=K=V`: argparse's reading differs; leave it to it
            else:
                found = next(tokens, None)
                if found is None or found.startswith("-"):
                    return None
                value = found
            if option == "--config-home":
                if seen_command:
                    vetted.home_after = value
                else:
                    vetted.home_before = value
            elif option == "--listen":
                if not seen_command or value not in _LISTEN_STDIO:
                    return None
            else:
                vetted.overrides.append(value)
            continue
        return None  # a positional, --help, an option this module does not vouch for
    return vetted if seen_command else None


def _serve(vetted: _Vetted) -> int:
    """What `codex app-server` runs (codex.cli.app_server.run), minus argparse. Once
    `initialize` is answered, the start-up imports run interleaved with the requests that can
    be answered without them (codex.app_server.early)."""
    global EARLY
    if EARLY is not None and EARLY[1] is not None and vetted.home is not None:
        from codex.app_server.early import serve_early

        EARLY = (serve_early(EARLY[0], vetted.home), EARLY[1])
    from codex.app_server.main import serve
    from codex.config import ConfigOverrides

    overrides = ConfigOverrides(
        config_home=vetted.config_home, cli_overrides=tuple(vetted.overrides)
    )
    return serve(overrides, "stdio://")


def _codex_home(vetted: _Vetted) -> str | None:
    """CODEX_HOME as `codex.config.paths.resolve_paths` resolves it, or None when it would
    refuse (left to it, with its message)."""
    if os.environ.get("CODEX_CONFIG_FILE", "").strip():
        return None  # resolve_paths checks it exists: leave the error to it
    config_home = vetted.config_home
    if config_home:
        return _absolute(os.path.expanduser(config_home))
    from_env = os.environ.get("CODEX_HOME", "").strip()
    if from_env:
        path = os.path.expanduser(from_env)
        if not os.path.isdir(path):
            return None  # refused by resolve_paths, with its message
        return _absolute(path)
    return _absolute(os.path.join(os.path.expanduser("~"), ".codex"))


def _absolute(path: str) -> str:
    """Canonical when it exists, else made absolute (codex.config.paths._absolute)."""
    try:
        return os.path.realpath(path, strict=True)
    except (FileNotFoundError, NotADirectoryError):
        return os.path.abspath(path)


def _answer(line: bytes, codex_home: str) -> tuple[bytes, ClientHello] | None:
    """(the response line, the hello) for a clean `initialize` request; else None."""
    message = _loads(line)
    if not isinstance(message, dict) or message.get("method") != "initialize":
        return None
    msg_id = message.get("id")
    if isinstance(msg_id, bool) or not isinstance(msg_id, int | str):
        return None
    hello = hello_from(message.get("params"))
    if hello is None:
        return None
    from _json import encode_basestring

    result = result_for(hello, codex_home)
    body = ",".join(f"{encode_basestring(k)}:{encode_basestring(v)}" for k, v in result.items())
    wire_id = str(msg_id) if isinstance(msg_id, int) else encode_basestring(msg_id)
    data = f'{{"id":{wire_id},"result":{{{body}}}}}\n'.encode()  # strict: no lone surrogates
    return data, hello


_WHITESPACE = b" \t\r\n"
_I64_MIN, _U64_MAX = -(1 << 63), (1 << 64) - 1


class _Context:
    """What `_json.make_scanner` reads from a decoder: strict JSON as orjson accepts it
    (no NaN/Infinity, integers within 64 bits), so nothing is answered here that the normal
    decoder would refuse."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float

    @staticmethod
    def parse_int(text: str) -> int:
        value = int(text)
        if not _I64_MIN <= value <= _U64_MAX:
            raise ValueError("integer out of range")
        return value

    @staticmethod
    def parse_constant(text: str) -> Any:
        raise ValueError(f"not JSON: {text}")


def _loads(line: bytes) -> Any:
    """The line's JSON value, or None: the C scanner of the stdlib's json, without importing
    json (and re); lone surrogate escapes, which orjson refuses, are refused here too."""
    from _json import make_scanner

    text = line.strip(_WHITESPACE)
    if not text.startswith(b"{") or b"\\ud" in text.lower():
        return None
    decoded = text.decode("utf-8")
    value, end = make_scanner(_Context)(decoded, 0)  # type: ignore[arg-type]  # duck-typed
    if end != len(decoded):
        return None
    return value


def _write_all(data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(1, view) :]
