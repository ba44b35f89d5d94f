"""Annotated field types shared by the config tables: strict TOML types, enum choices that say
what is allowed, paths with `~` expanded. Errors use stable `type` names that `errors.py` turns
into one line.

The tables are plain dataclasses; codex.config.fast_validate applies the metadata objects below
directly, and pydantic (codex.config.validate, for what the fast path declines) reads them
through `__get_pydantic_core_schema__`. Nothing here imports pydantic: pydantic_core is imported
inside those hooks and inside the error path only, so a valid config never loads it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

E = TypeVar("E", bound=Enum)


def describe(value: Any) -> str:
    """A TOML-ish rendering of a bad value for an error message."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        if len(value) > 60:  # one readable line, whatever was pasted
            return json.dumps(value[:57], ensure_ascii=False)[:-1] + '…"'
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"a {type(value).__name__}"


def invalid(kind: str, message: str, context: dict[str, Any] | None = None) -> Exception:
    """A validation error with a stable `type` (raised from inside a pydantic validation)."""
    from pydantic_core import PydanticCustomError

    return PydanticCustomError(kind, message, context)


class Before:
    """Annotated metadata: run `fn` on the raw value before the type's own validation."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(self.fn, handler(source))


class After:
    """Annotated metadata: run `fn` on the validated value."""

    __slots__ = ("fn",)

    def __init__(self, fn: Callable[[Any], Any]) -> None:
        self.fn = fn

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.no_info_after_validator_function(self.fn, handler(source))


def choice(enum: type[E]) -> Before:
    """The Annotated metadata of an enum field (`Annotated[Enum, choice(Enum)]`, an alias mypy
    sees as the enum): accepts exactly the upstream spellings and names them on error."""
    allowed = [member.value for member in enum]

    def parse(value: Any) -> E:
        if isinstance(value, enum):
            return value
        if isinstance(value, str):
            for member in enum:
                if member.value == value:
                    return member
        raise invalid(
            "choice",
            "expected one of {allowed}, got {got}",
            {"allowed": ", ".join(allowed), "got": describe(value)},
        )

    return Before(parse)


def _to_path(value: Any) -> Path:
    if isinstance(value, Path):
        return value
    if isinstance(value, str):
        return Path(os.path.expanduser(value))
    raise invalid("path_type", "expected a path string, got {got}", {"got": describe(value)})


TomlPath = Annotated[Path, Before(_to_path)]


def _argv(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise invalid(
            "argv_type", "expected an array of strings, got {got}", {"got": describe(value)}
        )
    if not value:
        raise invalid("argv_empty", "expected a non-empty array (program and args)")
    return value


def _argv_expanded(value: Any) -> list[str]:
    return [os.path.expanduser(part) if part.startswith("~") else part for part in _argv(value)]


Argv = Annotated[list[str], Before(_argv)]
"""A command line: program then arguments, no shell."""

ArgvExpanded = Annotated[list[str], Before(_argv_expanded)]
"""A command line whose `~`-prefixed words are expanded (the fork's `tool_hook_command`)."""
