"""`load_skills` keeps its answer while nothing it read changed, and sees every change: a new
skill folder, an edited SKILL.md, a config.toml toggle; `force_reload` re-scans regardless."""

from __future__ import annotations

from pathlib import Path

import pytest

from codex.core import stat_cache
from codex.core.skills import load_skills


def _tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Files a test just wrote are inside the racy window, where nothing is ever kept.
    monkeypatch.setattr(stat_cache, "RACY_NS", 0)
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    ch = tmp_path / "ch"
    (ch / "skills" / "a").mkdir(parents=True)
    (ch / "skills" / "a" / "SKILL.md").write_text("---\nname: a\ndescription: one\n---\n")
    return ch


def test_unchanged_tree_is_served_from_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ch = _tree(tmp_path, monkeypatch)
    first = load_skills(ch, tmp_path)
    assert load_skills(ch, tmp_path) is first
    assert load_skills(ch, tmp_path, force_reload=True) is not first


def test_changes_on_disk_are_seen(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ch = _tree(tmp_path, monkeypatch)
    assert [s.name for s in load_skills(ch, tmp_path).skills] == ["a"]
    (ch / "skills" / "b").mkdir()
    (ch / "skills" / "b" / "SKILL.md").write_text("---\nname: b\ndescription: two\n---\n")
    assert [s.name for s in load_skills(ch, tmp_path).skills] == ["a", "b"]
    (ch / "skills" / "a" / "SKILL.md").write_text("---\nname: a\ndescription: edited\n---\n")
    assert load_skills(ch, tmp_path).skills[0].description == "edited"
    (ch / "config.toml").write_text('[[skills.config]]\nname = "b"\nenabled = false\n')
    assert [s.enabled for s in load_skills(ch, tmp_path).skills] == [True, False]


def test_no_skills_answer_ignores_a_fresh_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without skills, config.toml decides nothing: a config written just now (within the racy
    window, as a fresh CODEX_HOME has it) must not make every thread start re-scan the roots."""
    monkeypatch.setenv("HOME", str(tmp_path / "nohome"))
    ch = tmp_path / "ch"
    ch.mkdir()
    (ch / "config.toml").write_text('model = "gpt-5.5"\n')
    work = tmp_path / "work"
    work.mkdir()
    first = load_skills(ch, work)
    assert first.skills == () and first.errors == ()
    assert load_skills(ch, work) is first
    # A skill appearing afterwards is still seen (its missing root was watched).
    (ch / "skills" / "a").mkdir(parents=True)
    (ch / "skills" / "a" / "SKILL.md").write_text("---\nname: a\ndescription: one\n---\n")
    assert [s.name for s in load_skills(ch, work).skills] == ["a"]
