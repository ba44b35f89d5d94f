"""The slash commands on the thread as a whole, driven in a real terminal (tmux) against the
loopback mock: /rename, /fork, /pwd, /cd, /archive, /delete, /clear. What each shows and
writes was captured from 0.169's TUI (tests/fixtures/tui_official_0169/slash_*.txt):

- /rename NAME (or the "Name thread" prompt) appends `{"id","thread_name","updated_at"}` to
  session_index.jsonl and the status line shows the name; nothing goes into the transcript.
- /fork: "• Thread forked from NAME (ID)" (unnamed: "… from ID") above the replayed history,
  "• Fork created. You can continue here." below it; a new thread (rollout) holding the old
  history, the name carried over in session_index.jsonl; the old rollout is left alone (and
  shows its name again when resumed). A
  thread with no turn yet cannot be forked (0.169: "no rollout found for thread id …").
- /pwd: "• Current working directory: DIR"; /cd DIR: "• Working directory changed to: DIR",
  later requests carry `<cwd>DIR</cwd>`; a missing DIR: "■ Cannot access directory DIR: No such
  file or directory (os error 2)".
- While a turn runs, /fork, /cd, /clear, /archive and /delete refuse, as 0.169's commands
  that leave the thread: "■ '/fork' is disabled while a task is in progress.".
- /archive and /delete ask first ("Archive this session?" / "Delete this session?", No first)
  and then move the rollout to archived_sessions/ or delete it; /clear starts a new thread.
"""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.tui.test_tmux_e2e import COMPOSER, launch, trusted_home
from tests.tui.tmux import Pane, tmux_path

pytestmark = pytest.mark.skipif(tmux_path() is None, reason="tmux is not installed")
USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
OFFICIAL = Path(__file__).resolve().parents[1] / "fixtures" / "tui_official_0169"


def _names(home: Path) -> list[dict[str, str]]:
    path = home / "session_index.jsonl"
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def _rollouts(home: Path) -> list[Path]:
    return sorted((home / "sessions").rglob("rollout-*.jsonl"))


def _thread_id(rollout: Path) -> str:
    return str(orjson.loads(rollout.read_bytes().splitlines()[0])["payload"]["id"])


def _ask(pane: Pane, text: str, answer: str) -> str:
    """Send `text` and wait for `answer` with the turn ended: the answer shows before the turn's
    end is handled, and a thread command typed in between is refused as "in progress"."""
    pane.type(text)
    pane.keys("Enter")
    return pane.wait_for(lambda s: answer in s and COMPOSER in s and "esc to interrupt" not in s)


def _run(pane: Pane, line: str, expect: str) -> str:
    pane.type(line)
    pane.keys("Enter")
    return pane.wait_text(expect)


def _start(pane: Pane, home: Path, repo: Path, server: MockModelServer, *replies: str) -> None:
    trusted_home(home, repo)
    server.enqueue(*(Turn([Message(text)], USAGE) for text in replies))
    pane.width = 160  # (the status line is cut to the width; the session's part must show)
    launch(pane, home, repo)
    pane.wait_text("workspace-write/")  # the session is configured


