"""/review: 0.169's review presets (against a base branch, uncommitted changes, a commit, custom
instructions), each resolved by codex.core.review, then one review turn run beside the chat.

The review runs in its own ephemeral session (read-only sandbox, no approvals, the review
instructions as developer message, the chat's current model), as upstream runs it in a child
thread: the chat's history and context stay as they were. Its tool calls appear in the
transcript between `>> Code review started: <target> <<` and `<< Code review finished >>`, then
the verdict as `codex review` prints it (overall explanation, `Review comments:` with one
`- TITLE — PATH:START-END` per finding). Messages typed meanwhile wait, as during any turn.
"""

from __future__ import annotations

import dataclasses
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.tui.choice import Choice, ChoiceScreen, TextPromptScreen

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

PRESETS = (
    Choice("Review against a base branch", "(PR Style)", "base"),
    Choice("Review uncommitted changes", "", "uncommitted"),
    Choice("Review a commit", "", "commit"),
    Choice("Custom review instructions", "", "custom"),
)
COMMIT_LIMIT = 100  # commits the commit picker lists, newest first


def _git(cwd: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=10
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout if proc.returncode == 0 else None


def branches(cwd: Path) -> tuple[str, list[str]]:
    """(the current branch, local branches: the current one first, then by recent commits)."""
    current = (_git(cwd, "branch", "--show-current") or "").strip()
    out = _git(cwd, "for-each-ref", "--sort=-committerdate", "--format=%(refname:short)",
               "refs/heads")  # fmt: skip
    names = [n for n in (out or "").splitlines() if n]
    if current in names:
        names.remove(current)
        names.insert(0, current)
    return current, names


def commits(cwd: Path) -> list[tuple[str, str]]:
    """(sha, subject) of the newest commits of HEAD."""
    out = _git(cwd, "log", f"-n{COMMIT_LIMIT}", "--format=%H%x00%s")
    rows = [line.split("\0", 1) for line in (out or "").splitlines() if "\0" in line]
    return [(sha, subject) for sha, subject in rows]


def _cwd(app: CodexApp) -> Path:
    return Path(str(app.options.config.cwd))


def open_review_picker(app: CodexApp) -> None:
    async def chosen(answer: tuple[Any, str] | None) -> None:
        if answer is None:
            return
        kind = answer[0]
        if kind == "uncommitted":
            start_review(app, uncommitted=True)
        elif kind == "base":
            _open_branch_picker(app)
        elif kind == "commit":
            _open_commit_picker(app)
        else:
            _open_custom_prompt(app)

    app.push_screen(ChoiceScreen("Select a review preset", PRESETS), chosen)


def _not_a_repo(app: CodexApp) -> None:
    app.mapper.notice("`/review` — not inside a git repository", "yellow")
    app.mark_dirty()


def _open_branch_picker(app: CodexApp) -> None:
    if _git(_cwd(app), "rev-parse", "--git-dir") is None:
        _not_a_repo(app)
        return
    current, names = branches(_cwd(app))

    async def chosen(answer: tuple[Any, str] | None) -> None:
        if answer is None:
            open_review_picker(app)
            return
        start_review(app, base=str(answer[0]))

    screen = ChoiceScreen(
        "Select a base branch",
        [Choice(name, "", name) for name in names],
        subtitle=f"Current branch: {current or '(detached HEAD)'}",
        search="Type to search branches",
    )
    app.push_screen(screen, chosen)


def _open_commit_picker(app: CodexApp) -> None:
    if _git(_cwd(app), "rev-parse", "--git-dir") is None:
        _not_a_repo(app)
        return
    rows = [Choice(subject, "", (sha, subject)) for sha, subject in commits(_cwd(app))]

    async def chosen(answer: tuple[Any, str] | None) -> None:
        if answer is None:
            open_review_picker(app)
            return
        sha, subject = answer[0]
        start_review(app, commit=sha, title=subject)

    screen = ChoiceScreen("Select a commit to review", rows, search="Type to search commits")
    app.push_screen(screen, chosen)


def _open_custom_prompt(app: CodexApp) -> None:
    async def chosen(text: str | None) -> None:
        if text is None:
            open_review_picker(app)
            return
        start_review(app, instructions=text)

    prompt = TextPromptScreen("Custom review instructions", "Type instructions and press Enter")
    app.push_screen(prompt, chosen)


def start_review(app: CodexApp, **target: Any) -> None:
    """Resolve the target (a bad branch or commit is a red line, nothing is sent) and run the
    review turn in a worker of its own (the chat's session worker keeps reading events)."""
    from codex.core.review import resolve_target
    from codex.errors import CodexError

    if app.session is None:
        app.mapper.notice("The session is not ready yet.", "yellow")
        app.mark_dirty()
        return
    if app.mapper.status.running:
        app.mapper.notice("Wait for the current turn to finish before starting a review.", "yellow")
        app.mark_dirty()
        return
    try:
        resolved = resolve_target(_cwd(app), **target)
    except CodexError as err:
        app.mapper.notice(str(err), "red")
        app.mark_dirty()
        return
    app.mapper.status.running = True  # typed messages queue until the review ends
    app.mark_dirty()
    app.run_worker(run_review(app, resolved), group="review", exit_on_error=False)


def review_config(app: CodexApp) -> Any:
    """The chat's config with the reviewer's instructions, a read-only sandbox, no approvals,
    and the model and effort the chat uses now (after any /model)."""
    from codex.config.schema import WebSearchMode
    from codex.core.review import review_settings
    from codex.protocol.config_types import AskForApproval, SandboxMode

    config = app.options.config
    status = app.mapper.status
    settings = review_settings()
    changes: dict[str, Any] = {
        "developer_instructions": settings["developer_instructions"],
        "web_search": WebSearchMode(settings["web_search"]),
        "sandbox_mode": SandboxMode.READ_ONLY,
        "approval_policy": AskForApproval.NEVER,
    }
    if status.model and status.model != "loading":
        changes["model"] = status.model
    if status.effort:
        changes["model_reasoning_effort"] = status.effort
    return dataclasses.replace(config, **changes)


# What the review session's events must not change in the chat's transcript and status line.
_SKIPPED = {
    "session_configured",
    "user_message",  # the review prompt: 0.169 shows the target line instead
    "token_count",
    "agent_message",
    "agent_message_delta",
    "task_complete",
    "turn_complete",
    "turn_aborted",
    "shutdown_complete",
}


def findings_markdown(result: Any) -> str:
    """The verdict as `codex review` words it (codex.core.review.render_result), in Markdown
    for the transcript: each finding a list item whose body is its own paragraph (indented
    text right under an item would run into the title's line)."""
    if result.raw is not None:
        return str(result.raw)
    parts = [result.overall_explanation] if result.overall_explanation else []
    if result.findings:
        parts.append("Review comment:" if len(result.findings) == 1 else "Review comments:")
        for f in result.findings:
            body = "\n".join(f"  {line}" if line else "" for line in f.body.splitlines())
            item = f"- {f.title} — `{f.path}:{f.start}-{f.end}`"
            parts.append(item + ("\n\n" + body if body.strip() else ""))
    return "\n\n".join(parts)


class _EscReachesReview:
    """Stands in for the chat's session while a review runs, so the app's Esc / Ctrl-C
    (which interrupt `app.session` while a turn runs) stop the review; every other Op still
    goes to the chat's session."""

    def __init__(self, chat: Any, review: Any) -> None:
        self._chat = chat
        self._review = review

    async def submit(self, op: Any) -> str:
        from codex.protocol.ops import Interrupt

        if isinstance(op, Interrupt):
            return str(await self._review.submit(op))
        return str(await self._chat.submit(op))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._chat, name)


