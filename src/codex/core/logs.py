"""Where codex's own log lines go, and how much of them (spec-platform §10).

As upstream: the level comes from `RUST_LOG` (env_logger syntax, `target=level,...` or a bare
level; upstream's crate names map onto our packages, `codex_core` -> `codex.core`, and Python
logger names work as they are); the TUI appends to `<log_dir>/codex-tui.log` (0600; the screen is
its own), by default `codex_core=info,codex_tui=info,codex_rmcp_client=info`; `codex exec` and the
app-server log to stderr (errors only by default, as 0.169; `LOG_FORMAT=json` gives the app-server
JSON lines); `codex batch` writes one file per run. Levels are spelled as tracing spells them
(`WARN`, not `WARNING`). Where the files go is `codex.config.log_dir` (config
`log_dir`, default `$CODEX_HOME/log`), the rule the login log and MCP servers' stderr logs follow
too. Every line goes through the rollout redactor first: a key in an error message never reaches
a log.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from pathlib import Path
from typing import Any

from codex.config.paths import log_dir

__all__ = ["LazyLogFile", "configure_logging", "parse_filter"]

_LEVELS = {
    "trace": logging.DEBUG,
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "off": logging.CRITICAL + 10,
}
# Upstream crate names -> our packages (a crate not listed maps `codex_x_y` -> `codex.x_y`).
_CRATES = {"codex_rmcp_client": "codex.mcp_client", "codex_cli": "codex.cli"}
# 0.169's TUI default, as its binary spells it (it names a crate we do not have; harmless).
TUI_DEFAULT_FILTER = (
    "codex_core=info,codex_tui=info,codex_rmcp_client=info,codex_realtime_webrtc=warn"
)
# `codex exec` and the app-server with RUST_LOG unset: errors only (0.169 shows no warning then).
STDERR_DEFAULT_LEVEL = logging.ERROR
# tracing's level names: Python's WARNING is WARN there, and there is nothing above ERROR.
_TRACING_NAMES = {logging.WARNING: "WARN", logging.CRITICAL: "ERROR"}
_HANDLER_MARK = "_codex_handler"


def _logger_name(target: str) -> str:
    if target in _CRATES:
        return _CRATES[target]
    if target.startswith("codex_") and "." not in target:
        return "codex." + target.removeprefix("codex_").split("::")[0]
    return target.replace("::", ".")


def parse_filter(spec: str, default: int) -> tuple[int, dict[str, int]]:
    """(the level for `codex` as a whole, {logger name: level}) from an env_logger filter;
    pieces that do not parse are skipped, as env_logger does."""
    base = default
    targets: dict[str, int] = {}
    for piece in spec.split(","):
        piece = piece.strip()
        if not piece:
            continue
        target, _, level = piece.rpartition("=")
        value = _LEVELS.get(level.strip().lower())
        if value is None:
            continue
        if target:
            targets[_logger_name(target.strip())] = value
        else:
            base = value
    return base, targets


class _Redacting(logging.Formatter):
    """Formats as upstream's tracing lines (UTC time, level, target) and scrubs credentials."""

    def __init__(self, json_lines: bool = False) -> None:
        super().__init__("%(asctime)s %(tracing_level)5s %(name)s: %(message)s")
        from codex.rollout.redact import Redactor

        self._redactor = Redactor()
        self._json = json_lines

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
        return f"{stamp}.{int(record.created % 1 * 1_000_000):06d}Z"

    def format(self, record: logging.LogRecord) -> str:
        level = _TRACING_NAMES.get(record.levelno, record.levelname)
        record.tracing_level = level
        if self._json:
            import orjson

            data = {
                "timestamp": self.formatTime(record),
                "level": level,
                "target": record.name,
                "fields": {"message": record.getMessage()},
            }
            text = orjson.dumps(data).decode()
        else:
            text = super().format(record)
        return self._redactor.scrub(text.encode()).decode()


def _open_log(path: Path) -> logging.Handler:
    """A handler appending to `path`; when it cannot be opened (log_dir not writable, not a
    directory, the file a symlink) one line on stderr says so and nothing is logged: a log
    file never stops the TUI or a batch."""
    try:
        stream = _open_private(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        sys.stderr.write(f"codex: not logging to {path}: {reason}\n")
        return logging.NullHandler()
    return logging.StreamHandler(stream)


def _open_private(path: Path) -> Any:
    """`path` opened to append, 0600, never through a symlink planted at its name (O_NOFOLLOW:
    log_dir may sit in a work tree the model writes, and the file must not be followed to
    append to, and chmod, another); raises OSError."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | os.O_NOFOLLOW
    fd = os.open(path, flags, 0o600)
    with contextlib.suppress(OSError):  # someone else's file we may append to keeps its mode
        os.fchmod(fd, 0o600)  # an older file made with a looser mode is tightened
    return os.fdopen(fd, "a", encoding="utf-8", buffering=1)


class LazyLogFile(logging.Handler):
    """A log file created by its first line, in upstream's line shape and redacted: the login
    log, which 0.169 leaves uncreated when a login stops before logging anything (an empty
    key on stdin). A file that cannot be opened is skipped silently: it never stops a login."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self._stream: Any = None
        self._failed = False
        self.setFormatter(_Redacting())

    def emit(self, record: logging.LogRecord) -> None:
        if self._stream is None:
            if self._failed:
                return
            try:
                self._stream = _open_private(self.path)
            except OSError:
                self._failed = True
                return
        try:
            self._stream.write(self.format(record) + "\n")
        except Exception:  # logging's own contract: report, never raise
            self.handleError(record)

    def close(self) -> None:
        if self._stream is not None:
            with contextlib.suppress(OSError):
                self._stream.close()
            self._stream = None
        super().close()


def configure_logging(config: Any, target: str) -> Path | None:
    """Install the handler for `target` ("stderr", "app-server", "tui" or "batch") on the
    `codex` logger, once per process; returns the log file, if any."""
    root = logging.getLogger("codex")
    if any(getattr(h, _HANDLER_MARK, False) for h in root.handlers):
        return None
    env = os.environ.get("RUST_LOG", "")
    path: Path | None = None
    if target == "tui":
        base, targets = parse_filter(env or TUI_DEFAULT_FILTER, logging.WARNING)
        path = log_dir(config) / "codex-tui.log"
        handler = _open_log(path)
    elif target == "batch":
        base, targets = parse_filter(env or "info", logging.WARNING)
        stamp = time.strftime("%Y-%m-%dT%H-%M-%S")
        path = log_dir(config) / f"codex-batch-{stamp}-{os.getpid()}.log"
        handler = _open_log(path)
    else:
        base, targets = parse_filter(env, STDERR_DEFAULT_LEVEL)
        handler = logging.StreamHandler()
    json_lines = target == "app-server" and os.environ.get("LOG_FORMAT") == "json"
    handler.setFormatter(_Redacting(json_lines))
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(_Gate(base, targets))
    root.addHandler(handler)
    root.setLevel(min([base, *targets.values()]))
    root.propagate = False  # no second copy through Python's last-resort handler
    return path


class _Gate(logging.Filter):
    """Per-target levels: with `codex_core=debug`, codex.core logs debug while the rest of
    codex stays at the base level (the nearest named ancestor decides)."""

    def __init__(self, base: int, targets: dict[str, int]) -> None:
        super().__init__()
        self.base = base
        self.targets = targets

    def filter(self, record: logging.LogRecord) -> bool:
        name = record.name
        while name:
            if name in self.targets:
                return record.levelno >= self.targets[name]
            name = name.rpartition(".")[0]
        return record.levelno >= self.base
