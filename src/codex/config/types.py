"""Annotated field types shared by the config models: strict TOML types, enum choices that say
what is allowed, paths with `~` expanded. Errors use stable `type` names that `errors.py` turns
into one line."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

E = TypeVar("E", bound=Enum)


def describe(value: Any) -> str:
    """A TOML-ish rendering of a bad value for an error message."""
    import json

    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "an array"
    return f"a {type(value).__name__}"


def choice(enum: type[E]) -> Any:
    """An enum field that accepts exactly the upstream spellings and names them on error."""
    allowed = [member.value for member in enum]

    def parse(value: Any) -> E:
        if isinstance(value, enum):
            return value
        if isinstance(value, str):
            for member in enum:
                if member.value == value:
                    return member
        raise PydanticCustomError(
            "choice",
            "expected one of {allowed}, got {got}",
            {"allowed": ", ".join(allowed), "got": describe(value)},
        )

    return Annotated[enum, BeforeValidator(parse)]


def _to_path(value: Any) -> Path:
    if isinstance(value, Path):
        return value
    if isinstance(value, str):
        return Path(os.path.expanduser(value))
    raise PydanticCustomError(
        "path_type", "expected a path string, got {got}", {"got": describe(value)}
    )


TomlPath = Annotated[Path, BeforeValidator(_to_path)]


def _argv(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PydanticCustomError(
            "argv_type", "expected an array of strings, got {got}", {"got": describe(value)}
        )
    if not value:
        raise PydanticCustomError("argv_empty", "expected a non-empty array (program and args)")
    return value


def _argv_expanded(value: Any) -> list[str]:
    return [os.path.expanduser(part) if part.startswith("~") else part for part in _argv(value)]


Argv = Annotated[list[str], BeforeValidator(_argv)]
"""A command line: program then arguments, no shell."""

ArgvExpanded = Annotated[list[str], BeforeValidator(_argv_expanded)]
"""A command line whose `~`-prefixed words are expanded (the fork's `tool_hook_command`)."""
