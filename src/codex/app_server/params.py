"""Validation of request params at the edge: each getter returns the typed value or raises
RpcError(-32602) with serde's wording, as the official server words it ("Invalid request:
missing field `threadId`", "invalid type: integer `5`, expected a string").

Hand-written rather than pydantic models: the server answers `initialize` in a few ms, and
importing pydantic alone costs ~150 ms. The JSON schema of every request we accept is in
`codex.app_server.schema`, generated from the same field tables.
"""

from __future__ import annotations

from codex.app_server.errors import INVALID_PARAMS, RpcError, invalid_params

TYPE_CHECKING = False  # `typing` (~3 ms) stays unloaded on the start-up path (early.py)
if TYPE_CHECKING:
    from typing import Any

_MISSING = object()


def _describe(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return f"boolean `{str(value).lower()}`"
    if isinstance(value, int):
        return f"integer `{value}`"
    if isinstance(value, float):
        return f"floating point `{value}`"
    if isinstance(value, str):
        return f'string "{value[:80]}"'
    # serde names an unexpected array or object bare: "invalid type: map, expected a string".
    if isinstance(value, list):
        return "sequence"
    return "map"


def obj(params: Any) -> dict[str, Any]:
    """The params object (absent params count as `{}`; so does `[]`, which serde reads as a
    struct with every field defaulted once param_shapes has let it through)."""
    if params is None or params == []:
        return {}
    if not isinstance(params, dict):
        raise invalid_params(f"invalid type: {_describe(params)}, expected a map")
    return params


def string(p: dict[str, Any], key: str, *, required: bool = True) -> Any:
    value = p.get(key, _MISSING)
    if value is _MISSING or value is None:
        if required and value is None:  # a required field given null is a type error
            raise invalid_params("invalid type: null, expected a string")
        if required:
            raise invalid_params(f"missing field `{key}`")
        return None
    if not isinstance(value, str):
        raise invalid_params(f"invalid type: {_describe(value)}, expected a string")
    return value


def boolean(p: dict[str, Any], key: str, default: bool = False) -> bool:
    value = p.get(key)
    if value is None:
        return default
    if not isinstance(value, bool):
        raise invalid_params(f"invalid type: {_describe(value)}, expected a boolean")
    return value


def integer(p: dict[str, Any], key: str, *, minimum: int = 0, kind: str = "u32") -> int | None:
    value = p.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid_params(f"invalid type: {_describe(value)}, expected {kind}")
    if value < minimum:  # serde: a number of the right type out of range is a value error
        raise invalid_params(f"invalid value: {_describe(value)}, expected {kind}")
    return value


def timeout_ms(p: dict[str, Any], method: str) -> int | None:
    """`timeoutMs`, an i64 in 0.169: a negative one is refused by the method, -32602 in
    0.169's words, not by serde."""
    value = integer(p, "timeoutMs", minimum=-(2**63), kind="i64")
    if value is not None and value < 0:
        raise RpcError(INVALID_PARAMS, f"{method} timeoutMs must be non-negative, got {value}")
    return value


def array(p: dict[str, Any], key: str, *, required: bool = True) -> list[Any] | None:
    value = p.get(key, _MISSING)
    if value is _MISSING or (value is None and not required):
        if required:
            raise invalid_params(f"missing field `{key}`")
        return None
    # A required list given null is a type error, as 0.169 words it (not a missing field).
    if not isinstance(value, list):
        raise invalid_params(f"invalid type: {_describe(value)}, expected a sequence")
    return value


def mapping(p: dict[str, Any], key: str) -> dict[str, Any] | None:
    value = p.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid_params(f"invalid type: {_describe(value)}, expected a map")
    return value


def one_of(p: dict[str, Any], key: str, allowed: tuple[str, ...]) -> str | None:
    value = p.get(key)
    if value is None:
        return None
    if isinstance(value, dict):  # the map form is each caller's (granular approval policies)
        raise invalid_params(f"invalid type: {_describe(value)}, expected a string")
    if not isinstance(value, str):  # serde's enums also take the map form {"variant": ...}
        raise invalid_params(f"invalid type: {_describe(value)}, expected string or map")
    if value not in allowed:
        raise invalid_params(f"unknown variant `{value}`, expected {_variants(allowed)}")
    return value


def _variants(allowed: tuple[str, ...]) -> str:
    """serde's list of the expected variants: `a`; `a` or `b`; one of `a`, `b`, `c`."""
    named = [f"`{a}`" for a in allowed]
    if len(named) == 1:
        return named[0]
    if len(named) == 2:
        return " or ".join(named)
    return "one of " + ", ".join(named)


APPROVAL_POLICIES = ("untrusted", "on-failure", "on-request", "never")
SANDBOX_MODES = ("read-only", "workspace-write", "danger-full-access")


def user_input(items: list[Any]) -> list[dict[str, Any]]:
    """`input: [UserInput]` checked: each a map tagged `type` with its required fields."""
    required = {
        "text": ("text",),
        "image": ("url",),
        "localImage": ("path",),
        "skill": ("name", "path"),
        "mention": ("name", "path"),
    }
    out = []
    for item in items:
        if not isinstance(item, dict):
            raise invalid_params(f"invalid type: {_describe(item)}, expected a map")
        kind = item.get("type")
        if kind not in required:
            expected = ", ".join(f"`{k}`" for k in required)
            raise invalid_params(f"unknown variant `{kind}`, expected one of {expected}")
        for key in required[kind]:
            string(item, key)
        out.append(item)
    return out
