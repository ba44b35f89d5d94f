"""JSON Schema of the `codex exec --json` events, generated from the dataclasses in
`codex.thread_events.wire` so the published file (docs/exec-events.schema.json) cannot drift
from what we emit. A cold path: imported only by the generator script and the drift test, never
by `codex exec`.

Regenerate: `python -m codex.exec.schema > docs/exec-events.schema.json`.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from typing import Any, Literal, Union

from codex.thread_events import wire as events

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    if tp is Any:
        return {}
    if tp is type(None):
        return {"type": "null"}
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    origin = typing.get_origin(tp)
    if origin is Literal:
        values = list(typing.get_args(tp))
        if len(values) == 1:
            return {"type": "string", "const": values[0]}
        return {"type": "string", "enum": values}
    if origin is list:
        (inner,) = typing.get_args(tp)
        return {"type": "array", "items": _type_schema(inner, defs)}
    if origin in (Union, types.UnionType):
        args = typing.get_args(tp)
        if type(None) in args and Any in args:
            return {}
        return {"anyOf": [_type_schema(arg, defs) for arg in args]}
    if dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # reserve first: recursion-safe
            defs[name] = _object_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    raise TypeError(f"no JSON Schema mapping for {tp!r}")


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    properties: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclasses.fields(cls):
        properties[f.name] = _type_schema(hints[f.name], defs)
        # Every field is always serialized (nulls included), so every field is required.
        required.append(f.name)
    schema: dict[str, Any] = {"type": "object"}
    doc = (cls.__doc__ or "").strip()
    if doc and not doc.startswith(f"{cls.__name__}("):
        schema["description"] = " ".join(doc.split())
    schema["properties"] = properties
    schema["required"] = required
    schema["additionalProperties"] = False
    return schema


def build_schema() -> dict[str, Any]:
    """The schema document: a ThreadEvent is exactly one of the event objects."""
    defs: dict[str, Any] = {}
    one_of = [_type_schema(cls, defs) for cls in events.EVENT_TYPES]
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": "https://github.com/codex-py/codex-py/docs/exec-events.schema.json",
        "title": "ThreadEvent",
        "description": "One line of `codex exec --json` output.",
        "oneOf": one_of,
        "$defs": dict(sorted(defs.items())),
    }


def render() -> str:
    return json.dumps(build_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(render())
