"""AGENTS.md and git facts are read once per cwd in a process (codex.core.stat_cache) but a change
between two thread starts is still seen: an edited, added or removed AGENTS.md (global, project,
a parent up to the git root), a new .git, a new commit or branch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codex.core import git_info as git_info_mod
from codex.core import prompt, stat_cache
from codex.core.git_info import git_info
from codex.core.prompt import user_instructions


@pytest.fixture(autouse=True)
def _fresh_caches(monkeypatch: pytest.MonkeyPatch) -> None:
    # Files written by a test are seconds old at most: with the racy window kept, nothing would
    # ever be cached here. Every change below changes a size or makes a path appear or vanish,
    # which a stat shows whatever the timestamp granularity.
    monkeypatch.setattr(stat_cache, "RACY_NS", 0)
    prompt._instructions_cache.clear()
    git_info_mod._cache.clear()


def _ui(home: Path, cwd: Path) -> str | None:
    return user_instructions(home, cwd, 32 * 1024)


def test_instructions_reused_then_reread_on_change(tmp_path: Path) -> None:
    home, repo = tmp_path / "home", tmp_path / "repo"
    sub = repo / "pkg"
    sub.mkdir(parents=True)
    home.mkdir()
    (repo / ".git").mkdir()
    (sub / "AGENTS.md").write_text("sub rules")
    first = _ui(home, sub)
    assert first == "sub rules"
    assert _ui(home, sub) is first  # a hit: the same string, not read again

    (sub / "AGENTS.md").write_text("sub rules, edited")
    assert _ui(home, sub) == "sub rules, edited"
    (repo / "AGENTS.md").write_text("root rules")  # appears in a parent, up to the git root
    assert _ui(home, sub) == "root rules\n\nsub rules, edited"
    (home / "AGENTS.md").write_text("global")
    assert _ui(home, sub) == "global\n\n--- project-doc ---\n\nroot rules\n\nsub rules, edited"
    (sub / "AGENTS.override.md").write_text("override")
    assert _ui(home, sub).endswith("root rules\n\noverride")
    (sub / "AGENTS.override.md").unlink()
    (home / "AGENTS.md").unlink()
    assert _ui(home, sub) == "root rules\n\nsub rules, edited"


def test_instructions_follow_a_new_git_root(tmp_path: Path) -> None:
    home, top = tmp_path / "home", tmp_path / "top"
    sub = top / "sub"
    sub.mkdir(parents=True)
    home.mkdir()
    (top / "AGENTS.md").write_text("top rules")
    assert _ui(home, sub) is None  # no git root: only cwd's own AGENTS.md counts
    (top / ".git").mkdir()
    assert _ui(home, sub) == "top rules"


def test_git_info_reused_then_reread_on_commit(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    git = repo / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "packed-refs").write_text("a" * 40 + " refs/heads/main\n")
    (git / "config").write_text('[remote "origin"]\n\turl = https://example.com/r.git\n')
    first = git_info(repo)
    assert first == {
        "commit_hash": "a" * 40,
        "branch": "main",
        "repository_url": "https://example.com/r.git",
    }
    first["branch"] = "changed by the caller"
    assert git_info(repo)["branch"] == "main"  # each caller gets its own dict

    (git / "refs" / "heads" / "main").write_text("b" * 40 + "\n")  # a loose ref appears
    assert git_info(repo)["commit_hash"] == "b" * 40
    (git / "HEAD").write_text("ref: refs/heads/feature-x\n")
    (git / "refs" / "heads" / "feature-x").write_text("c" * 40 + "\n")
    assert git_info(repo) == {
        "commit_hash": "c" * 40,
        "branch": "feature-x",
        "repository_url": "https://example.com/r.git",
    }


def test_racy_answers_are_not_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(stat_cache, "RACY_NS", 10**18)  # everything counts as just changed
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    (cwd / "AGENTS.md").write_text("one")
    first = _ui(home, cwd)
    assert first == "one"
    assert _ui(home, cwd) is not first  # read again


def test_stamp_of_missing_path(tmp_path: Path) -> None:
    assert stat_cache.stamp(os.fspath(tmp_path / "nope")) is None


def test_unrelated_files_in_cwd_keep_the_answer(tmp_path: Path) -> None:
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    (cwd / "AGENTS.md").write_text("rules")
    first = _ui(home, cwd)
    (cwd / "output.txt").write_text("the agent wrote a file")  # cwd's mtime changes
    assert _ui(home, cwd) is first


def test_a_fresh_cwd_without_docs_is_walked_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only missing paths and the cwd's identity decide "no AGENTS.md": nothing racy to wait for,
    # even in a directory made a moment ago (the benchmarks' case).
    monkeypatch.setattr(stat_cache, "RACY_NS", 2_000_000_000)
    home, cwd = tmp_path / "home", tmp_path / "cwd"
    home.mkdir()
    cwd.mkdir()
    walks: list[Path] = []
    real = prompt.project_doc_paths

    def counting(path: Path, fallback_names=()):  # type: ignore[no-untyped-def]
        walks.append(path)
        return real(path, fallback_names)

    monkeypatch.setattr(prompt, "project_doc_paths", counting)
    assert _ui(home, cwd) is None
    assert _ui(home, cwd) is None
    assert len(walks) == 1
