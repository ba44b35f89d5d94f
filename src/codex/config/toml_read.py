"""Reading a TOML config file into a plain tree, with errors a user can act on in one line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from codex.errors import UsageError

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_END = re.compile(r"\s*\(at end of document\)$")


def read_toml(path: Path, *, required: bool) -> dict[str, Any] | None:
    """The file's table, or None when it is absent and not `required`."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        if required:
            raise UsageError(f"config file {path} does not exist") from None
        return None
    except IsADirectoryError:
        raise UsageError(f"cannot read config file {path}: it is a directory") from None
    except OSError as err:
        reason = err.strerror or str(err)
        raise UsageError(f"cannot read config file {path}: {reason}") from None
    return parse_toml(data, path)


def parse_toml(data: bytes, path: Path) -> dict[str, Any]:
    import tomllib

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data[: err.start].count(b"\n") + 1
        raise UsageError(f"{path}:{line}: config file is not valid UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(_syntax_error_line(path, str(err), text)) from None


def _syntax_error_line(path: Path, message: str, text: str) -> str:
    """`file:line:col: TOML syntax error: <what>` from tomllib's `msg (at line L, column C)`."""
    position = _POSITION.search(message)
    if position:
        what = message[: position.start()]
        return f"{path}:{position[1]}:{position[2]}: TOML syntax error: {what}"
    if _END.search(message):
        line = text.count("\n") + 1
        column = len(text) - (text.rfind("\n") + 1) + 1
        return f"{path}:{line}:{column}: TOML syntax error: {_END.sub('', message)}"
    return f"{path}: TOML syntax error: {message}"
