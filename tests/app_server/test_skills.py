"""The skills methods of our `codex app-server` against what 0.169's answered in the same
scenario (tests/fixtures/app_server_skills_official.json, made by capture_skills.py): skills/list
(no cwds, several, a missing and a relative one, forceReload), skills/config/write (by path, by
name, the config.toml it leaves, its errors), skills/extraRoots/set (its errors, its effect on
later lists, the skills/changed before its reply) and skills/changed on a file change under
the skill roots of an open thread. Also: extra roots shared by every connection (WebSocket),
the opt-out of skills/changed, a change under an extra root, and the official Python SDK
parsing our replies with its own models."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.app_server.capture_skills import (
    FIXTURE,
    skill_text,
    skills_facts,
    websocket_facts,
    write_skill,
)
from tests.app_server.rpc_client import RpcClient, ours_argv, scratch_env

OFFICIAL = json.loads(FIXTURE.read_text())

# Steps where codex-py answers differently from 0.169 on purpose, and how.
KNOWN = {
    # codex.core.skills re-scans a root that changed on disk; 0.169 keeps its cache until
    # forceReload (or a watched change, a config write, new extra roots).
    "list_cached_after_new_file",
}


@pytest.fixture(scope="module")
def ours() -> dict[str, Any]:
    return skills_facts(ours_argv())


def _names(step: dict[str, Any]) -> list[list[str]]:
    return [[s["name"] for s in entry["skills"]] for entry in step["result"]["data"]]


def test_the_scenario_covers_every_step_0169_answered(ours: dict[str, Any]) -> None:
    assert [s["step"] for s in ours["steps"]] == [s["step"] for s in OFFICIAL["steps"]]


@pytest.mark.parametrize("index", range(len(OFFICIAL["steps"])))
def test_each_step_matches_0169(ours: dict[str, Any], index: int) -> None:
    official = OFFICIAL["steps"][index]
    if official["step"] in KNOWN:
        pytest.skip(f"{official['step']}: a known difference, checked below")
    assert ours["steps"][index] == official


def test_the_known_differences_are_what_they_say(ours: dict[str, Any]) -> None:
    steps = {s["step"]: s for s in ours["steps"]}
    official = {s["step"]: s for s in OFFICIAL["steps"]}
    # Only the skill written after the first list tells the two apart.
    late = [
        [n for n in names if n != "late"] for names in _names(steps["list_cached_after_new_file"])
    ]
    assert late == _names(official["list_cached_after_new_file"])
    assert "late" in _names(steps["list_cached_after_new_file"])[0]


def test_we_list_no_system_skills_that_are_not_on_disk(ours: dict[str, Any]) -> None:
    assert OFFICIAL["system_skills"]  # 0.169 installs and lists its bundled ones
    assert ours["system_skills"] == []


def test_a_change_under_an_extra_root_is_reported_and_opt_out_silences_it(
    home: Path, repo: Path
) -> None:
    extra = home.parent / "extra"
    write_skill(extra / "a", skill_text("a", "first"))
    quiet = RpcClient(ours_argv(), scratch_env(home), repo)
    loud = RpcClient(ours_argv(), scratch_env(home), repo)
    try:
        quiet.initialize(capabilities={"optOutNotificationMethods": ["skills/changed"]})
        loud.initialize()
        reply, before = quiet.response(
            quiet.start("skills/extraRoots/set", {"extraRoots": [str(extra)]})
        )
        assert reply["result"] == {} and before == []
        reply, before = loud.response(
            loud.start("skills/extraRoots/set", {"extraRoots": [str(extra)]})
        )
        assert [m["method"] for m in before] == ["skills/changed"]
        write_skill(extra / "b", skill_text("b", "second"))
        loud.until(lambda m: m.get("method") == "skills/changed")
        listed = loud.call("skills/list", {"cwds": [str(repo)]})["data"][0]["skills"]
        assert [(s["name"], s["scope"]) for s in listed] == [("a", "user"), ("b", "user")]
    finally:
        quiet.close()
        loud.close()


def test_extra_roots_are_shared_by_every_connection_as_0169() -> None:
    """0.169 keeps one set of extra roots per server and tells every connection that did not
    opt out (three WebSocket connections: capture_skills.websocket_facts)."""
    pytest.importorskip("websockets", reason="websockets is not installed (ws extra)")
    assert websocket_facts(ours_argv()) == OFFICIAL["websocket"]


def test_the_official_python_sdk_parses_our_replies(home: Path, repo: Path) -> None:
    """openai-codex 0.163 has no skills helper: its low-level client sends the requests and
    validates our replies with its generated models."""
    sdk = pytest.importorskip("openai_codex", reason="openai-codex==0.163.0 is not installed")
    from openai_codex.client import CodexClient
    from openai_codex.generated import v2_all

    codex_bin = Path(sys.executable).with_name("codex")
    if not codex_bin.is_file():
        pytest.skip("no `codex` console script beside this Python (pip install -e .)")
    write_skill(
        home / "skills" / "mine", skill_text("mine", "Mine", "metadata:\n  short-description: S\n")
    )
    write_skill(repo / ".codex" / "skills" / "ours", skill_text("ours", "Ours"))
    write_skill(home / "skills" / "broken", "no frontmatter\n")
    env = scratch_env(home)
    client = CodexClient(sdk.CodexConfig(codex_bin=str(codex_bin), cwd=str(repo), env=env))
    client.start()
    try:
        client.initialize()
        listed = client.request(
            "skills/list", {"cwds": [str(repo)]}, response_model=v2_all.SkillsListResponse
        )
        wrote = client.request(
            "skills/config/write",
            {"enabled": False, "name": "ours"},
            response_model=v2_all.SkillsConfigWriteResponse,
        )
        again = client.request(
            "skills/list", {"cwds": [str(repo)]}, response_model=v2_all.SkillsListResponse
        )
    finally:
        client.close()
    (entry,) = listed.data
    assert [(s.name, s.scope.value, s.enabled) for s in entry.skills] == [
        ("ours", "repo", True),
        ("mine", "user", True),
    ]
    assert entry.skills[1].short_description == "S"
    assert [Path(str(getattr(e.path, "root", e.path))).parent.name for e in entry.errors] == [
        "broken"
    ]
    assert wrote.effective_enabled is False
    assert [(s.name, s.enabled) for s in again.data[0].skills] == [("ours", False), ("mine", True)]


def _validators(bundle_dir: Path, names: list[str]) -> dict[str, Any]:
    """Draft-7 validators of `names`, from one folder of per-type schema files."""
    import jsonschema

    return {
        n: jsonschema.Draft7Validator(json.loads((bundle_dir / f"{n}.json").read_text()))
        for n in names
    }


REPLIES = {
    "skills/list": "SkillsListResponse",
    "skills/config/write": "SkillsConfigWriteResponse",
    "skills/extraRoots/set": "SkillsExtraRootsSetResponse",
}


@pytest.mark.parametrize("source", ["ours", "0.169"])
def test_our_replies_validate_against_the_schema(
    ours: dict[str, Any], tmp_path: Path, source: str
) -> None:
    """Every skills reply of the scenario against our committed schema, and against the one
    0.169 itself generates (`codex app-server generate-json-schema`)."""
    if source == "ours":
        folder = Path(__file__).resolve().parents[2] / "schema" / "app_server" / "json"
    else:
        from tests.support.official import official_binary

        binary = official_binary()
        if binary is None:
            pytest.skip("the official 0.169 binary is not installed (tests/support/official.py)")
        home = tmp_path / "official-home"  # never the user's ~/.codex (it writes tmp/ there)
        home.mkdir()
        subprocess.run(
            [str(binary), "app-server", "generate-json-schema", "--out", str(tmp_path)],
            check=True,
            capture_output=True,
            env={**os.environ, "CODEX_HOME": str(home)},
            timeout=120,
        )
        folder = tmp_path / "v2" if (tmp_path / "v2").is_dir() else tmp_path
    validators = _validators(folder, sorted(set(REPLIES.values())))
    checked = 0
    for step in ours["steps"]:
        if "result" in step:
            validators[REPLIES[step["method"]]].validate(step["result"])
            checked += 1
    assert checked >= 20
