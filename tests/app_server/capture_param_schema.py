"""The params shapes of 0.169's app-server methods, as a compact table (facts for
codex.app_server.param_table and test_param_table.py): `python -m
tests.app_server.capture_param_schema` (needs the anchor, tests/support/official.py) rewrites
tests/fixtures/app_server/param_shapes_0169.json and, from it, src/codex/app_server/
param_table.py (`--out PATH` writes the table elsewhere, to diff a re-capture; nothing else).

Two sources, both the official binary:
- its JSON schema (`codex app-server generate-json-schema --experimental --out DIR`): each
  method's params struct, its fields and their types, which are nullable, which required;
- its live app-server, for what the schema cannot say: the order serde names missing fields
  in (the struct's declaration order; the schema sorts them), and which "required" fields
  serde really requires. `{}` is sent, then again with the named field given a harmless valid
  value, until no field is named: every call runs in a scratch CODEX_HOME with thread ids that
  name no thread and paths inside the scratch tree.

A field's type in the table ("kind"): "str", "path" (a string read as a path: the schema
calls it a string, a number sent to it tells), "abspath" (an absolute path), "bool", an integer
("u16", "u32", "u64", "i64", ...), "f64", "any" (any JSON), "map" (an object of anything),
["seq", kind], ["map", kind] (an object of `kind` values), ["opt", kind] (an item or value
that may be null), ["enum", name, variants, {variant: expected}?] (a string, or a one-key map
not checked here; variants in serde's order, the ones that carry data in the map, with what
serde expects of them instead of a bare string),
["object", label, opts?] (an object decoded by a nested struct or internally tagged enum:
that it is one, and opts: a struct's required fields in serde's order, a tagged enum's tag
and variants; its other fields are the handler's: object_kind). "closed": the struct
refuses unknown fields. "threadId": [noun, code]: the method reads its (required) threadId
as a uuid and refuses one it cannot read so ("invalid <noun> id: ...", with that error
code), learned by sending "nope". "experimental": {field: what sets it off} for the fields 0.169
refuses to a client without the experimentalApi capability (experimental_gates).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.support.official_drive import app_server_argv, capture_main, scratch, write_json

ROOT = Path(__file__).resolve().parent.parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "app_server" / "param_shapes_0169.json"
MODULE = ROOT / "src" / "codex" / "app_server" / "param_table.py"

NO_THREAD = "00000000-0000-7000-8000-000000000000"
INTEGER_FORMATS = {
    "uint8": "u8",
    "uint16": "u16",
    "uint32": "u32",
    "uint64": "u64",
    "uint": "usize",
    "int32": "i32",
    "int64": "i64",
}


def table_methods() -> list[str]:
    """The methods both servers serve whose params are a struct, less `initialize` (answered
    before any table is read). The most used ones are also described by hand (param_shapes
    FIELDS, with captured nuances of their own): the table covers their other fields."""
    from codex.app_server.methods import METHODS
    from codex.app_server.param_shapes import STRUCTS

    return sorted(set(STRUCTS) & set(METHODS) - {"initialize"})


def generate_schema(binary: Path, out: Path, *, experimental: bool = True) -> dict[str, Any]:
    """ClientRequest.json as the binary writes it (experimental methods and fields included,
    or not)."""
    with tempfile.TemporaryDirectory() as home:
        env = {"CODEX_HOME": home, "HOME": home, "PATH": "/usr/bin:/bin"}
        subprocess.run(
            [
                str(binary),
                "app-server",
                "generate-json-schema",
                *(["--experimental"] if experimental else []),
                "--out",
                str(out),
            ],
            env=env,
            check=True,
            capture_output=True,
        )
    return json.loads((out / "ClientRequest.json").read_text())


class Schema:
    """ClientRequest.json read as params structs and field kinds."""

    def __init__(self, doc: dict[str, Any]) -> None:
        self.defs: dict[str, Any] = doc["definitions"]
        self.params: dict[str, str] = {}
        for request in doc["oneOf"]:
            method = request["properties"]["method"]["enum"][0]
            ref = request["properties"].get("params", {}).get("$ref")
            if ref:
                self.params[method] = ref.rsplit("/", 1)[1]

    def resolve(self, s: Any) -> Any:
        """A field schema with one-element allOf wrappers and a `{type: null}` anyOf arm
        dropped: (schema, nullable)."""
        nullable = False
        while isinstance(s, dict):
            if len(s.get("allOf", ())) == 1:
                s = s["allOf"][0]
            elif "anyOf" in s and {"type": "null"} in s["anyOf"]:
                arms = [a for a in s["anyOf"] if a != {"type": "null"}]
                nullable = True
                if len(arms) != 1:
                    return {"anyOf": arms}, nullable
                s = arms[0]
            else:
                break
        return s, nullable

    def kind(self, field: Any) -> tuple[Any, bool]:
        """A field's kind and whether it takes null."""
        s, nullable = self.resolve(field)
        if s is True or not isinstance(s, dict) or not ({"type", "$ref"} & set(s)):
            return "any", True
        if "$ref" in s:
            name = s["$ref"].rsplit("/", 1)[1]
            d = self.defs[name]
            if name == "AbsolutePathBuf":
                return "abspath", nullable
            if d.get("type") == "string":
                return (["enum", name, d["enum"]] if "enum" in d else "str"), nullable
            if d.get("type") == "object":
                return (["object", f"struct {name}"] if "properties" in d else "map"), nullable
            if "oneOf" in d:
                arms = d["oneOf"]
                strings = [v for a in arms if a.get("type") == "string" for v in a["enum"]]
                if strings:  # externally tagged: a unit variant a string, others a 1-key map
                    keys = [k for a in arms if a.get("type") == "object" for k in a["required"]]
                    return ["enum", name, strings + keys], nullable
                return ["object", f"internally tagged enum {name}"], nullable
            return "any", True
        types = s["type"] if isinstance(s["type"], list) else [s["type"]]
        nullable = nullable or "null" in types
        base = next(t for t in types if t != "null")
        if base == "string":
            return "str", nullable
        if base == "boolean":
            return "bool", nullable
        if base == "integer":
            return INTEGER_FORMATS[s["format"]], nullable
        if base == "number":
            return "f64", nullable
        if base == "array":
            return ["seq", self.item(s.get("items", True))], nullable
        extra = s.get("additionalProperties", True)
        if extra is True or "properties" in s:
            return "map", nullable
        return ["map", self.item(extra)], nullable

    def item(self, s: Any) -> Any:
        """The kind of a sequence's items or a map's values: ["opt", kind] where null is one."""
        kind, nullable = self.kind(s)
        return ["opt", kind] if nullable and kind != "any" else kind

    def struct(self, method: str) -> tuple[str, dict[str, Any]]:
        name = self.params[method]
        return name, self.defs[name]

    def object_props(self, s: Any) -> dict[str, Any]:
        """An object schema's properties (a struct's fields)."""
        return s.get("properties", {}) if isinstance(s, dict) else {}

    def example(self, s: Any, field: str, root: Path) -> Any:
        """A harmless value of schema `s` (a field named `field`) that serde accepts."""
        s, _ = self.resolve(s)
        if s is True or not isinstance(s, dict):
            return None
        if "$ref" in s:
            name = s["$ref"].rsplit("/", 1)[1]
            if name == "AbsolutePathBuf":
                return str(root / "probe" / field)
            return self.example(self.defs[name], field, root)
        if "enum" in s:
            return s["enum"][0]
        if "oneOf" in s:
            return self.example(s["oneOf"][0], field, root)
        if "anyOf" in s:
            return self.example(s["anyOf"][0], field, root)
        types = s.get("type")
        base = next((t for t in types if t != "null"), None) if isinstance(types, list) else types
        if base == "string":
            return NO_THREAD if field.lower().endswith("threadid") else "x"
        if base == "boolean":
            return False
        if base in ("integer", "number"):
            return 0
        if base == "array":
            return []
        if base == "object":
            props = s.get("properties", {})
            return {k: self.example(props[k], k, root) for k in s.get("required", [])}
        return None