async def run_review(app: CodexApp, target: Any) -> None:
    from codex.api import FrontEnd, open_session
    from codex.protocol.originator import TUI_ORIGINATOR, TUI_SOURCE
    from codex.tui.cells import AgentCell

    mapper = app.mapper
    mapper.notice(f">> Code review started: {target.hint} <<", "bold")
    app.mark_dirty()
    final: str | None = None
    ended: Any = None
    try:
        front_end = FrontEnd(originator=TUI_ORIGINATOR, source=TUI_SOURCE)
        async with open_session(review_config(app), front_end, ephemeral=True) as session:
            chat = app.session
            app.session = _EscReachesReview(chat, session)
            try:
                handle = await session.run_turn(target.prompt)
                async for event in handle.events():
                    msg = event.msg
                    if msg.TAG in ("task_complete", "turn_complete", "turn_aborted"):
                        ended = msg
                    if msg.TAG not in _SKIPPED:
                        mapper.feed(msg)
                        mapper.status.running = True
                        app.mark_dirty()
            finally:
                if isinstance(app.session, _EscReachesReview):
                    app.session = chat
            result = handle.result
            final = result.last_agent_message if result is not None else None
    except Exception as err:  # a review that cannot start is a red line, never a crash
        mapper.notice(f"■ review failed: {err}", "bold red")
    if ended is not None and ended.TAG == "turn_aborted":
        mapper.notice("■ Review interrupted.", "red")
    mapper.notice("<< Code review finished >>", "bold")
    if final:
        from codex.core.review import parse_result

        cell = AgentCell()
        cell.finish(findings_markdown(parse_result(final)))
        mapper.add(cell)
    if ended is not None and ended.TAG != "turn_aborted":
        mapper.feed(ended)  # "Worked for …", and the turn's end in the status line
    mapper.status.running = False
    app.mark_dirty()
    if app.queued:
        await app.send_text(app.queued.pop(0))
