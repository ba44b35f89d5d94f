"""Checkpoints through the real CLI in trees that fight back: a large file whose name is not
UTF-8 (its note must not fail the turn) and a project-local CODEX_HOME inside the work tree (an
undo must leave the session's own rollout alone)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from tests.exec.harness import codex_env, rollout_files, run_codex, write_config
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import Message, Turn, Usage, apply_patch_call

from codex.core.checkpoints.store import SIZE_LIMIT

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

USAGE = Usage(input_tokens=10, output_tokens=1)
ADD = "*** Begin Patch\n*** Add File: made.txt\n+made by the turn\n*** End Patch"


def checkpoint_events(rollout: Path) -> list[dict[str, object]]:
    out = []
    for line in rollout.read_bytes().splitlines():
        obj = orjson.loads(line)
        if obj["type"] == "event_msg" and obj["payload"]["type"] == "codex_py_checkpoint":
            out.append(obj["payload"])
    return out


def test_a_large_file_with_a_non_utf8_name_does_not_fail_the_turn(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write_config(home, mock_model_server.base_url)
    big = os.path.join(os.fsencode(work), b"caf\xe9.bin")  # Latin-1 name
    with open(big, "wb") as fh:
        fh.truncate(SIZE_LIMIT + 1)  # sparse: over the limit without writing 10 MB
    mock_model_server.enqueue(
        Turn([apply_patch_call("p1", ADD)], USAGE), Turn([Message("done")], USAGE)
    )
    res = run_codex(
        "exec", "--skip-git-repo-check", "--sandbox", "workspace-write", "add a file",
        home=home, cwd=work,
    )  # fmt: skip
    assert res.rc == 0, res.stderr  # was: orjson refused the note's surrogates, the turn failed
    assert (work / "made.txt").exists()
    (rollout,) = rollout_files(home)
    events = checkpoint_events(rollout)
    assert [e["phase"] for e in events] == ["before", "after"]
    assert events[0]["skipped"] == ["caf\\xe9.bin"]
    undo = run_codex("undo", "--last", "--files-only", home=home, cwd=work)
    assert undo.rc == 0, undo.stderr
    assert not (work / "made.txt").exists() and os.path.exists(big)


def test_an_undo_leaves_a_codex_home_inside_the_work_tree_alone(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    home = work / ".codex"  # a project-local CODEX_HOME
    write_config(home, mock_model_server.base_url)
    (work / "a.txt").write_text("a\n")
    mock_model_server.enqueue(
        Turn([apply_patch_call("p1", ADD)], USAGE), Turn([Message("done")], USAGE)
    )
    res = run_codex(
        "exec", "--skip-git-repo-check", "--sandbox", "workspace-write", "add a file",
        home=home, cwd=work,
    )  # fmt: skip
    assert res.rc == 0, res.stderr
    (rollout,) = rollout_files(home)
    recorded = rollout.read_bytes()
    undo = run_codex("undo", "--last", "--files-only", home=home, cwd=work)
    assert undo.rc == 0, undo.stderr
    assert not (work / "made.txt").exists()
    assert rollout.read_bytes() == recorded  # was: the rollout cut back to before the turn
    assert b".codex" not in undo.stdout


EDIT = "*** Begin Patch\n*** Update File: a.txt\n@@\n-a1\n+a2\n*** End Patch"


def test_a_redo_takes_back_only_the_undo_and_never_a_later_hand_edit(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write_config(home, mock_model_server.base_url)
    (work / "a.txt").write_text("a1\n")
    (work / "b.txt").write_text("b1\n")
    mock_model_server.enqueue(
        Turn([apply_patch_call("p1", EDIT)], USAGE), Turn([Message("done")], USAGE)
    )
    res = run_codex(
        "exec", "--skip-git-repo-check", "--sandbox", "workspace-write", "edit a",
        home=home, cwd=work,
    )  # fmt: skip
    assert res.rc == 0, res.stderr
    assert (work / "a.txt").read_text() == "a2\n"

    def undo() -> None:
        out = run_codex("undo", "--last", "--files-only", home=home, cwd=work)
        assert out.rc == 0, out.stderr

    undo()
    assert (work / "a.txt").read_text() == "a1\n"
    (work / "b.txt").write_text("b edited by hand after the undo\n")
    redo = run_codex("undo", "--redo", "--last", home=home, cwd=work)
    assert redo.rc == 0, redo.stderr
    assert (work / "a.txt").read_text() == "a2\n"
    # Was: b.txt back to "b1" without a word (the redo restored the whole tree).
    assert (work / "b.txt").read_text() == "b edited by hand after the undo\n"

    undo()
    (work / "a.txt").write_text("a edited by hand after the undo\n")
    refused = run_codex("undo", "--redo", "--last", home=home, cwd=work)
    assert refused.rc == 1 and "a.txt" in refused.stderr and "--force" in refused.stderr
    assert (work / "a.txt").read_text() == "a edited by hand after the undo\n"
    forced = run_codex("undo", "--redo", "--last", "--force", home=home, cwd=work)
    assert forced.rc == 0, forced.stderr
    assert (work / "a.txt").read_text() == "a2\n"


def test_a_hand_edit_during_a_turn_of_talk_is_not_taken_as_the_turns(
    mock_model_server: MockModelServer, tmp_path: Path
) -> None:
    """A turn that called no tool changed no file: its `after` is its `before`. Was: the
    after-turn scan took the user's edit made while the model answered as the turn's change,
    and `codex undo` put the file back without a word."""
    home, work = tmp_path / "home", tmp_path / "work"
    work.mkdir()
    write_config(home, mock_model_server.base_url)
    (work / "a.txt").write_text("a1\n")
    mock_model_server.enqueue(Hold(Turn([Message("just talk")], USAGE), frames=None))
    proc = subprocess.Popen(
        [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check",
         "--sandbox", "workspace-write", "say something"],
        cwd=work, env=codex_env(home), stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        # The turn's `before` (taken while the model answers) may or may not have the edit;
        # either way the edit is not the turn's.
        mock_model_server.wait_held(timeout=60)
        (work / "a.txt").write_text("edited by hand while the model answered\n")
    finally:
        mock_model_server.release()
        _, stderr = proc.communicate(timeout=90)
    assert proc.returncode == 0, stderr.decode(errors="replace")
    (rollout,) = rollout_files(home)
    events = checkpoint_events(rollout)
    assert [e["phase"] for e in events] == ["before", "after"]
    assert events[0]["checkpoint"] == events[1]["checkpoint"]
    undo = run_codex("undo", "--last", "--files-only", home=home, cwd=work)
    assert undo.rc == 0, undo.stderr
    assert (work / "a.txt").read_text() == "edited by hand while the model answered\n"