def _error(client: RpcClient, method: str, params: Any) -> Any:
    """The reply's error message, or None for a call that got past its params."""
    reply, _ = client.response(client.start(method, params))
    return reply["error"]["message"] if "error" in reply else None


def missing_order(
    client: RpcClient, schema: Schema, method: str, root: Path
) -> tuple[list[str], Any]:
    """The fields serde names missing, in its order, and the last answer (what `{}` with
    every one of them given gets: not a missing field)."""
    _, struct = schema.struct(method)
    props = struct.get("properties", {})
    params: dict[str, Any] = {}
    order: list[str] = []
    while True:
        message = _error(client, method, params)
        prefix = "Invalid request: missing field `"
        if message is None or not message.startswith(prefix):
            return order, message
        field = message[len(prefix) :].rstrip("`")
        assert field not in order and field in props, (method, message)
        order.append(field)
        params[field] = schema.example(props[field], field, root)


def shapes_table(binary: Path) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        schema = Schema(generate_schema(binary, Path(tmp) / "schema"))
        stable = Schema(generate_schema(binary, Path(tmp) / "stable", experimental=False))
    table: dict[str, Any] = {}
    with scratch() as s, s.serve(app_server_argv(binary)) as client:
        for method in table_methods():
            name, struct = schema.struct(method)
            fields: dict[str, Any] = {}
            nullable: list[str] = []
            for field, sub in struct.get("properties", {}).items():
                fields[field], takes_null = schema.kind(sub)
                if takes_null:
                    nullable.append(field)
            required, _ = missing_order(client, schema, method, s.root)
            given = {f: schema.example(struct["properties"][f], f, s.root) for f in required}
            for field, kind in fields.items():
                kind = path_kind(client, method, given, field, kind)
                kind = object_kind(client, schema, method, given, field, kind, s.root)
                fields[field] = enum_kind(client, method, fields, required, field, kind)
            table[method] = {
                "struct": name,
                "required": required,
                "fields": fields,
                "nullable": nullable,
            }
            noun = id_noun(client, method, given, fields)
            if noun is not None:
                table[method]["threadId"] = noun
            if struct.get("additionalProperties") is False:  # deny_unknown_fields
                table[method]["closed"] = True
            gates = experimental_gates(client, schema, stable, method, given, fields, s.root)
            if gates:
                table[method]["experimental"] = gates
    return table


