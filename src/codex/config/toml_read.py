"""Reading a TOML config file into a plain tree, with errors a user can act on in one line.

Nesting is bounded: 0.169 refuses arrays or inline tables nested deeper than 80 levels (and
dotted tables about as deep), and everything downstream (layering, validation, the cache key)
walks the tree recursively, so a hostile 5,000-deep file must stop here as one line, never as a
`RecursionError` traceback.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal, overload

from codex.errors import UsageError

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
_END = re.compile(r"\s*\(at end of document\)$")

MAX_DEPTH = 80
"""Deepest nesting of tables and arrays accepted (0.169: 80 nested arrays parse, 81 do not)."""


@overload
def read_toml(path: Path, *, required: Literal[True]) -> dict[str, Any]: ...
@overload
def read_toml(path: Path, *, required: bool) -> dict[str, Any] | None: ...


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
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise UsageError(_syntax_error_line(path, str(err), text)) from None
    except RecursionError:  # tomllib recurses once per nested array / inline table
        raise UsageError(too_deep_line(path, text)) from None
    if nested_deeper_than(table, MAX_DEPTH):
        raise UsageError(too_deep_line(path, text))
    return table


def nested_deeper_than(tree: object, limit: int) -> bool:
    """Whether tables/arrays nest more than `limit` levels below `tree` (iterative: the tree
    may be far deeper than Python's recursion limit, e.g. from a 5,000-segment dotted key)."""
    stack: list[tuple[object, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        children: Iterable[object]
        if isinstance(node, dict):
            children = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def too_deep_line(path: Path, text: str) -> str:
    """The one-line error for over-deep nesting, at the bracket that went too deep if any."""
    what = f"TOML nested more than {MAX_DEPTH} levels deep (arrays and tables)"
    position = _first_too_deep_bracket(text)
    if position is None:
        return f"{path}: {what}"
    return f"{path}:{position[0]}:{position[1]}: {what}"


def _first_too_deep_bracket(text: str) -> tuple[int, int] | None:
    """(line, column) of the first `[` or `{` opened beyond MAX_DEPTH outside strings and
    comments. Only run on the error path, so a plain character loop is fine."""
    depth = 0
    i = 0
    line, line_start = 1, 0
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == "\n":
            line, line_start = line + 1, i + 1
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif ch in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else ch
            j = i + len(quote)
            while j < n and not text.startswith(quote, j):
                if ch == '"' and text[j] == "\\":
                    j += 1
                j += 1
            line += text.count("\n", i, j)
            if "\n" in text[i:j]:
                line_start = text.rfind("\n", i, j) + 1
            i = j + len(quote)
            continue
        elif ch in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return line, i - line_start + 1
        elif ch in "]}":
            depth = max(depth - 1, 0)
        i += 1
    return None


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
