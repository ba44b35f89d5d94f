"""Skill discovery against 0.169's own answers: the same trees of real files (tests/core/
skills_official.py) listed by `codex.core.skills.load_skills` must give what the official
binary's `skills/list` gave (tests/fixtures/skills_official.json), skill for skill and key for
key, errors with the same text. Where PyYAML's scanner words a syntax error differently from
libyaml, the comparison is on the `invalid YAML: ` prefix (listed below)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tests.core.skills_official import (
    FIXTURE,
    build_frontmatter_cases,
    build_metadata_cases,
    build_tree,
    normalize,
    strip_system,
)

from codex.core.skills import error_wire, load_skills, skill_wire

OFFICIAL = json.loads(FIXTURE.read_text())
# Cases whose error text comes from the YAML scanner itself (PyYAML words some differently).
SCANNER_WORDED = {"y22"}


def ours(root: Path, build: Any, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    ch, home, cwd = build(root)
    monkeypatch.setenv("HOME", str(home))
    outcome = load_skills(ch, cwd, force_reload=True)
    listing = {
        "skills": [skill_wire(s) for s in outcome.skills],
        "errors": [error_wire(e.path, e.message) for e in outcome.errors],
    }
    return strip_system(normalize(listing, root))


def test_discovery_tree_matches_0169(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    got = ours(tmp_path, build_tree, monkeypatch)
    want = OFFICIAL["discovery"]
    assert [s["path"] for s in got["skills"]] == [s["path"] for s in want["skills"]]
    assert got["skills"] == want["skills"]
    assert got["errors"] == want["errors"]
    # key order too: clients see the JSON as sent
    assert [list(s) for s in got["skills"]] == [list(s) for s in want["skills"]]


def test_frontmatter_cases_match_0169(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    got = ours(tmp_path, build_frontmatter_cases, monkeypatch)
    want = OFFICIAL["frontmatter"]
    assert got["skills"] == want["skills"]
    assert [e["path"] for e in got["errors"]] == [e["path"] for e in want["errors"]]
    for g, w in zip(got["errors"], want["errors"], strict=True):
        case = Path(w["path"]).parent.name
        if case in SCANNER_WORDED:
            assert g["message"].startswith("invalid YAML: "), g
        else:
            assert g["message"] == w["message"], case


def test_system_root_errors_are_silent_and_symlinks_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under `.system` a bad SKILL.md is no error and a symlinked dir is not entered (0.169:
    Codex writes that root itself)."""
    ch = tmp_path / "home"
    system = ch / "skills" / ".system"
    (system / "bad").mkdir(parents=True)
    (system / "bad" / "SKILL.md").write_text("nope\n")
    (tmp_path / "elsewhere" / "s").mkdir(parents=True)
    (tmp_path / "elsewhere" / "s" / "SKILL.md").write_text("---\ndescription: d\n---\n")
    (system / "link").symlink_to(tmp_path / "elsewhere")
    (system / "good").mkdir()
    (system / "good" / "SKILL.md").write_text("---\ndescription: fine\n---\n")
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    out = load_skills(ch, tmp_path, force_reload=True)
    assert [(s.name, s.scope) for s in out.skills] == [("good", "system")]
    assert out.errors == ()


def test_admin_root_is_scanned_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from codex.core.skills import discover

    admin = tmp_path / "etc-codex-skills"
    (admin / "a").mkdir(parents=True)
    (admin / "a" / "SKILL.md").write_text("---\nname: a\ndescription: admin one\n---\n")
    user = tmp_path / "ch" / "skills" / "a"
    user.mkdir(parents=True)
    (user / "SKILL.md").write_text("---\nname: a\ndescription: user one\n---\n")
    monkeypatch.setattr(discover, "ADMIN_SKILLS_ROOT", admin)
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    out = load_skills(tmp_path / "ch", tmp_path, force_reload=True)
    assert [(s.scope, s.description) for s in out.skills] == [
        ("user", "user one"),
        ("admin", "admin one"),
    ]


def test_skill_roots_lists_what_load_skills_scans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codex.core.skills import skill_roots

    ch, home, cwd = build_tree(tmp_path)
    monkeypatch.setenv("HOME", str(home))
    repo = tmp_path / "repo"
    assert skill_roots(ch, cwd, extra_roots=[tmp_path / "x"]) == (
        cwd / ".codex/skills",
        repo / "sub/.codex/skills",
        repo / ".codex/skills",
        ch / "skills",
        home / ".agents/skills",
        ch / "skills/.system",
        Path("/etc/codex/skills"),
        tmp_path / "x",
        repo / ".agents/skills",
        repo / "sub/.agents/skills",
    )


def test_openai_yaml_cases_match_0169(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """agents/openai.yaml: limits, scalar kinds, and a wrong-shaped known field dropping the
    whole file, as 0.169 lists them."""
    got = ours(tmp_path, build_metadata_cases, monkeypatch)
    assert got["skills"] == OFFICIAL["metadata"]["skills"]
    assert got["errors"] == OFFICIAL["metadata"]["errors"] == []