def experimental_gates(
    client: RpcClient,
    schema: Schema,
    stable: Schema,
    method: str,
    given: dict[str, Any],
    fields: dict[str, Any],
    root: Path,
) -> dict[str, str]:
    """The method's experimental fields (in the experimental schema, not the stable one) and
    what sets one off: 0.169 refuses it to a client without the experimentalApi capability
    ("<method>.<field> requires experimentalApi capability"). "set": any value but null;
    "any": null too (an Option the field tells apart from absent); "true": a flag, true only.
    Learned by sending each field a harmless value (and null, and true for a flag), the
    required fields given, on this connection without the capability."""
    _, struct = schema.struct(method)
    stable_fields = (
        set(stable.struct(method)[1].get("properties", {})) if method in stable.params else set()
    )
    gates: dict[str, str] = {}
    for field in struct.get("properties", {}):
        if field in stable_fields or field not in fields:
            continue
        refused = f"{method}.{field} requires experimentalApi capability"

        def gated(value: Any, field: str = field, refused: str = refused) -> bool:
            return _error(client, method, {**given, field: value}) == refused

        if fields[field] == "bool":
            if gated(True) and not gated(False):
                gates[field] = "true"
            elif gated(False):
                gates[field] = "set"
            continue
        example = schema.example(struct["properties"][field], field, root)
        if example is not None and gated(example):
            gates[field] = "any" if gated(None) else "set"
    return gates


