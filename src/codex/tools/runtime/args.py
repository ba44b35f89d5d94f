"""Parsing a function call's JSON arguments into the handful of fields a handler needs, with the
error text the model reads when they are wrong (`failed to parse function arguments: ...`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson


class ArgumentError(Exception):
    """The call's arguments are unusable; str(exc) is what the model reads."""


def parse_arguments(payload: str, required: Iterable[str] = ()) -> dict[str, Any]:
    try:
        data = orjson.loads(payload or "{}")
    except orjson.JSONDecodeError as exc:
        raise ArgumentError(f"failed to parse function arguments: {exc}") from exc
    if not isinstance(data, dict):
        raise ArgumentError(
            "failed to parse function arguments: invalid type: expected a JSON object, "
            f"got {payload!r}"
        )
    for name in required:
        if name not in data:
            from codex.tools.output import missing_field

            raise ArgumentError(missing_field(name, payload or "{}"))
    return data


def expect(
    data: Mapping[str, Any], name: str, kind: type | tuple[type, ...], default: Any = None
) -> Any:
    value = data.get(name, default)
    if value is None:
        return default
    if kind is int and isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise ArgumentError(f"failed to parse function arguments: invalid type for `{name}`")
    if not isinstance(value, kind):
        raise ArgumentError(
            f"failed to parse function arguments: invalid type for `{name}`: {value!r}"
        )
    return value


def wants_escalation(data: Mapping[str, Any]) -> bool:
    return (
        data.get("sandbox_permissions") == "require_escalated"
        or data.get("with_escalated_permissions") is True
    )
