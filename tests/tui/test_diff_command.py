"""/diff as its help says ("show git diff (including untracked files)") and as upstream's does:
tracked changes and the untracked, not ignored, files; a repository with no commit yet still
shows its files; the cell is titled as a diff, not as an edit in progress. Driven by Textual's
pilot against the real session and the loopback mock."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.tui.test_pilot import screen_text, type_text, until

pytestmark = pytest.mark.anyio
SIZE = (100, 32)


async def _diff(pilot: Any) -> str:
    """Run /diff and return the transcript once its answer (a diff or a notice) is in."""
    app = pilot.app
    await until(pilot, lambda: bool(app.mapper.status.session_id))
    before = len(app.mapper.cells)
    await type_text(pilot, "/diff")
    await pilot.press("escape")  # close the popup: Enter runs the line as typed
    await pilot.press("enter")
    await until(pilot, lambda: len(app.mapper.cells) > before)
    return screen_text(app)


def _commit(repo: Path, *names: str) -> None:
    git = ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.com"]
    subprocess.run([*git, "add", *names], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "c"], check=True)


async def test_untracked_files_are_shown_ignored_ones_not(
    make_app: Callable[..., Any], repo: Path
) -> None:
    (repo / ".gitignore").write_text("build/\n")
    (repo / "a.txt").write_text("one\n")
    _commit(repo, ".gitignore", "a.txt")
    (repo / "a.txt").write_text("two\n")
    (repo / "new.py").write_text("print('new')\n")
    (repo / "build").mkdir()
    (repo / "build" / "out.bin").write_text("ignored\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        text = (await _diff(pilot)).replace(" ", "")
        assert "a.txt(+1-1)" in text and "-one" in text and "+two" in text
        assert "new.py(+1-0)" in text and "+print('new')" in text
        assert "out.bin" not in text and "ignored" not in text
        assert "Uncommittedchangesin2files(+2-1)" in text
        assert "Editing" not in text
        await app.shutdown()


async def test_only_untracked_files_is_not_no_changes(
    make_app: Callable[..., Any], repo: Path
) -> None:
    (repo / "a.txt").write_text("one\n")
    _commit(repo, "a.txt")
    (repo / "notes.md").write_text("# notes\n")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        text = await _diff(pilot)
        assert "No changes." not in text
        assert "notes.md" in text and "# notes" in text
        await app.shutdown()


async def test_a_repository_with_no_commit_yet(make_app: Callable[..., Any], repo: Path) -> None:
    (repo / "first.txt").write_text("hello\n")
    subprocess.run(["git", "-C", str(repo), "add", "first.txt"], check=True)  # staged
    (repo / "second.txt").write_text("world\n")  # untracked
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        text = await _diff(pilot)
        assert "not inside a git repository" not in text
        assert "first.txt" in text and "hello" in text
        assert "second.txt" in text and "world" in text
        await app.shutdown()


async def test_a_clean_tree_says_no_changes(make_app: Callable[..., Any], repo: Path) -> None:
    (repo / "a.txt").write_text("one\n")
    _commit(repo, "a.txt")
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        assert "No changes." in await _diff(pilot)
        await app.shutdown()


@pytest.mark.usefixtures("make_app")  # (its environment: CODEX_HOME and the mock's key)
async def test_outside_a_repository(home: Path, plain_dir: Path) -> None:
    from codex.cli.context import CliContext
    from codex.tui.app import CodexApp, LaunchOptions

    config = CliContext(config_home=str(home)).load_config(cwd=plain_dir, flag_overrides={})
    app = CodexApp(LaunchOptions(config=config, version="0.0.0-test"))
    async with app.run_test(size=SIZE) as pilot:
        assert "not inside a git repository" in await _diff(pilot)
        await app.shutdown()
