"""Turning a pydantic ValidationError into the one line a user reads:
`<file>: <key>: <what is allowed>, got <value>` (plus how many more problems there are)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.config.layers import Key, LayeredTree, Origin, dotted
from codex.config.types import describe
from codex.errors import UsageError

if TYPE_CHECKING:
    from pydantic import ValidationError

_EXPECTED = {
    "string_type": "expected a string",
    "int_type": "expected an integer",
    "int_from_float": "expected an integer",
    "float_type": "expected a number",
    "bool_type": "expected a boolean (true or false)",
    "list_type": "expected an array",
    "dict_type": "expected a table",
    "model_type": "expected a table",
    "model_attributes_type": "expected a table",
    "dataclass_type": "expected a table",
    "dataclass_exact_type": "expected a table",
    "union_tag_invalid": "unexpected value",
}


def config_error(err: ValidationError, layers: LayeredTree, config_file: str) -> UsageError:
    # One entry per offending key; a union (`bool | [string]`) fails once per arm.
    by_key: dict[str, list[Any]] = {}
    for problem in err.errors(include_url=False):
        by_key.setdefault(_where_key(problem, layers, config_file), []).append(problem)
    lines = [f"{where}: {_explain_all(problems)}" for where, problems in by_key.items()]
    message = lines[0]
    extra = len(lines) - 1
    if extra > 0:
        message += f" (and {extra} more problem{'s' if extra > 1 else ''})"
    return UsageError(message)


def _where_key(problem: Any, layers: LayeredTree, config_file: str) -> str:
    loc = _tree_key(problem["loc"], layers.tree)
    origin = _origin(layers, loc)
    where = origin.source.where if origin is not None else config_file
    key = dotted(origin.key) if origin is not None and origin.key else dotted(loc)
    return f"{where}: {key}" if key else where


def _explain_all(problems: list[Any]) -> str:
    if len(problems) == 1 or any(p["type"] not in _EXPECTED for p in problems):
        return _explain(problems[0])
    expected: list[str] = []
    for problem in problems:
        text = _EXPECTED[problem["type"]].removeprefix("expected ")
        if text not in expected:
            expected.append(text)
    return f"expected {' or '.join(expected)}, got {describe(problems[0].get('input'))}"


def _origin(layers: LayeredTree, key: Key) -> Origin | None:
    """The origin of `key`, or of the nearest table holding it (for a missing key)."""
    for length in range(len(key), 0, -1):
        found = layers.origin_at(key[:length])
        if found is not None:
            return Origin(found.source, (*found.key, *key[length:]))
    return None


def _tree_key(loc: tuple[Any, ...], tree: Any) -> Key:
    """The config key of an error location, minus pydantic's union-arm tags ("list[str]")."""
    key: list[str] = []
    node = tree
    for part in loc:
        if isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
            key.append(str(part))
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
            key.append(str(part))
        elif not isinstance(node, dict | list) or isinstance(part, int) or _is_arm_tag(part):
            continue
        else:
            key.append(str(part))  # a missing key
            node = None
    return tuple(key)


def _is_arm_tag(part: Any) -> bool:
    return "[" in str(part) or str(part) in ("bool", "str", "int", "float")


def _explain(problem: Any) -> str:
    kind = problem["type"]
    if kind == "missing":
        return "required key is missing"
    expected = _EXPECTED.get(kind)
    if expected is None:
        return str(problem["msg"])
    return f"{expected}, got {describe(problem.get('input'))}"
