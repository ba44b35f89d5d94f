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
