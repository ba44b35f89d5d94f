"""`steer` in the in-process SDK with a `$name` mention and a SkillInput: nothing is injected,
as 0.169's turn/steer (tests/fixtures/skills_followup_official.json `steer`: the request after
the steer carries the steered text and no `<skill>` message)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.core.capture_skills_followup import FIXTURE, skill
from tests.sdk.test_sdk import make_home
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import Message, Turn, Usage

from codex import Codex, SkillInput, TextInput

OFFICIAL = json.loads(FIXTURE.read_text())


def test_sdk_steer_injects_no_skill_as_0169(
    tmp_path: Path, mock_model_server: MockModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    config = make_home(tmp_path, mock_model_server)
    skills = Path(config.codex_home) / "skills"
    skill(skills / "good", "good", "A good skill")
    beta = skill(skills / "beta", "beta", "Beta desc")
    mock_model_server.enqueue(Hold(Turn([Message("first")], Usage(10, 0, 2)), frames=1))
    mock_model_server.repeat(Turn([Message("ok")], Usage(10, 0, 2)))
    with Codex(config) as client:
        try:
            handle = client.thread_start().turn("hi")
            mock_model_server.wait_held()
            handle.steer([TextInput("also use $good"), SkillInput("beta", str(beta))])
        finally:
            mock_model_server.release()
        handle.run()
    body = mock_model_server.requests[1].json
    texts = [
        i["content"][0].get("text", "").split("\n", 1)[0]
        for i in body["input"]
        if i.get("type") == "message" and i.get("role") == "user"
    ]
    assert texts == OFFICIAL["steer"]["second_request_user_texts"]
