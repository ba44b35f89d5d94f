"""The request's `reasoning` and `text` are 0.169's for every catalog model and for models the
catalog does not list, with and without configured effort, summary and verbosity: each case of
tests/fixtures/request_reasoning_official.json (captured from the official binary against the
same mock config) run through the real `codex exec` against the loopback mock."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.exec.harness import run_codex
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "request_reasoning_official.json"
CASES = json.loads(FIXTURE.read_text())["cases"]
# 0.169 ignores `model_supports_reasoning_summaries`; an explicit `false` leaves `reasoning` out
# here (what the key says, for providers that refuse the parameter).
OURS_ON_PURPOSE = "model_supports_reasoning_summaries=false"


@pytest.mark.parametrize("case", CASES, ids=[" ".join(c["args"]) for c in CASES])
def test_reasoning_and_text_match_0169(
    mock_model_server: MockModelServer, home: Path, repo: Path, case: dict
) -> None:
    mock_model_server.enqueue(Turn([Message("ok")], Usage(10, 0, 2)))
    res = run_codex("exec", *case["args"], "hi", home=home, cwd=repo)
    assert res.rc == 0, res.stderr
    body = mock_model_server.requests[-1].json
    expected = None if OURS_ON_PURPOSE in case["args"] else case["reasoning"]
    assert body.get("reasoning") == expected
    if expected is not None:
        assert list(body["reasoning"]) == list(expected)  # 0.169's key order
    assert body.get("text") == case["text"]
