"""Params checked as 0.169 checks them, from a table generated from its JSON schema and live
answers (tests/fixtures/app_server/param_shapes_0169.json, by
tests/app_server/capture_param_schema.py; codex.app_server.param_table holds the same): every
field of the less-used methods, and the fields of the most used ones param_shapes does not
describe by hand (which fields take null and which are required are the table's for all).

The facts (tests/fixtures/app_server/param_cases_official.json, by
tests/app_server/capture_param_cases.py): for each of the 92 methods, `{}` and an unknown field
alone (the first missing field in the struct's order, not the schema's), the next missing
field, each field given the wrong type, `null`, an unknown variant (listed in serde's order,
hidden ones included), a variant that carries data named bare, an out-of-range integer, a
relative path, a wrong item or map value, a nested struct or tagged enum missing its first
field or tag, an unknown tag, a thread id that is no uuid, an experimental field set by a
client without the experimentalApi capability. Our server runs the same cases as
a real `codex app-server` subprocess, every error compared; a sample is also sent to the live
0.169 app-server and ours side by side, the whole error objects compared."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.capture_param_cases import FIXTURE, TABLE_FIXTURE, cases, param_cases_facts
from tests.app_server.rpc_client import RpcClient, ours_argv
from tests.support.official import official_binary
from tests.support.official_drive import app_server_argv, scratch

from codex.app_server.param_table import CLOSED, TABLE

OFFICIAL: dict[str, Any] = json.loads(Path(FIXTURE).read_text())
SHAPES: dict[str, Any] = json.loads(Path(TABLE_FIXTURE).read_text())
METHODS = sorted(m for m in OFFICIAL if m != "exit_code")


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    return param_cases_facts(ours_argv())


@pytest.mark.parametrize("method", METHODS)
def test_answers_match_the_official_ones(facts: dict[str, Any], method: str) -> None:
    assert facts[method] == OFFICIAL[method]


def test_the_server_survives(facts: dict[str, Any]) -> None:
    assert facts["exit_code"] == OFFICIAL["exit_code"] == 0


def test_the_module_is_the_fixture() -> None:
    """param_table.py is written from the fixture (capture_param_schema.write_module): a
    hand edit to either, or a re-capture not carried over, fails here."""
    plain = {m: {k: v for k, v in e.items() if k != "closed"} for m, e in SHAPES.items()}
    assert plain == TABLE
    assert {m for m, e in SHAPES.items() if e.get("closed")} == CLOSED


def test_the_fixtures_hold_each_kind() -> None:
    """The facts the comparison stands on (a re-capture that lost them fails here)."""
    prefix = "Invalid request: "
    # The struct's order, not the schema's (alphabetical: destinationPath first).
    assert SHAPES["fs/copy"]["required"] == ["sourcePath", "destinationPath"]
    assert OFFICIAL["fs/copy"]["{}"]["message"] == prefix + "missing field `sourcePath`"
    assert OFFICIAL["fs/copy"]['{"sourcePath": "<tmp>/probe/sourcePath"}']["message"] == (
        prefix + "missing field `destinationPath`"
    )
    # A string the schema does not call a path, read as one.
    assert OFFICIAL["hooks/list"]['{"bogusField": 1, "cwds": [5]}']["message"] == (
        prefix + "invalid type: integer `5`, expected path string"
    )
    # A struct that refuses unknown fields.
    assert OFFICIAL["modelProvider/config/write"]['{"bogusField": 1}']["message"] == (
        prefix + "unknown field `bogusField`, expected `settings`"
    )
    # A flattened struct: its own missing field before the flattened one's wrong type.
    assert OFFICIAL["feedback/save"]['{"reason": 5}']["message"] == (
        prefix + "missing field `savePath`"
    )
    # Variants in serde's order with a hidden one (the schema: explicitRequestOnly first, no
    # `none`), and a variant that carries data named bare.
    start = OFFICIAL["thread/start"]
    assert start['{"multiAgentMode": "nope"}']["message"] == prefix + (
        "unknown variant `nope`, expected one of `none`, `custom`, `explicitRequestOnly`, "
        "`proactive`"
    )
    assert start['{"approvalPolicy": "granular"}']["message"] == (
        prefix + "invalid type: unit variant, expected struct variant"
    )
    # A nested struct's first required field, in serde's order; a tagged enum's tag, and its
    # variants (0.169's seven user input kinds, two of which codex-py does not take).
    resize = OFFICIAL["command/exec/resize"]
    assert resize['{"size": {}}']["message"] == prefix + "missing field `rows`"
    kinds = OFFICIAL["turn/start"]['{"input": [{"type": "nope"}]}']["message"]
    assert kinds == prefix + (
        "unknown variant `nope`, expected one of `text`, `image`, `localImage`, `audio`, "
        "`localAudio`, `skill`, `mention`"
    )
    # A bool with a default is no Option: null is refused.
    assert OFFICIAL["config/read"]['{"includeLayers": null}']["message"] == (
        prefix + "invalid type: null, expected a boolean"
    )
    # A thread id that is no uuid, refused by the method (no "Invalid request: "), in the words
    # and with the code the method uses.
    fork, attach = OFFICIAL["thread/fork"], OFFICIAL["thread/attachment/list"]
    nope = '{"threadId": "nope"}'
    fault = "invalid character: expected an optional prefix of `urn:uuid:` followed by "
    assert fork[nope] == {"code": -32600, "message": f"invalid session id: {fault}" + _AT_1}
    assert attach[nope] == {"code": -32602, "message": f"invalid thread id: {fault}" + _AT_1}
    # An experimental field, to a client without the capability: a flag only when true, an
    # Option the field tells from absent even when null.
    gate = "requires experimentalApi capability"
    assert OFFICIAL["thread/start"]['{"experimentalRawEvents": true}']["message"] == (
        f"thread/start.experimentalRawEvents {gate}"
    )
    assert OFFICIAL["thread/list"]['{"projectId": null}']["message"] == (
        f"thread/list.projectId {gate}"
    )
    assert all(
        isinstance(answer, dict)
        and (
            answer["message"].startswith(prefix)
            or '"threadId": "nope"' in case
            or answer["message"].endswith(gate)
        )
        for method in METHODS
        for case, answer in OFFICIAL[method].items()
    )


_AT_1 = "[0-9a-fA-F-], found `n` at 1"


# A sample across the kinds: required order, paths, enums, integers, nested structs, a
# closed struct, a flattened one, maps of values, the most used methods' other fields.
SAMPLE = (
    "command/exec/resize",
    "config/value/write",
    "experimentalFeature/enablement/set",
    "feedback/save",
    "fs/copy",
    "modelProvider/config/write",
    "plugin/share/updateTargets",
    "thread/items/list",
    "thread/start",
    "turn/start",
    "turn/steer",
)


def _errors(client: RpcClient, root: Path, method: str) -> list[Any]:
    out = []
    for params in [*cases(SHAPES[method], root), {"bogusField": 1, "alsoBogus": [1]}]:
        reply, _ = client.response(client.start(method, params))
        error = reply.get("error")
        out.append(json.loads(json.dumps(error).replace(str(root), "<tmp>")))
    return out


def test_a_sample_against_the_live_official_server() -> None:
    binary = official_binary()
    if binary is None:
        pytest.skip("the official 0.169 binary is not installed")
    answers = []
    for argv in (app_server_argv(binary), ours_argv()):
        with scratch() as s, s.serve(argv) as client:
            answers.append({m: _errors(client, s.root, m) for m in SAMPLE})
    official, ours = answers
    # Every case is refused, but unknown fields alone where no field is required (ignored).
    assert all(
        error is not None or (i == len(errors) - 1 and not SHAPES[m]["required"])
        for m, errors in official.items()
        for i, error in enumerate(errors)
    )
    assert ours == official
