"""`[[skills.config]]`: `set_skill_enabled` writes config.toml as 0.169's `skills/config/write`
does (same calls, same file afterwards, comments kept), and `load_skills` then reports the same
skills disabled (tests/fixtures/skills_official.json, `config_write`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.core.skills_official import (
    CONFIG_CALLS,
    CONFIG_START,
    FIXTURE,
    build_tree,
    config_params,
    normalize,
)

from codex.core.skills import load_skills, set_skill_enabled
from codex.errors import CodexError

OFFICIAL = json.loads(FIXTURE.read_text())["config_write"]


def test_config_writes_match_0169(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ch, home, cwd = build_tree(tmp_path)
    monkeypatch.setenv("HOME", str(home))
    (ch / "config.toml").write_text(CONFIG_START)
    responses: list[dict[str, object]] = []
    for call in CONFIG_CALLS:
        params = config_params(call, tmp_path)
        path = params.get("path")
        try:
            state = set_skill_enabled(
                ch,
                enabled=bool(params["enabled"]),
                path=Path(str(path)) if path is not None else None,
                name=params.get("name"),  # type: ignore[arg-type]
            )
        except CodexError as err:
            responses.append({"code": -32602, "message": str(err)})
        else:
            responses.append({"effectiveEnabled": state})
    assert responses == OFFICIAL["responses"]
    assert normalize((ch / "config.toml").read_text(), tmp_path) == OFFICIAL["config"]
    outcome = load_skills(ch, cwd)
    enabled = {str(s.path): s.enabled for s in outcome.skills if s.scope != "system"}
    assert normalize(enabled, tmp_path) == OFFICIAL["enabled"]


def test_later_name_rule_overrides_earlier_path_rule(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    ch = tmp_path / "ch"
    skill = ch / "skills" / "x" / "SKILL.md"
    skill.parent.mkdir(parents=True)
    skill.write_text("---\nname: x\ndescription: d\n---\n")
    (ch / "config.toml").write_text(
        f'[[skills.config]]\npath = "{skill}"\nenabled = false\n\n'
        '[[skills.config]]\nname = "x"\nenabled = true\n'
    )
    assert [s.enabled for s in load_skills(ch, tmp_path).skills] == [True]
    (ch / "config.toml").write_text(
        '[[skills.config]]\nname = "x"\nenabled = true\n\n'
        f'[[skills.config]]\npath = "{skill}"\nenabled = false\n'
    )
    assert [s.enabled for s in load_skills(ch, tmp_path).skills] == [False]
