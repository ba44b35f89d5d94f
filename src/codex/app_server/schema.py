"""`generate-json-schema` and `generate-ts`: the protocol types of codex.app_server.types
(TypedDicts) as JSON Schema (draft-07, one file per type plus the bundle
`codex_app_server_protocol.schemas.json`) and as TypeScript (one `export type` per file plus
`index.ts`). Deterministic output (sorted keys, fixed order), so the committed copy under
schema/app_server/ can be compared with the code byte for byte."""

from __future__ import annotations

import json
import types as pytypes
import typing
from pathlib import Path
from typing import Any

BUNDLE = "codex_app_server_protocol.schemas.json"
DRAFT = "http://json-schema.org/draft-07/schema#"


def _is_typeddict(tp: Any) -> bool:
    return isinstance(tp, type) and typing.is_typeddict(tp)


def _union_args(tp: Any) -> tuple[Any, ...] | None:
    origin = typing.get_origin(tp)
    if origin is typing.Union or origin is pytypes.UnionType:
        return typing.get_args(tp)
    return None


class _Collector:
    def __init__(self) -> None:
        self.definitions: dict[str, dict[str, Any]] = {}

    def schema(self, tp: Any) -> dict[str, Any]:
        if tp is Any:
            return {}
        if tp is type(None) or tp is None:
            return {"type": "null"}
        simple = {str: "string", int: "integer", bool: "boolean", float: "number"}
        if tp in simple:
            return {"type": simple[tp]}
        if _is_typeddict(tp):
            self.define(tp)
            return {"$ref": f"#/definitions/{tp.__name__}"}
        args = _union_args(tp)
        if args is not None:
            return {"anyOf": [self.schema(arg) for arg in args]}
        origin = typing.get_origin(tp)
        if origin is typing.Literal:
            values = list(typing.get_args(tp))
            return {"type": "string", "enum": values}
        if origin is list:
            (item,) = typing.get_args(tp) or (Any,)
            return {"type": "array", "items": self.schema(item)}
        if origin is dict:
            _key, value = typing.get_args(tp) or (str, Any)
            return {"type": "object", "additionalProperties": self.schema(value)}
        raise TypeError(f"no JSON schema for {tp!r}")

    def define(self, cls: Any) -> None:
        name = cls.__name__
        if name in self.definitions:
            return
        self.definitions[name] = {}  # placeholder: recursive references terminate
        hints = typing.get_type_hints(cls)
        properties = {key: self.schema(hint) for key, hint in hints.items()}
        self.definitions[name] = {
            "title": name,
            "type": "object",
            "properties": properties,
            "required": sorted(cls.__required_keys__),
        }


def all_types() -> list[Any]:
    from codex.app_server import types as t

    found = []
    for group in (t.REQUESTS, t.SERVER_REQUESTS):
        for params, result in group.values():
            found += [params, result] if result is not None else [params]
    found += list(t.NOTIFICATIONS.values())
    return found


def json_schemas() -> dict[str, dict[str, Any]]:
    """File name → schema document (the per-type files and the bundle)."""
    from codex.app_server import types as t

    collector = _Collector()
    for cls in all_types():
        collector.define(cls)
    definitions = dict(sorted(collector.definitions.items()))
    files: dict[str, dict[str, Any]] = {}
    for name, definition in definitions.items():
        refs = _referenced(definition, definitions)
        doc = {"$schema": DRAFT, **definition}
        if refs:
            doc["definitions"] = {ref: definitions[ref] for ref in sorted(refs)}
        files[f"{name}.json"] = doc
    files[BUNDLE] = {
        "$schema": DRAFT,
        "title": "CodexAppServerProtocol",
        "methods": {
            "clientRequests": {
                method: {
                    "params": params.__name__,
                    "result": result.__name__ if result is not None else None,
                }
                for method, (params, result) in t.REQUESTS.items()
            },
            "serverNotifications": {m: c.__name__ for m, c in t.NOTIFICATIONS.items()},
            "serverRequests": {
                m: {"params": p.__name__, "result": r.__name__}
                for m, (p, r) in t.SERVER_REQUESTS.items()
            },
        },
        "definitions": definitions,
    }
    return files


def _referenced(schema: Any, definitions: dict[str, Any], seen: set[str] | None = None) -> set[str]:
    seen = set() if seen is None else seen
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in seen:
                seen.add(name)
                _referenced(definitions[name], definitions, seen)
        for value in schema.values():
            _referenced(value, definitions, seen)
    elif isinstance(schema, list):
        for value in schema:
            _referenced(value, definitions, seen)
    return seen


def render_json(doc: Any) -> str:
    return json.dumps(doc, indent=2, sort_keys=False) + "\n"


def write_json_schema(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, doc in json_schemas().items():
        (out / name).write_text(render_json(doc))


# ---- TypeScript -------------------------------------------------------------------------------


def _ts(schema: dict[str, Any]) -> str:
    if "$ref" in schema:
        return str(schema["$ref"].rsplit("/", 1)[-1])
    if "anyOf" in schema:
        return " | ".join(_ts(s) for s in schema["anyOf"])
    if "enum" in schema:
        return " | ".join(json.dumps(v) for v in schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        inner = _ts(schema["items"])
        return f"Array<{inner}>"
    if kind == "object":
        return f"{{ [key in string]?: {_ts(schema.get('additionalProperties', {}))} }}"
    return {
        "string": "string",
        "integer": "number",
        "number": "number",
        "boolean": "boolean",
        "null": "null",
    }.get(str(kind), "unknown")


def typescript_files() -> dict[str, str]:
    docs = json_schemas()
    definitions = docs[BUNDLE]["definitions"]
    files: dict[str, str] = {}
    header = "// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)\n\n"
    for name, definition in definitions.items():
        refs = sorted(
            {
                r
                for prop in definition["properties"].values()
                for r in _referenced(prop, {n: {} for n in definitions}, set())
            }
            - {name}
        )
        imports = "".join(f'import type {{ {r} }} from "./{r}";\n' for r in refs)
        required = set(definition["required"])
        fields = "".join(
            f"{key}{'' if key in required else '?'}: {_ts(prop)}, "
            for key, prop in definition["properties"].items()
        )
        files[f"{name}.ts"] = (
            f"{header}{imports}{chr(10) if imports else ''}export type {name} = {{ {fields}}};\n"
        )
    files["index.ts"] = header + "".join(
        f'export type {{ {name} }} from "./{name}";\n' for name in definitions
    )
    return files


def write_typescript(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for name, text in typescript_files().items():
        (out / name).write_text(text)