def test_rename_then_fork_carries_the_name(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    _start(pane, home, repo, mock_model_server, "first answer", "answer in the fork")
    pane.type("/fork")
    pane.keys("Enter")  # before any turn: nothing recorded to fork
    screen = pane.wait_text("Failed to fork current session: no rollout found for thread id")
    _ask(pane, "first question", "first answer")
    [original] = _rollouts(home)
    thread_id = _thread_id(original)

    screen = _run(pane, "/rename Before", "· Before")
    assert "Before" not in screen.split(COMPOSER)[0]  # no transcript line, as 0.169
    pane.type("/rename")
    pane.keys("Enter")
    pane.wait_text("Name thread")  # 0.169's prompt
    pane.type("My Thread")
    pane.keys("Enter")
    pane.wait_text("· My Thread")
    assert [(e["id"], e["thread_name"]) for e in _names(home)] == [
        (thread_id, "Before"),
        (thread_id, "My Thread"),
    ]

    before = original.read_bytes()
    pane.type("/fork")
    pane.keys("Enter")
    screen = pane.wait_text("Fork created. You can continue here.")
    assert f"• Thread forked from My Thread ({thread_id})" in screen
    lines = screen.splitlines()
    banner = next(i for i, line in enumerate(lines) if "Thread forked from" in line)
    question = next(i for i, line in enumerate(lines) if "› first question" in line)
    created = next(i for i, line in enumerate(lines) if "Fork created" in line)
    assert banner < question < created  # the old history between the two, as 0.169
    assert "· My Thread" in screen  # the fork keeps the name
    _ask(pane, "in the fork", "answer in the fork")

    fork = next(p for p in _rollouts(home) if p != original)
    fork_id = _thread_id(fork)
    assert fork_id != thread_id
    meta = orjson.loads(fork.read_bytes().splitlines()[0])["payload"]
    assert meta["forked_from_id"] == thread_id  # the lineage on record, as 0.169's
    assert (fork_id, "My Thread") == tuple(map(_names(home)[-1].get, ("id", "thread_name")))
    assert original.read_bytes() == before  # the source thread is left as it was
    second = mock_model_server.requests[-1].message_texts("user")
    assert "first question" in second and "in the fork" in second  # the history went along

    _run(pane, "/rename Forked", "· Forked")
    _run(pane, f"/resume {thread_id}", "· My Thread")  # a resumed thread shows its name


def test_pwd_and_cd_move_later_turns(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    """/cd of a recorded thread forks it into the new directory, as 0.169 (new id,
    `forked_from_id` the previous one, the name copied); the fork's next request has the old
    `<cwd>` in its history and the new one after it."""
    (repo / "sub").mkdir()
    _start(pane, home, repo, mock_model_server, "one", "two")
    _ask(pane, "before", "one")
    [original] = _rollouts(home)
    thread_id = _thread_id(original)
    _run(pane, "/rename Moving", "· Moving")
    _run(pane, "/pwd", f"• Current working directory: {repo}")
    screen = _run(pane, "/cd sub", f"• Working directory changed to: {repo / 'sub'}")
    screen = pane.wait_text(f"· {repo / 'sub'} ·")  # the status line follows
    assert "Thread forked from" not in screen  # /cd says nothing of the fork, as 0.169
    _run(pane, "/pwd", f"• Current working directory: {repo / 'sub'}")
    _run(
        pane,
        "/cd nope",
        f"■ Cannot access directory {repo / 'sub' / 'nope'}: No such file or directory "
        "(os error 2)",
    )
    _ask(pane, "after", "two")
    texts = mock_model_server.requests[-1].message_texts("user")
    cwds = [t for t in texts if "<cwd>" in t]
    assert [f"<cwd>{repo}</cwd>" in cwds[0], f"<cwd>{repo / 'sub'}</cwd>" in cwds[-1]] == [
        True,
        True,
    ]
    assert texts.index(cwds[-1]) < texts.index("after")  # told before the new message
    fork = next(r for r in _rollouts(home) if r != original)
    meta = orjson.loads(fork.read_bytes().splitlines()[0])["payload"]
    assert meta["forked_from_id"] == thread_id and meta["cwd"] == str(repo / "sub")
    assert (meta["id"], "Moving") == tuple(map(_names(home)[-1].get, ("id", "thread_name")))
    contexts = [
        line["payload"]["cwd"]
        for line in map(orjson.loads, fork.read_bytes().splitlines())
        if line["type"] == "turn_context"
    ]
    assert contexts == [str(repo / "sub")]


def test_archive_delete_and_clear(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    official = (OFFICIAL / "slash_archive_confirm.txt").read_text()
    _start(pane, home, repo, mock_model_server, "keep me", "delete me", "cleared")
    _ask(pane, "to archive", "keep me")
    [first] = _rollouts(home)
    pane.type("/archive")
    pane.keys("Enter")
    screen = pane.wait_text("Archive this session now")
    for line in ("Archive this session?", "Are you sure? This will archive the current session"):
        assert line in official and line in screen
    assert "› 1. No, don't archive" in screen
    pane.keys("Escape")  # changed my mind: nothing happens
    pane.wait_for(lambda s: "Archive this session?" not in s)
    assert first.exists()
    pane.type("/archive")
    pane.keys("Enter")
    pane.wait_text("Archive this session now")
    first_id = _thread_id(first)  # (read before "2": the archive moves the file)
    pane.keys("2")
    screen = pane.wait_text(f"• Archived session {first_id}")
    assert "to archive" not in screen  # a new thread
    assert not first.exists()
    assert (home / "archived_sessions" / first.name).is_file()

    _ask(pane, "to delete", "delete me")
    [second] = _rollouts(home)
    second_id = _thread_id(second)  # (read before "2": the delete removes the file)
    pane.type("/delete")
    pane.keys("Enter")
    pane.wait_text("Delete this session?")
    pane.keys("2")
    pane.wait_text(f"• Deleted session {second_id}")
    assert not second.exists() and _rollouts(home) == []

    _ask(pane, "before clear", "cleared")
    pane.type("/clear")
    pane.keys("Enter")
    pane.wait_for(lambda s: "before clear" not in s and COMPOSER in s)
    _ask(pane, "/pwd", "• Current working directory:")  # the new thread answers commands
    assert len(_rollouts(home)) == 1  # (a new thread writes its file with its first turn)


def test_thread_commands_wait_for_the_running_turn(
    pane: Pane, home: Path, repo: Path, mock_model_server: MockModelServer
) -> None:
    _start(pane, home, repo, mock_model_server)
    mock_model_server.enqueue(Hold(Turn([Message("finally")], USAGE), frames=None))
    pane.type("hold on")
    pane.keys("Enter")
    pane.wait_text("esc to interrupt")
    mock_model_server.wait_held()
    for name in ("fork", "cd", "clear", "archive", "delete"):
        _run(pane, f"/{name}", f"■ '/{name}' is disabled while a task is in progress.")
    mock_model_server.release()
    pane.wait_text("finally")
    assert len(_rollouts(home)) == 1  # still the one thread
