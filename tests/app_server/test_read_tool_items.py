"""thread/read with includeTurns returns a turn's tool items (commandExecution, fileChange)
rebuilt from the rollout, as the official 0.169 server returns them for the same turn
(tests/fixtures/app_server/official_read_tool_items.json, captured by running this module:
`python -m tests.app_server.test_read_tool_items`)."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env
from tests.app_server.test_schema import _validator
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, apply_patch_call

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "app_server"
FIXTURE = FIXTURE / "official_read_tool_items.json"
PATCH = (
    "*** Begin Patch\n*** Add File: new.txt\n+hello\n*** Update File: a.txt\n@@\n one\n-two\n"
    "+three\n*** End Patch\n"
)
VOLATILE = ("id", "startedAtMs", "completedAtMs", "durationMs", "processId")


def run_scenario(
    argv: list[str], tmp: Path, raw: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """One turn running a shell command and a patch; the items thread/read reports for it,
    with paths under `tmp` as <tmp> and volatile values dropped (the whole thread/read
    result appended to `raw`)."""
    with MockModelServer() as mock:
        home = write_mock_config(tmp / "home", mock.base_url)
        repo = tmp / "repo"
        repo.mkdir()
        (repo / "a.txt").write_text("one\ntwo\n")
        client = RpcClient(argv, scratch_env(home), repo)
        try:
            client.initialize()
            started = client.call(
                "thread/start",
                {"cwd": str(repo), "approvalPolicy": "never", "sandbox": "workspace-write"},
            )
            thread_id = started["thread"]["id"]
            mock.enqueue(
                Turn([FunctionCall("call_x", "exec_command", {"cmd": "echo hi; echo err >&2"})]),
                Turn([apply_patch_call("call_p", PATCH)]),
                Turn([Message("done")]),
            )
            client.turn(thread_id, "do things")
            read = client.call("thread/read", {"threadId": thread_id, "includeTurns": True})
        finally:
            client.close()
    if raw is not None:
        raw.append(read)
    items = read["thread"]["turns"][-1]["items"]
    text = json.dumps(items).replace(str(tmp), "<tmp>")
    out = json.loads(text)
    for item in out:
        for key in VOLATILE:
            # our rollout keeps no process id: both sides read as "<v>" when the key exists
            if key in item and (item[key] is not None or key == "processId"):
                item[key] = "<v>"
    return out


def test_thread_read_includes_command_and_file_change_items(tmp_path: Path) -> None:
    raw: list[dict[str, Any]] = []
    ours = run_scenario(ours_argv(), tmp_path, raw)
    _validator("ThreadReadResponse").validate(raw[0])
    official = json.loads(FIXTURE.read_text())
    assert [i["type"] for i in ours] == [i["type"] for i in official]
    for mine, theirs in zip(ours, official, strict=True):
        assert list(mine) == list(theirs), mine["type"]
        if mine["type"] in ("commandExecution", "fileChange"):
            assert mine == theirs


def main() -> int:
    from tests.support.official import official_binary

    binary = official_binary()
    if binary is None:
        sys.stderr.write("the official binary is not installed\n")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        items = run_scenario([str(binary), "app-server"], Path(tmp))
    FIXTURE.write_text(json.dumps(items, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
