"""The service tier through the real `codex exec` against the loopback mock, compared case by
case with what the official 0.169 binary did (tests/fixtures/service_tier_official.json, from
tests/exec/capture_service_tier.py): the request body's `service_tier` and the key before it,
the warning line (human output) or error item (--json) when the model does not advertise the
tier, a refused non-string value, a tier set in a profile file (`-p`), and no tier in the
rollout's turn_context."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.exec.harness import run_codex
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "service_tier_official.json"
FACTS = json.loads(FIXTURE.read_text())


def _ids(cases: list[dict[str, Any]]) -> list[str]:
    return [
        " ".join(c["args"]) + (" | " + c["config"].strip() if c["config"] else "") for c in cases
    ]


def _tier_of(body: dict[str, Any]) -> dict[str, Any]:
    keys = list(body)
    if "service_tier" not in body:
        return {"service_tier": None}
    return {"service_tier": body["service_tier"], "after": keys[keys.index("service_tier") - 1]}


def _turn_context_tier_keys(home: Path) -> list[str]:
    keys: set[str] = set()
    for rollout in (home / "sessions").rglob("rollout-*.jsonl"):
        for line in rollout.read_text().splitlines():
            entry = json.loads(line)
            if entry["type"] == "turn_context":
                keys |= {k for k in entry["payload"] if "tier" in k or "service" in k}
    return sorted(keys)


def _run(
    mock: MockModelServer, tmp_path: Path, repo: Path, case: dict[str, Any], *json_flag: str
) -> tuple[Any, list[dict[str, Any]]]:
    mock.repeat(Turn([Message("ok")], Usage(10, 0, 2)))
    home = write_mock_config(tmp_path / "home", mock.base_url)
    config = home / "config.toml"
    config.write_text(case["config"] + config.read_text())  # top-level keys before any table
    if "profile_file" in case:  # the profile file `-p f` selects
        (home / "f.config.toml").write_text(case["profile_file"])
    res = run_codex(
        "exec", "--skip-git-repo-check", *json_flag, *case["args"], "hi", home=home, cwd=repo
    )
    return res, [_tier_of(r.json) for r in mock.requests]


@pytest.mark.parametrize("case", FACTS["exec"], ids=_ids(FACTS["exec"]))
def test_request_tier_and_warning_match_0169(
    mock_model_server: MockModelServer, tmp_path: Path, repo: Path, case: dict[str, Any]
) -> None:
    res, tiers = _run(mock_model_server, tmp_path, repo, case)
    assert res.rc == case["rc"], res.stderr
    assert tiers == case["requests"]
    assert [line for line in res.stderr.splitlines() if "service tier" in line] == case["stderr"]
    # 0.169's rollout records no tier in turn_context (nor anywhere else we looked).
    assert _turn_context_tier_keys(tmp_path / "home") == case["turn_context_tier_keys"]


@pytest.mark.parametrize("case", FACTS["exec_json"], ids=_ids(FACTS["exec_json"]))
def test_json_error_item_matches_0169(
    mock_model_server: MockModelServer, tmp_path: Path, repo: Path, case: dict[str, Any]
) -> None:
    res, tiers = _run(mock_model_server, tmp_path, repo, case, "--json")
    assert res.rc == case["rc"], res.stderr
    assert tiers == case["requests"]
    assert [e for e in res.events() if "service tier" in json.dumps(e)] == case["json_events"]


@pytest.mark.parametrize("case", FACTS["exec_errors"], ids=_ids(FACTS["exec_errors"]))
def test_a_tier_that_is_no_string_is_refused(
    mock_model_server: MockModelServer, tmp_path: Path, repo: Path, case: dict[str, Any]
) -> None:
    res, tiers = _run(mock_model_server, tmp_path, repo, case)
    assert res.rc == case["rc"] != 0
    assert tiers == case["requests"] == []
    # Our one-line error names the key as 0.169's does (`in \`service_tier\``).
    assert "service_tier: expected a string" in res.stderr


@pytest.mark.parametrize("case", FACTS["exec_profile"], ids=_ids(FACTS["exec_profile"]))
def test_a_profile_file_sets_the_tier_as_0169(
    mock_model_server: MockModelServer, tmp_path: Path, repo: Path, case: dict[str, Any]
) -> None:
    res, tiers = _run(mock_model_server, tmp_path, repo, case)
    assert res.rc == case["rc"], res.stderr
    assert tiers == case["requests"]
