"""`generate-json-schema` / `generate-ts` come from the server's own types, the committed copy
under schema/app_server/ matches the code (regenerate with the two commands in the failure
message), and what the server really sends validates against that schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from tests.app_server.rpc_client import RpcClient
from tests.support.mock_model_server import MockModelServer, scenario

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schema" / "app_server"
REGENERATE = (
    "codex app-server generate-json-schema --out schema/app_server/json && "
    "codex app-server generate-ts --out schema/app_server/typescript"
)


def _tree(path: Path) -> dict[str, str]:
    return {p.name: p.read_text() for p in sorted(path.iterdir())}


@pytest.mark.parametrize(
    ("command", "folder"), [("generate-json-schema", "json"), ("generate-ts", "typescript")]
)
def test_committed_schema_matches_the_code(tmp_path: Path, command: str, folder: str) -> None:
    out = tmp_path / folder
    subprocess.run(
        [sys.executable, "-m", "codex", "app-server", command, "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert _tree(out) == _tree(COMMITTED / folder), f"schema out of date: run {REGENERATE}"


def _validator(name: str) -> jsonschema.Draft7Validator:
    bundle = json.loads((COMMITTED / "json" / "codex_app_server_protocol.schemas.json").read_text())
    schema = {**bundle["definitions"][name], "definitions": bundle["definitions"]}
    return jsonschema.Draft7Validator(schema)


def test_what_the_server_sends_validates_against_the_schema(
    ready: RpcClient, repo: Path, mock: MockModelServer
) -> None:
    bundle = json.loads((COMMITTED / "json" / "codex_app_server_protocol.schemas.json").read_text())
    notifications = bundle["methods"]["serverNotifications"]
    mock.enqueue(scenario("message"))
    started = ready.call("thread/start", {"cwd": str(repo)})
    _validator("ThreadStartResponse").validate(started)
    reply, messages = ready.turn(started["thread"]["id"], "hi")
    _validator("TurnStartResponse").validate(reply["result"])
    checked = set()
    for message in messages:
        name = notifications.get(message.get("method"))
        if name is not None:
            _validator(name).validate(message["params"])
            checked.add(message["method"])
    assert {"turn/started", "item/completed", "turn/completed"} <= checked
    listed = ready.call("thread/list", {})
    _validator("ThreadListResponse").validate(listed)
    read = ready.call("thread/read", {"threadId": started["thread"]["id"], "includeTurns": True})
    _validator("ThreadReadResponse").validate(read)