def id_noun(
    client: RpcClient, method: str, given: dict[str, Any], fields: dict[str, Any]
) -> list[Any] | None:
    """How the method refuses a `threadId` it cannot read as a uuid: [the noun it names it by
    ("invalid session id: ..." or "invalid thread id: ..."), the error code], the other
    required fields given; None where it reads none."""
    if fields.get("threadId") != "str" or "threadId" not in given:
        return None
    reply, _ = client.response(client.start(method, {**given, "threadId": "nope"}))
    error = reply.get("error") or {"message": "", "code": 0}
    match = re.match(r"invalid (\w+) id: invalid character: ", error["message"])
    return [match.group(1), error["code"]] if match else None


def _unwrap(kind: Any) -> tuple[Any, list[str]]:
    """The kind inside a sequence, map or option, and those wrappers, outermost first."""
    wrappers = []
    while isinstance(kind, list) and kind[0] in ("seq", "map", "opt"):
        wrappers.append(kind[0])
        kind = kind[1]
    return kind, wrappers


def _wrap(value: Any, wrappers: list[str]) -> Any:
    for tag in reversed(wrappers):
        value = [value] if tag == "seq" else {"k": value} if tag == "map" else value
    return value


def _rewrap(kind: Any, wrappers: list[str]) -> Any:
    for tag in reversed(wrappers):
        kind = [tag, kind]
    return kind


def enum_kind(
    client: RpcClient,
    method: str,
    fields: dict[str, Any],
    required: list[str],
    field: str,
    kind: Any,
) -> Any:
    """An "enum" kind as 0.169 knows it: its variants in serde's order, hidden ones included
    (sent an unknown one, it lists them), and the variants that carry data, which a bare
    string cannot name ({variant: what serde expected instead}). Each variant is sent beside
    a wrong-typed other field, or with a required field missing, so no call runs the method."""
    inner, wrappers = _unwrap(kind)
    if not (isinstance(inner, list) and inner[0] == "enum"):
        return kind
    message = _error(client, method, {field: _wrap("nope", wrappers)}) or ""
    match = re.fullmatch(r"Invalid request: unknown variant `nope`, expected (.+)", message)
    variants = re.findall(r"`([^`]*)`", match.group(1)) if match else inner[2]
    blocker = next(
        ({k: 5 if v == "str" else "x"} for k, v in fields.items() if k != field and v in BLOCK),
        None,
    )
    data: dict[str, str] = {}
    if blocker is not None or (required and required != [field]):
        for variant in variants:
            params = {field: _wrap(variant, wrappers), **(blocker or {})}
            said = _error(client, method, params) or ""
            unit = re.fullmatch(r"Invalid request: invalid type: unit variant, expected (.+)", said)
            if unit:
                data[variant] = unit.group(1)
    return _rewrap(["enum", inner[1], variants, *([data] if data else [])], wrappers)


BLOCK = ("str", "bool", "u32", "i64")  # kinds a wrong value of surely fails


def object_kind(
    client: RpcClient,
    schema: Schema,
    method: str,
    given: dict[str, Any],
    field: str,
    kind: Any,
    root: Path,
) -> Any:
    """`kind` with what 0.169 says of an "object" (the field's, or its items' or values'):
    ["object", label, opts?]. `label`: what serde expects, sent a number (the schema's name
    is not always the one serde knows: SandboxPolicy is decoded as SandboxPolicyDeserialize).
    opts: "number" where 0.169 calls a number sent there just that, not by its value;
    "required": a struct's required fields in the order serde names them missing, sent `{}`
    and then each named one; "tag" and "variants": an internally tagged enum's tag field
    (named missing in `{}`) and its variants (listed when the tag names none)."""
    inner, wrappers = _unwrap(kind)
    if not (isinstance(inner, list) and inner[0] == "object"):
        return kind
    said = _error(client, method, {**given, field: _wrap(5, wrappers)}) or ""
    match = re.fullmatch(
        r"Invalid request: invalid type: (integer `5`|number), expected (.+)", said
    )
    if match is None:
        return kind
    opts: dict[str, Any] = {"number": True} if match.group(1) == "number" else {}
    if match.group(2).startswith("internally tagged enum "):
        said = _error(client, method, {**given, field: _wrap({}, wrappers)}) or ""
        tag = re.fullmatch(r"Invalid request: missing field `(\w+)`", said)
        if tag is not None:
            opts["tag"] = tag.group(1)
            nope = {opts["tag"]: "nope"}
            said = _error(client, method, {**given, field: _wrap(nope, wrappers)}) or ""
            listed = re.fullmatch(r"Invalid request: unknown variant `nope`, expected (.+)", said)
            if listed is not None:
                opts["variants"] = re.findall(r"`([^`]*)`", listed.group(1))
    elif match.group(2).startswith("struct "):
        props = schema.object_props(inner_schema(schema, schema.struct(method)[1], field))
        value: dict[str, Any] = {}
        order: list[str] = []
        while True:
            said = _error(client, method, {**given, field: _wrap(value, wrappers)}) or ""
            named = re.fullmatch(r"Invalid request: missing field `(\w+)`", said)
            if named is None or named.group(1) not in props or named.group(1) in order:
                break
            order.append(named.group(1))
            value[named.group(1)] = schema.example(props[named.group(1)], named.group(1), root)
        if order:
            opts["required"] = order
    labelled = ["object", match.group(2), *([opts] if opts else [])]
    return _rewrap(labelled, wrappers)


