"""`codex exec` (ours, a real process) when the model calls request_user_input: exec asks no
one, so the model reads what 0.169's exec gives it (the Default-mode refusal, or no answers
with `features.default_mode_request_user_input`), and the JSONL shows nothing for the call.
Facts: tests/fixtures/request_user_input_official.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.exec.harness import run_codex, write_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official import SAMPLES

FACTS = json.loads((SAMPLES.parent / "request_user_input_official.json").read_text())
QUESTIONS = json.loads(FACTS["exec_default"]["rollout"][0]["payload"]["arguments"])
FEATURE = "[features]\ndefault_mode_request_user_input = true\n"


@pytest.mark.parametrize(("extra", "case"), [("", "exec_default"), (FEATURE, "exec_feature")])
def test_exec_answers_the_model_as_0169(tmp_path: Path, extra: str, case: str) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    with MockModelServer() as mock:
        mock.enqueue(
            Turn([FunctionCall("c1", "request_user_input", QUESTIONS)]), Turn([Message("done")])
        )
        write_config(home, mock.base_url, extra)
        run = run_codex("exec", "--json", "--skip-git-repo-check", "hi", home=home, cwd=work)
        assert run.rc == FACTS[case]["exit_code"] == 0, run.stderr
        tools = [t.get("name") or t.get("type") for t in mock.requests[0].json["tools"]]
        assert "request_user_input" in tools
        output = mock.requests[1].function_call_output("c1")["output"]
    assert output == FACTS[case]["tool_output"]
    theirs = [e["type"] + ":" + e.get("item", {}).get("type", "") for e in FACTS[case]["jsonl"]]
    ours = [e["type"] + ":" + e.get("item", {}).get("type", "") for e in run.events()]
    assert [t for t in ours if not t.startswith("item.completed:error")] == theirs
    # the rollout keeps the call and its output, and no event for the question
    (rollout,) = (home / "sessions").rglob("*.jsonl")
    lines = [json.loads(x) for x in rollout.read_text().splitlines()]
    outputs = [
        x["payload"]["output"]
        for x in lines
        if x["type"] == "response_item" and x["payload"]["type"] == "function_call_output"
    ]
    assert outputs == [FACTS[case]["rollout"][1]["payload"]["output"]]
    assert not any("user_input" in str(x["payload"].get("type")) for x in lines)
