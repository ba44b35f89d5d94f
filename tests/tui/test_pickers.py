"""The slash-command pickers driven by Textual's pilot against the real session and the loopback
mock model: /model (model, then effort; Enter saves the default, `s` is for this session only),
/permissions (0.169's presets), /review (presets; findings rendered) and /undo (files restored to
before a turn; hand edits listed before anything is overwritten). Every wait is bounded
(`until`), never a fixed sleep."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage, apply_patch_call
from tests.tui.test_pilot import screen_text, type_text, until

pytestmark = pytest.mark.anyio
USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)
SIZE = (110, 34)


def picker(app: Any) -> Any:
    """The open ChoiceScreen, or None."""
    from codex.tui.choice import ChoiceScreen

    return app.screen if isinstance(app.screen, ChoiceScreen) else None


def picker_titled(app: Any, title: str) -> bool:
    screen = picker(app)
    return screen is not None and screen.title_text.startswith(title)


async def slash(pilot: Any, command: str) -> None:
    await type_text(pilot, command)
    await pilot.press("enter")


async def ready(pilot: Any, app: Any) -> None:
    await until(pilot, lambda: bool(app.mapper.status.session_id))


def git(repo: Path, *args: str) -> str:
    env_args = ["-c", "user.name=t", "-c", "user.email=t@example.com"]
    return subprocess.run(
        ["git", *env_args, *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


# ---- /model ---------------------------------------------------------------------------------


async def test_model_picker_session_only_switches_next_turn(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, home: Path
) -> None:
    mock_model_server.enqueue(Turn([Message("ok")], USAGE))
    config_before = (home / "config.toml").read_text()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await slash(pilot, "/model")
        await until(pilot, lambda: picker_titled(app, "Select Model and Effort"))
        rows = [c.label for c in picker(app).choices]
        assert rows[0] == "GPT-6.1-Sol" and "GPT-5.5 (current)" in rows
        assert picker(app).current.value == "gpt-5.5"  # the current model is highlighted
        await pilot.press("up")  # GPT-5.6-Luna
        await pilot.press("enter")
        await until(pilot, lambda: picker_titled(app, "Select Reasoning Level for GPT-5.6-Luna"))
        labels = [c.label for c in picker(app).choices]
        assert labels == ["Low", "Medium (default)", "High", "Extra high", "More reasoning…"]
        await pilot.press("down")  # High
        await pilot.press("s")  # this session only
        await until(pilot, lambda: "Model changed to gpt-5.6-luna high" in screen_text(app))
        assert "for this session only" in screen_text(app)
        await type_text(pilot, "hi")
        await pilot.press("enter")
        await until(pilot, lambda: len(mock_model_server.requests) >= 1)
        await until(pilot, lambda: not app.mapper.status.running)
        await app.shutdown()
    body = mock_model_server.requests[0].json
    assert body["model"] == "gpt-5.6-luna"
    assert body["reasoning"]["effort"] == "high"
    assert (home / "config.toml").read_text() == config_before  # nothing saved


async def test_model_picker_enter_saves_default_and_more_reasoning(
    make_app: Callable[..., Any], home: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await slash(pilot, "/model")
        await until(pilot, lambda: picker_titled(app, "Select Model and Effort"))
        await pilot.press("1")  # GPT-6.1-Sol
        await until(pilot, lambda: picker_titled(app, "Select Reasoning Level for GPT-6.1-Sol"))
        assert picker(app).choices[-1].description == "Max and Ultra consume usage limits faster"
        await pilot.press("5")  # More reasoning…
        await until(pilot, lambda: picker_titled(app, "Advanced Reasoning"))
        assert [c.label for c in picker(app).choices] == ["Max", "Ultra"]
        await pilot.press("escape")  # back one step
        await until(pilot, lambda: picker_titled(app, "Select Reasoning Level"))
        await pilot.press("enter")  # Low (default): saved as the default
        await until(pilot, lambda: "Model changed to gpt-6.1-sol low" in screen_text(app))
        assert app.mapper.status.model == "gpt-6.1-sol"
        await until(pilot, lambda: app.session.settings.model == "gpt-6.1-sol")
        assert app.session.settings.effort == "low"
        await app.shutdown()
    text = (home / "config.toml").read_text()
    assert 'model = "gpt-6.1-sol"' in text
    assert 'model_reasoning_effort = "low"' in text
    assert "[model_providers.mock]" in text  # the rest of the file kept


async def test_model_picker_escape_changes_nothing(make_app: Callable[..., Any]) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await slash(pilot, "/model")
        await until(pilot, lambda: picker_titled(app, "Select Model"))
        await pilot.press("escape")
        await until(pilot, lambda: picker(app) is None)
        assert app.mapper.status.model == "gpt-5.5"
        assert "Model changed" not in screen_text(app)
        await app.shutdown()


# ---- /permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize("command", ["/permissions", "/approvals"])
async def test_permissions_picker_applies_preset(
    make_app: Callable[..., Any], command: str
) -> None:
    app = make_app(flags={"sandbox_mode": "workspace-write", "approval_policy": "on-request"})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await slash(pilot, command)
        await until(pilot, lambda: picker_titled(app, "Update Model Permissions"))
        labels = [c.label for c in picker(app).choices]
        assert labels == ["Ask for approval (current)", "Full Access", "Read Only"]
        await pilot.press("3")
        await until(pilot, lambda: "Permission selection requested: Read Only" in screen_text(app))

        def read_only() -> bool:
            return app.session.settings.sandbox_policy.to_json_dict()["type"] == "read-only"

        await until(pilot, read_only)
        assert app.session.settings.approval_policy == "on-request"
        await slash(pilot, command)
        await until(pilot, lambda: picker_titled(app, "Update Model Permissions"))
        await pilot.press("2")  # Full Access
        await until(pilot, lambda: app.session.settings.approval_policy == "never")
        assert app.session.settings.sandbox_policy.to_json_dict()["type"] == "danger-full-access"
        assert (app.mapper.status.approval, app.mapper.status.sandbox) == (
            "never",
            "danger-full-access",
        )
        await app.shutdown()


# ---- /review --------------------------------------------------------------------------------

VERDICT = {
    "findings": [
        {
            "title": "[P1] Guard the empty list",
            "body": "first() raises IndexError when items is empty.",
            "confidence_score": 0.8,
            "priority": 1,
            "code_location": {
                "absolute_file_path": "/repo/app.py",
                "line_range": {"start": 2, "end": 3},
            },
        }
    ],
    "overall_correctness": "patch is incorrect",
    "overall_explanation": "One crash on empty input.",
    "overall_confidence_score": 0.7,
}


async def test_review_uncommitted_changes_renders_findings(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    (repo / "app.py").write_text("def first(items):\n    return items[0]\n")
    mock_model_server.enqueue(
        Turn([Message(orjson.dumps(VERDICT).decode())], USAGE), Turn([Message("fixed")], USAGE)
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        session_id = app.mapper.status.session_id
        await slash(pilot, "/review")
        await until(pilot, lambda: picker_titled(app, "Select a review preset"))
        assert [c.label for c in picker(app).choices] == [
            "Review against a base branch",
            "Review uncommitted changes",
            "Review a commit",
            "Custom review instructions",
        ]
        await pilot.press("2")
        await until(pilot, lambda: "<< Code review finished >>" in screen_text(app))
        await until(pilot, lambda: not app.mapper.status.running)
        text = screen_text(app)
        assert ">> Code review started: current changes <<" in text
        assert "Review the uncommitted changes" not in text  # the prompt is not shown
        assert "One crash on empty input." in text
        assert "[P1] Guard the empty list — /repo/app.py:2-3" in text
        assert "first() raises IndexError" in text
        assert '"findings"' not in text  # the raw JSON is not shown
        assert app.mapper.status.session_id == session_id  # the chat's session, unchanged
        await type_text(pilot, "fix it")
        await pilot.press("enter")
        await until(pilot, lambda: len(mock_model_server.requests) >= 2)
        await until(pilot, lambda: not app.mapper.status.running)
        await app.shutdown()
    review, chat = mock_model_server.requests[:2]
    developer = "\n".join(review.message_texts("developer"))
    assert "# How to review" in developer
    assert any("uncommitted changes" in t for t in review.message_texts("user"))
    # The review ran beside the chat: the chat's next request holds none of it.
    assert not any("How to review" in t for t in chat.message_texts("developer"))
    assert not any("uncommitted changes" in t for t in chat.message_texts("user"))


async def test_review_commit_picker_names_the_commit(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    (repo / "a.txt").write_text("one\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "first commit")
    (repo / "a.txt").write_text("two\n")
    git(repo, "commit", "-qam", "second commit")
    sha = git(repo, "rev-parse", "HEAD~1").strip()
    mock_model_server.enqueue(Turn([Message("Looks fine to me.")], USAGE))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await slash(pilot, "/review")
        await until(pilot, lambda: picker_titled(app, "Select a review preset"))
        await pilot.press("3")
        await until(pilot, lambda: picker_titled(app, "Select a commit to review"))
        assert [c.label for c in picker(app).choices] == ["second commit", "first commit"]
        await type_text(pilot, "first")  # the search filters
        await until(pilot, lambda: [c.label for c in picker(app).shown] == ["first commit"])
        await pilot.press("enter")
        await until(pilot, lambda: "<< Code review finished >>" in screen_text(app))
        assert f">> Code review started: commit {sha[:7]}: first commit <<" in screen_text(app)
        await until(pilot, lambda: "Looks fine to me." in screen_text(app))
        await app.shutdown()
    assert any(sha in t for t in mock_model_server.requests[0].message_texts("user"))


async def test_review_base_branch_that_vanished_sends_nothing(
    make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        from codex.tui.review import start_review

        start_review(app, base="no-such-branch")
        await until(pilot, lambda: "base branch 'no-such-branch' not found" in screen_text(app))
        assert not app.mapper.status.running
        await app.shutdown()
    assert mock_model_server.requests == []


# ---- /undo ----------------------------------------------------------------------------------

ADD = "*** Begin Patch\n*** Add File: notes.txt\n+agent notes\n*** End Patch\n"
EDIT = (
    "*** Begin Patch\n*** Update File: keep.txt\n@@\n-original\n+changed by turn 2\n"
    "*** Delete File: gone.txt\n*** End Patch\n"
)


async def two_turns(pilot: Any, app: Any, server: MockModelServer) -> None:
    server.enqueue(
        Turn([apply_patch_call("p1", ADD)], USAGE),
        Turn([Message("added")], USAGE),
        Turn([apply_patch_call("p2", EDIT)], USAGE),
        Turn([Message("edited")], USAGE),
    )
    await ready(pilot, app)
    for prompt, done in (("add notes", "added"), ("edit keep", "edited")):
        await type_text(pilot, prompt)
        await pilot.press("enter")
        await until(pilot, lambda d=done: d in screen_text(app) and not app.mapper.status.running)


async def test_undo_picker_restores_files_to_before_a_turn(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path, home: Path
) -> None:
    (repo / "keep.txt").write_text("original\n")
    (repo / "gone.txt").write_text("to be deleted\n")
    app = make_app(flags={"sandbox_mode": "workspace-write", "approval_policy": "never"})
    async with app.run_test(size=SIZE) as pilot:
        await two_turns(pilot, app, mock_model_server)
        assert (repo / "keep.txt").read_text() == "changed by turn 2\n"
        assert not (repo / "gone.txt").exists()
        await slash(pilot, "/undo")
        await until(pilot, lambda: picker_titled(app, "Undo: restore the files"))
        rows = picker(app).choices
        assert [r.label for r in rows] == ["edit keep", "add notes"]  # newest first
        assert rows[0].description.startswith("turn 2 ·") and rows[0].description.endswith(
            "2 files"
        )
        assert rows[1].description.endswith("1 file")
        await pilot.press("enter")  # before turn 2
        await until(pilot, lambda: "Restored the files to before turn 2" in screen_text(app))
        assert (repo / "keep.txt").read_text() == "original\n"
        assert (repo / "gone.txt").read_text() == "to be deleted\n"
        assert (repo / "notes.txt").read_text() == "agent notes\n"  # turn 1 kept
        await slash(pilot, "/undo")
        await until(pilot, lambda: picker_titled(app, "Undo: restore the files"))
        labels = [r.label for r in picker(app).choices]
        assert labels == ["Redo: take back the last undo", "edit keep", "add notes"]
        await pilot.press("3")  # before turn 1
        await until(pilot, lambda: "Restored the files to before turn 1" in screen_text(app))
        assert not (repo / "notes.txt").exists()
        await slash(pilot, "/undo")
        await until(pilot, lambda: picker_titled(app, "Undo: restore the files"))
        await pilot.press("1")  # redo: take the last undo back
        await until(pilot, lambda: "Took the last undo back" in screen_text(app))
        assert (repo / "notes.txt").read_text() == "agent notes\n"
        assert (repo / "keep.txt").read_text() == "original\n"  # the first undo still holds
        session = app.mapper.status.session_id
        await app.shutdown()
    # `codex undo --redo` sees the TUI's undos in the shared log.
    logs = list((home / "checkpoints").glob("*/undo-log.jsonl"))
    entries = [orjson.loads(line) for line in logs[0].read_bytes().splitlines()]
    actions = [(e["session"], e["action"]) for e in entries]
    assert actions == [(session, "undo"), (session, "undo"), (session, "redo")]


async def test_undo_lists_hand_edits_and_overwrites_only_when_asked(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    (repo / "keep.txt").write_text("original\n")
    (repo / "gone.txt").write_text("to be deleted\n")
    app = make_app(flags={"sandbox_mode": "workspace-write", "approval_policy": "never"})
    async with app.run_test(size=SIZE) as pilot:
        await two_turns(pilot, app, mock_model_server)
        (repo / "keep.txt").write_text("my own edit\n")  # by hand, after the turn
        await slash(pilot, "/undo")
        await until(pilot, lambda: picker_titled(app, "Undo: restore the files"))
        await pilot.press("enter")
        await until(pilot, lambda: picker_titled(app, "Files changed by hand since turn 2"))
        assert "keep.txt" in picker(app).subtitle
        assert "changed by hand" in screen_text(app) and "  keep.txt" in screen_text(app)
        assert (repo / "keep.txt").read_text() == "my own edit\n"
        assert not (repo / "gone.txt").exists()  # nothing restored yet
        await pilot.press("1")  # keep my changes
        await until(pilot, lambda: picker(app) is None)
        assert (repo / "keep.txt").read_text() == "my own edit\n"
        await slash(pilot, "/undo")
        await until(pilot, lambda: picker_titled(app, "Undo: restore the files"))
        await pilot.press("enter")
        await until(pilot, lambda: picker_titled(app, "Files changed by hand"))
        await pilot.press("2")  # restore anyway
        await until(pilot, lambda: "Restored the files to before turn 2" in screen_text(app))
        assert (repo / "keep.txt").read_text() == "original\n"
        assert (repo / "gone.txt").read_text() == "to be deleted\n"
        await app.shutdown()


async def test_undo_without_file_turns_says_so(make_app: Callable[..., Any]) -> None:
    app = make_app(flags={"sandbox_mode": "read-only"})
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await slash(pilot, "/undo")
        await until(pilot, lambda: "No turn of this session changed files yet" in screen_text(app))
        assert picker(app) is None
        await app.shutdown()


def test_model_catalog_is_the_one_model_list_serves() -> None:
    """/model offers what app-server `model/list` serves (0.169's catalog): one list, no drift."""
    from codex.app_server.models import model_entries
    from codex.core.model_catalog import MODELS

    served = [
        (
            e["model"],
            e["displayName"],
            e["description"],
            e["defaultReasoningEffort"],
            tuple(r["reasoningEffort"] for r in e["supportedReasoningEfforts"]),
        )
        for e in model_entries()
    ]
    ours = [(m.slug, m.display_name, m.description, m.default_effort, m.efforts) for m in MODELS]
    assert ours == served


async def test_slash_command_output_stays_in_view(
    make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    """Typing a command opens the popup and sending it closes it; the transcript grows back
    and clamps its scroll offset. The command's output must still be on screen."""
    from codex.tui.transcript import TranscriptView

    mock_model_server.enqueue(Turn([Message("line\n\n" * 40)], USAGE))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot, app)
        await type_text(pilot, "long answer please")
        await pilot.press("enter")
        await until(pilot, lambda: "Worked for" in screen_text(app))
        view = app.query_one(TranscriptView)
        await until(pilot, lambda: view.max_scroll_y > 0 and view.scroll_y == view.max_scroll_y)
        await slash(pilot, "/status")
        await until(pilot, lambda: "Session:" in screen_text(app))
        await pilot.pause()  # the pending layouts and callbacks run first
        assert view._follow
        assert view.scroll_y == view.max_scroll_y
        await app.shutdown()


async def test_escape_interrupts_a_running_review(
    make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    from tests.support.mock_model_server import Hold

    mock_model_server.enqueue(
        Hold(Turn([Message("never finished")], USAGE)), Turn([Message("chat ok")], USAGE)
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        chat = app.session
        await slash(pilot, "/review")
        await until(pilot, lambda: picker_titled(app, "Select a review preset"))
        await pilot.press("2")
        await until(pilot, lambda: app.session is not chat)  # the review is running
        import asyncio

        await asyncio.to_thread(mock_model_server.wait_held)
        await pilot.press("escape")
        await until(pilot, lambda: "Review interrupted." in screen_text(app))
        await until(pilot, lambda: not app.mapper.status.running)
        assert app.session is chat
        assert "never finished" not in screen_text(app)
        mock_model_server.release()
        await type_text(pilot, "still there?")  # the chat goes on
        await pilot.press("enter")
        await until(pilot, lambda: "chat ok" in screen_text(app))
        await app.shutdown()


async def test_export_html_is_codex_exports_page(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    """/export html: the session page `codex export --format html` writes (core.export), named
    after the session in the work folder by default."""
    mock_model_server.enqueue(Turn([Message("the answer <b>")], USAGE))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await type_text(pilot, "question")
        await pilot.press("enter")
        await until(pilot, lambda: "Worked for" in screen_text(app))
        await slash(pilot, "/export html")
        await until(pilot, lambda: "Exported the conversation" in screen_text(app))
        session = app.mapper.status.session_id
        rollout = app.mapper.status.rollout_path
        await app.shutdown()
    from codex.core.export import export_session

    page = (repo / f"codex-session-{session}.html").read_text()
    assert page.lstrip().lower().startswith("<!doctype html")
    assert "the answer &lt;b&gt;" in page  # escaped, not markup
    assert page == export_session(rollout, "html")


async def test_review_base_branch_and_custom_instructions(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    (repo / "a.txt").write_text("one\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "base")
    git(repo, "branch", "-M", "main")
    git(repo, "checkout", "-qb", "feature")
    (repo / "a.txt").write_text("two\n")
    git(repo, "commit", "-qam", "on feature")
    base = git(repo, "rev-parse", "main").strip()
    mock_model_server.enqueue(
        Turn([Message("branch verdict")], USAGE), Turn([Message("custom verdict")], USAGE)
    )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await slash(pilot, "/review")
        await until(pilot, lambda: picker_titled(app, "Select a review preset"))
        await pilot.press("1")
        await until(pilot, lambda: picker_titled(app, "Select a base branch"))
        assert picker(app).subtitle == "Current branch: feature"
        assert [c.label for c in picker(app).choices] == ["feature", "main"]
        await type_text(pilot, "mai")
        await until(pilot, lambda: [c.label for c in picker(app).shown] == ["main"])
        await pilot.press("enter")
        await until(pilot, lambda: "branch verdict" in screen_text(app))
        assert ">> Code review started: changes against 'main' <<" in screen_text(app)
        await until(pilot, lambda: not app.mapper.status.running)
        await slash(pilot, "/review")
        await until(pilot, lambda: picker_titled(app, "Select a review preset"))
        await pilot.press("4")
        from codex.tui.choice import TextPromptScreen

        await until(pilot, lambda: isinstance(app.screen, TextPromptScreen))
        await type_text(pilot, "check the error handling")
        await pilot.press("enter")
        await until(pilot, lambda: "custom verdict" in screen_text(app))
        assert ">> Code review started: check the error handling <<" in screen_text(app)
        await app.shutdown()
    branch, custom = mock_model_server.requests[:2]
    assert any(base in t and "'main'" in t for t in branch.message_texts("user"))
    assert "check the error handling" in custom.message_texts("user")


async def test_undo_restores_only_what_the_turns_changed(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    """A file the undone turns never touched (changed meanwhile by the user or another
    session) is neither restored nor in the way: only the turns' own files go back."""
    (repo / "keep.txt").write_text("original\n")
    (repo / "gone.txt").write_text("to be deleted\n")
    (repo / "other.txt").write_text("before the session\n")
    app = make_app(flags={"sandbox_mode": "workspace-write", "approval_policy": "never"})
    async with app.run_test(size=SIZE) as pilot:
        await two_turns(pilot, app, mock_model_server)
        (repo / "other.txt").write_text("another session wrote this\n")
        await slash(pilot, "/undo")
        await until(pilot, lambda: picker_titled(app, "Undo: restore the files"))
        await pilot.press("2")  # before turn 1: both turns undone
        await until(pilot, lambda: "Restored the files to before turn 1" in screen_text(app))
        assert not (repo / "notes.txt").exists()
        assert (repo / "keep.txt").read_text() == "original\n"
        assert (repo / "gone.txt").read_text() == "to be deleted\n"
        assert (repo / "other.txt").read_text() == "another session wrote this\n"
        await app.shutdown()


async def test_undo_c_rewinds_the_conversation_too(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, repo: Path
) -> None:
    """`c` on a turn: its files restored, and the chat goes on in a new session holding the
    conversation before that turn (the old rollout untouched), its prompt back in the
    composer."""
    from codex.tui.widgets import Composer

    (repo / "keep.txt").write_text("original\n")
    (repo / "gone.txt").write_text("to be deleted\n")
    app = make_app(flags={"sandbox_mode": "workspace-write", "approval_policy": "never"})
    async with app.run_test(size=SIZE) as pilot:
        await two_turns(pilot, app, mock_model_server)
        old_session, old_rollout = app.mapper.status.session_id, app.mapper.status.rollout_path
        old_bytes = Path(old_rollout).read_bytes()
        mock_model_server.enqueue(Turn([Message("fresh answer")], USAGE))
        await slash(pilot, "/undo")
        await until(pilot, lambda: picker_titled(app, "Undo: restore the files"))
        await pilot.press("c")  # the newest turn, "edit keep"
        await until(pilot, lambda: app.mapper.status.session_id not in ("", old_session))
        await until(pilot, lambda: "add notes" in screen_text(app))
        assert (repo / "keep.txt").read_text() == "original\n"
        assert (repo / "notes.txt").exists()  # turn 1 kept
        assert "edit keep" not in screen_text(app)
        assert app.query_one(Composer).text == "edit keep"
        await pilot.press("enter")  # resend the prompt, in the rewound conversation
        await until(pilot, lambda: "fresh answer" in screen_text(app))
        await until(pilot, lambda: not app.mapper.status.running)
        await app.shutdown()
    assert Path(old_rollout).read_bytes() == old_bytes  # never rewritten
    users = mock_model_server.requests[-1].message_texts("user")
    assert "add notes" in users and users.count("edit keep") == 1  # only the resent one


async def test_a_repaint_timer_firing_after_exit_is_harmless(
    make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    """A repaint timer can fire while the app is exiting, its screens gone: the repaint raised
    NoMatches ('TranscriptView') there, failing the app's shutdown (flaky under load)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await ready(pilot, app)
        await slash(pilot, "/model")
        await until(pilot, lambda: picker(app) is not None)
        app.mapper.notice("painted under the picker")
        app._dirty = True
        app._paint()  # the chat's widgets are found under the picker
        assert app._dirty is False
        await pilot.press("escape")
        await until(pilot, lambda: "painted under the picker" in screen_text(app))
    app._dirty = True
    app._paint()  # after exit: no screens left; raised NoMatches before
