"""What 0.169's app-server answers malformed params of its less-used methods (facts for
test_param_table.py): `python -m tests.app_server.capture_param_cases` (needs the anchor,
tests/support/official.py) rewrites tests/fixtures/app_server/param_cases_official.json
(`ours` prints what our server answers instead).

The cases come from the params table (tests/fixtures/app_server/param_shapes_0169.json): for
each method, `{}` and an unknown field alone (the first missing field), the first required
field given (the next one), and for each field of a checked kind a value of the wrong type
(an unknown field beside the first), `null` where the field takes none, an unknown variant,
an out-of-range or fractional integer, a relative path, a wrong-typed item or map value, a
variant that carries data named by a bare string, a thread id that is no uuid and each
experimental field set (the other required fields given; the client has no experimentalApi).
Every answer is reduced to its error code and message, or "ok". One initialized connection in
a scratch CODEX_HOME on the loopback mock model server; ids name no thread, paths lie in the
scratch tree, so a call that gets past its params fails on them without doing anything.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.support.official_drive import app_server_argv, capture_main, scratch

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "app_server"
TABLE_FIXTURE = FIXTURES / "param_shapes_0169.json"
FIXTURE = FIXTURES / "param_cases_official.json"
NO_THREAD = "00000000-0000-7000-8000-000000000000"
INTEGERS = ("u8", "u16", "u32", "u64", "usize", "i32", "i64")
BOGUS = {"bogusField": 1}


def wrong_values(kind: Any) -> list[Any]:
    """Values of the wrong type (or out of range) for a field of `kind`."""
    if kind in ("str", "path"):
        return [5]
    if kind == "abspath":
        return [5, "relative/path"]
    if kind == "bool":
        return ["x"]
    if kind in INTEGERS:
        wrong: list[Any] = ["x", 1.5]
        if kind.startswith("u"):
            wrong.append(-1)
        if kind == "u16":
            wrong.append(70000)
        return wrong
    if kind == "f64":
        return ["x"]
    if kind == "map":
        return ["x", []]
    if kind == "any":
        return []
    tag = kind[0]
    if tag == "opt":
        return wrong_values(kind[1])
    if tag == "seq":  # an item: the first wrong value (each, for an object)
        inner = wrong_values(kind[1])
        every = isinstance(kind[1], list) and kind[1][0] == "object"
        return ["x", *([w] for w in (inner if every else inner[:1]))]
    if tag == "map":
        return [5, *({"k": w} for w in wrong_values(kind[1])[:1])]
    if tag == "enum":  # and a variant that carries data, named bare
        return ["nope", 5, *(kind[3] if len(kind) > 3 else {})]
    # an object: a number, `{}` (its first required field, or tag), an unknown tag
    opts = kind[2] if len(kind) > 2 else {}
    wrong = [5]
    if opts.get("required") or opts.get("tag"):
        wrong.append({})
    if opts.get("variants"):
        wrong.append({opts["tag"]: "nope"})
    return wrong


def example(kind: Any, field: str, root: Path) -> Any:
    """A harmless value serde accepts for `kind` (None: no simple one)."""
    if kind == "str":
        return NO_THREAD if field.lower().endswith("threadid") else "x"
    if kind == "abspath":
        return str(root / "probe" / field)
    if kind == "bool":
        return False
    if kind in INTEGERS:
        return 0
    if isinstance(kind, list) and kind[0] == "seq":
        return []
    if isinstance(kind, list) and kind[0] == "enum":
        return kind[2][0]
    return None


def cases(entry: dict[str, Any], root: Path) -> list[Any]:
    required, fields, nullable = entry["required"], entry["fields"], entry["nullable"]
    out: list[Any] = []
    if required:  # (a struct with none would run the method)
        out += [{}, BOGUS]
        first = example(fields[required[0]], required[0], root)
        if len(required) > 1 and first is not None:
            out.append({required[0]: first})
    given = {f: example(fields[f], f, root) for f in required}
    if "threadId" in entry and all(v is not None or fields[f] == "any" for f, v in given.items()):
        out.append({**given, "threadId": "nope"})  # a thread id that is no uuid
    for field, rule in entry.get("experimental", {}).items():  # this client has no experimentalApi
        value = True if rule == "true" else example(fields[field], field, root)
        for sent in [value, *([None] if rule == "any" else [])]:
            if sent is not None or rule == "any":
                out.append({**given, field: sent})
    for index, (field, kind) in enumerate(fields.items()):
        for value in wrong_values(kind):
            out.append({**BOGUS, field: value} if index == 0 else {field: value})
        if field not in nullable:
            out.append({field: None})
    return out


def _answer(client: RpcClient, method: str, params: Any) -> Any:
    reply, _ = client.response(client.start(method, params))
    if "error" not in reply:
        return "ok"
    return {"code": reply["error"]["code"], "message": reply["error"]["message"]}


def param_cases_facts(argv: list[str]) -> dict[str, Any]:
    table: dict[str, Any] = json.loads(TABLE_FIXTURE.read_text())
    facts: dict[str, Any] = {}
    with scratch() as s, s.serve(argv) as client:
        root = str(s.root)
        for method, entry in table.items():
            answers = {}
            for params in cases(entry, s.root):
                answer = _answer(client, method, params)
                if isinstance(answer, dict):
                    answer["message"] = answer["message"].replace(root, "<tmp>")
                answers[json.dumps(params).replace(root, "<tmp>")] = answer
            facts[method] = answers
    facts["exit_code"] = client.proc.returncode
    return facts


if __name__ == "__main__":
    raise SystemExit(
        capture_main(
            FIXTURE,
            lambda binary: param_cases_facts(app_server_argv(binary)),
            ours=lambda argv: param_cases_facts([*argv, "app-server"]),
        )
    )
