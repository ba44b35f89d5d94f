"""/undo end to end in a real terminal: `codex` in a private tmux server against the loopback
mock model; a turn edits, creates and deletes files through apply_patch, then /undo's picker
restores the work tree byte for byte, and the user's .git is left as it was. Screens are polled
until a condition holds (bounded deadline), never read after a fixed sleep."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage, apply_patch_call
from tests.tui.test_tmux_e2e import COMPOSER, launch, trusted_home
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")

USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
PATCH = (
    "*** Begin Patch\n*** Update File: src/app.py\n@@\n-print('v1')\n+print('v2')\n"
    "*** Add File: NOTES.md\n+new notes\n*** Delete File: old.txt\n*** End Patch\n"
)


@pytest.fixture
def pane(tmp_path: Path) -> Iterator[Pane]:
    pane = Pane(tmp_path / "tmux.sock", width=110, height=34)
    yield pane
    pane.close()


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` but .git, with its bytes."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def git_state(repo: Path) -> tuple[bytes, str, str]:
    """The user's index (bytes, read first), status and refs; GIT_OPTIONAL_LOCKS=0 keeps
    `git status` itself from refreshing the index."""
    index = (repo / ".git" / "index").read_bytes()
    env = {**os.environ, "GIT_OPTIONAL_LOCKS": "0"}

    def run(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=repo, capture_output=True, text=True, check=True, env=env
        ).stdout

    return index, run("status", "--porcelain"), run("show-ref")


def test_undo_restores_the_files_of_a_turn(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    (repo / "src").mkdir()
    (repo / "src" / "app.py").write_text("print('v1')\n")
    (repo / "old.txt").write_bytes(b"old \x00 bytes\n")
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "base"],
        cwd=repo,
        check=True,
    )
    before, git_before = tree(repo), git_state(repo)
    trusted_home(home, repo)
    mock_model_server.enqueue(
        Turn([apply_patch_call("p1", PATCH)], USAGE), Turn([Message("Patched it.")], USAGE)
    )
    launch(pane, home, repo, "-s", "workspace-write", "-a", "never", "update the app")
    pane.wait_text("Patched it.")
    pane.wait_text("Worked for")
    assert (repo / "src" / "app.py").read_text() == "print('v2')\n"
    assert not (repo / "old.txt").exists()
    pane.type("/undo")
    pane.wait_text("/undo")
    pane.keys("Enter")
    screen = pane.wait_text("Undo: restore the files to before a turn")
    assert "› 1. update the app" in screen and "turn 1" in screen and "3 files" in screen
    pane.keys("Enter")
    screen = pane.wait_text("Restored the files to before turn 1")
    assert "1 restored, 2 deleted" in screen or "2 restored, 1 deleted" in screen
    pane.wait_text(COMPOSER)
    assert tree(repo) == before
    assert git_state(repo) == git_before  # the user's .git untouched
    pane.keys("C-d")
    pane.wait_text("[exited 0]")