def inner_schema(schema: Schema, struct: dict[str, Any], field: str) -> Any:
    """The schema of the object a field holds (through options, sequences and maps)."""
    s, _ = schema.resolve(struct["properties"][field])
    while isinstance(s, dict):
        if "$ref" in s:
            return schema.defs[s["$ref"].rsplit("/", 1)[1]]
        if "items" in s:
            s, _ = schema.resolve(s["items"])
        elif isinstance(s.get("additionalProperties"), dict):
            s, _ = schema.resolve(s["additionalProperties"])
        else:
            return s
    return {}


def path_kind(client: RpcClient, method: str, given: dict[str, Any], field: str, kind: Any) -> Any:
    """`kind` with "path" for a string the struct reads as a path (PathBuf: "expected path
    string"; the schema calls it a string), found by sending it a number (the required fields
    given, so a flattened struct's own fields are decoded too)."""
    if kind not in ("str", ["seq", "str"]):
        return kind
    wrong = 5 if kind == "str" else [5]
    message = _error(client, method, {**given, field: wrong}) or ""
    if not message.endswith("expected path string"):
        return kind
    return "path" if kind == "str" else ["seq", "path"]


def write_module(table: dict[str, Any], path: Path = MODULE) -> None:
    """param_table.py: the table as Python literals, one method a line (no JSON file to find
    at run time; `closed` becomes the CLOSED set)."""
    lines = [
        '"""The params shapes of 0.169\'s app-server methods: GENERATED by',
        "tests/app_server/capture_param_schema.py from 0.169's JSON schema and its live answers",
        "(tests/fixtures/app_server/param_shapes_0169.json holds the same table; a test keeps",
        "them equal). Read by codex.app_server.param_check, which describes the kinds.",
        '"""',
        "",
        "# ruff: noqa: E501",
        "# fmt: off",
        "TABLE = {",
    ]
    closed = []
    for method, entry in table.items():
        plain = {k: v for k, v in entry.items() if k != "closed"}
        lines.append(f"    {json.dumps(method)}: {_literal(plain)},")
        if entry.get("closed"):
            closed.append(method)
    lines += [
        "}",
        "# fmt: on",
        "",
        "# The structs that refuse unknown fields (serde's deny_unknown_fields).",
    ]
    lines.append(f"CLOSED = frozenset({json.dumps(closed)})")
    path.write_text("\n".join(lines) + "\n")


def _literal(value: Any) -> str:
    """`value` (JSON data) as a Python literal, written as compactly as json.dumps writes it."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, bool) or value is None:
        return repr(value)
    return json.dumps(value)


def _write(path: Path, table: dict[str, Any]) -> None:
    write_json(path, table)
    if path == FIXTURE:
        write_module(table)


if __name__ == "__main__":
    sys.exit(capture_main(FIXTURE, shapes_table, write=_write))
