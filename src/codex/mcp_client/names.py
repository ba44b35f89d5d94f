"""Model-visible names and input schemas for MCP tools (spec-platform §8.2).

The Responses API accepts tool names matching `^[a-zA-Z0-9_-]{1,64}$`, and MCP servers name tools
freely; so each part is sanitised, the whole kept within 64 bytes, and a name that would overflow
or collide gets a short hash of the raw identity so two different tools never share a name. The
raw server and tool names stay with the tool for the actual `tools/call`.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

MAX_NAME_LEN = 64
PREFIX = "mcp__"
DELIMITER = "__"
HASH_LEN = 12
_UNSAFE = re.compile(r"[^A-Za-z0-9_]")


def sanitize_part(part: str) -> str:
    """Every character outside [A-Za-z0-9_] becomes `_`; an empty part becomes `_`."""
    return _UNSAFE.sub("_", part) or "_"


def _suffix(server: str, tool: str) -> str:
    digest = hashlib.sha1(f"{PREFIX}{server}{DELIMITER}{tool}".encode()).hexdigest()
    return "_" + digest[:HASH_LEN]


def qualify(server: str, tool: str, taken: set[str]) -> str:
    """The unique model-visible name for `tool` of `server`; adds it to `taken`."""
    namespace = PREFIX + sanitize_part(server) + DELIMITER
    name = namespace + sanitize_part(tool)
    if len(name) > MAX_NAME_LEN or name in taken:
        suffix = _suffix(server, tool)
        room = MAX_NAME_LEN - len(suffix)
        if len(namespace) >= room:  # the namespace alone is too long: cut it, keep one tool char
            namespace = namespace[: room - 1]
        name = (namespace + sanitize_part(tool))[:room] + suffix
    taken.add(name)
    return name


def sanitize_schema(schema: Any) -> dict[str, Any]:
    """The input schema as the model APIs accept it; ValueError for a top-level `null` type."""
    if isinstance(schema, dict) and schema.get("type") == "null":
        raise ValueError("a tool's input schema must not be of type null")
    cleaned = _sanitize(schema if isinstance(schema, dict) else {"type": "object"})
    if cleaned.get("type") != "object":
        cleaned = {"type": "object", "properties": {}}
    return cleaned


def _infer_type(schema: dict[str, Any]) -> str:
    if any(k in schema for k in ("properties", "required", "additionalProperties")):
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    if "enum" in schema or "format" in schema:
        return "string"
    if any(k in schema for k in ("minimum", "maximum", "multipleOf")):
        return "number"
    return "string"


def _sanitize(schema: Any) -> Any:
    """Recursively: booleans to strings, `const` to a one-value enum, a missing type inferred,
    objects with `properties`, arrays with `items`."""
    if isinstance(schema, bool):
        return {"type": "string"}
    if isinstance(schema, list):
        return [_sanitize(s) for s in schema]
    if not isinstance(schema, dict):
        return schema
    out = dict(schema)
    if "const" in out:
        out["enum"] = [out.pop("const")]
    if "properties" in out and isinstance(out["properties"], dict):
        out["properties"] = {k: _sanitize(v) for k, v in out["properties"].items()}
    for key in ("items", "additionalProperties"):
        if isinstance(out.get(key), dict):
            out[key] = _sanitize(out[key])
    for key in ("prefixItems", "anyOf"):
        if isinstance(out.get(key), list):
            out[key] = [_sanitize(s) for s in out[key]]
    if "type" not in out and "anyOf" not in out:
        out["type"] = _infer_type(out)
    kind = out.get("type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "object" in kinds and not isinstance(out.get("properties"), dict):
        out["properties"] = {}
    if "array" in kinds and "items" not in out:
        out["items"] = {"type": "string"}
    return out
