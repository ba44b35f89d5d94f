"""The slash commands that act on the current thread as a whole, as 0.169's TUI does them:
/rename (the name goes to `$CODEX_HOME/session_index.jsonl`, as the app-server's
thread/name/set writes it), /fork (a new thread holding this one's history; the transcript
stays and the name carries over), /clear (a new thread, cleared screen), /pwd and /cd (a fork
of the thread in the new directory, where later turns run),
/archive and /delete (after a confirmation; 0.169 then shows its agent command center, which
this TUI does not have, so a new thread starts instead).

Everything reaches core through `codex.core.threads` / `codex.api.saved_sessions` and the app's
own session restart (`CodexApp.restart`, the path /new and /resume take).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

FORK_CREATED = "• Fork created. You can continue here."


def _busy(app: CodexApp, name: str) -> bool:
    """A command that leaves this thread must not cut a running turn short."""
    if app.mapper.status.running:
        app.mapper.notice(f"■ '/{name}' is disabled while a task is in progress.", "red")
        return True
    if app.session is None or not app.mapper.status.session_id:
        app.mapper.notice("The session is not ready yet.", "yellow")
        return True
    return False


def _codex_home(app: CodexApp) -> Path:
    return Path(str(app.options.config.codex_home))


def _recorded(app: CodexApp) -> Path | None:
    """This thread's rollout, if its first turn has written it (0.169 writes it lazily too)."""
    path = app.mapper.status.rollout_path
    return Path(path) if path and Path(path).is_file() else None


def refocus(app: CodexApp) -> None:
    """Typing goes back to the composer once a dialog closed."""
    from codex.tui.widgets import Composer

    app.query_one(Composer).focus()


# ---- /rename ------------------------------------------------------------------------------


def set_thread_name(app: CodexApp, name: str) -> None:
    """Name this thread: one line appended to session_index.jsonl (the app-server's rename)
    and the status line shows it; 0.169 writes nothing into the transcript."""
    from codex.core.threads import append_thread_name

    thread_id = app.mapper.status.session_id
    try:
        append_thread_name(_codex_home(app), thread_id, name)
    except OSError as err:
        app.mapper.notice(f"Could not save the thread name: {err}", "red")
        return
    app.mapper.status.thread_name = name
    app.mark_dirty()


def show_saved_name(app: CodexApp) -> None:
    """The status line shows a resumed thread's name, as saved by /rename (or the app-server's
    thread/name/set, or 0.169)."""
    from codex.core.threads import read_thread_names

    status = app.mapper.status
    status.thread_name = read_thread_names(_codex_home(app)).get(status.session_id, "")


async def rename(app: CodexApp, rest: str) -> None:
    if app.session is None or not app.mapper.status.session_id:
        app.mapper.notice("The session is not ready yet.", "yellow")
        return
    if rest:
        set_thread_name(app, rest)
        return
    from codex.tui.choice import TextPromptScreen

    def named(name: str | None) -> None:
        if name:
            set_thread_name(app, name)
        refocus(app)

    app.push_screen(TextPromptScreen("Name thread", "Type a name and press Enter"), named)


# ---- /fork and /cd ------------------------------------------------------------------------


@dataclasses.dataclass(slots=True)
class ForkHook:
    """What the app's fork path (`CodexApp._forked`) does for /fork around opening the new
    thread: the banner before the replayed history, then the name carried over."""

    source_id: str
    name: str
    banner: bool  # /fork says so
    notice: str = ""  # /cd: said once the fork is open

    def before(self, app: CodexApp) -> None:
        if self.banner:
            label = f"{self.name} ({self.source_id})" if self.name else self.source_id
            app.mapper.notice(f"• Thread forked from {label}", "")

    def after(self, app: CodexApp, session: Any) -> None:
        if self.name:
            from codex.core.threads import append_thread_name

            with contextlib.suppress(OSError):  # (the fork itself is made: keep going)
                append_thread_name(_codex_home(app), str(session.conversation_id), self.name)
            app.mapper.status.thread_name = self.name
        if self.banner:
            app.mapper.notice(FORK_CREATED, "")
        if self.notice:
            app.mapper.notice(self.notice, "")


async def _fork_into(app: CodexApp, source: Path, *, banner: bool, notice: str = "") -> None:
    from codex.core.threads import read_thread_names

    status = app.mapper.status
    name = status.thread_name or read_thread_names(_codex_home(app)).get(status.session_id, "")
    app.fork_hook = ForkHook(status.session_id, name, banner, notice)
    app.options.fork = True
    await app.restart(source)


async def fork(app: CodexApp, rest: str) -> None:
    if _busy(app, "fork"):
        return
    source = _recorded(app)
    if source is None:
        app.mapper.notice(
            "Failed to fork current session: no rollout found for thread id "
            f"{app.mapper.status.session_id}",
            "red",
        )
        return
    await _fork_into(app, source, banner=True)


async def pwd(app: CodexApp, rest: str) -> None:
    app.mapper.notice(f"• Current working directory: {app.cwd}", "")


async def cd(app: CodexApp, rest: str) -> None:
    """`/cd [DIR]`: DIR relative to the current directory, `~` expanded, none = home. Later
    turns (their tools, sandbox and the model's `<environment_context>`) and later threads
    (/new, /clear) use it, and the status line shows it.

    As 0.169, a recorded thread is forked into the new directory (new id, `forked_from_id`
    the previous one, name kept, no fork banner); the fork's next request tells the model the
    new cwd after the old one in its history (codex.core.history_env). A thread with nothing
    recorded yet has nothing to fork: it goes on in the new directory itself."""
    from codex.protocol.ops import OverrideTurnContext

    if _busy(app, "cd"):
        return
    target = Path(os.path.expanduser(rest or "~"))
    if not target.is_absolute():
        target = Path(app.cwd) / target
    target = Path(os.path.normpath(target))
    try:
        os.listdir(target)
    except OSError as err:
        reason = f"{err.strerror} (os error {err.errno})" if err.strerror else str(err)
        app.mapper.notice(f"■ Cannot access directory {target}: {reason}", "red")
        return
    changed = f"• Working directory changed to: {target}"
    source = _recorded(app)
    app.options.config = dataclasses.replace(app.options.config, cwd=target)
    app.mapper.status.cwd = str(target)
    if source is not None:
        await _fork_into(app, source, banner=False, notice=changed)
        return
    await app.session.submit(OverrideTurnContext(cwd=str(target)))
    app.mapper.notice(changed, "")


# ---- /clear, /archive, /delete ------------------------------------------------------------


async def clear(app: CodexApp, rest: str) -> None:
    """A new thread in the current directory on a cleared screen (0.169's /clear; its /new
    first asks about a worktree, which this TUI does not make)."""
    if _busy(app, "clear"):
        return
    await app.restart(None)


def _confirm(app: CodexApp, title: str, subtitle: str, rows: list[Any], then: Any) -> None:
    from codex.tui.choice import ChoiceScreen

    async def chosen(answer: tuple[Any, str] | None) -> None:
        refocus(app)
        if answer is not None and answer[0]:
            await then()

    app.push_screen(ChoiceScreen(title, rows, subtitle=subtitle), chosen)


async def archive(app: CodexApp, rest: str) -> None:
    from codex.tui.choice import Choice

    if _busy(app, "archive"):
        return
    rows = [
        Choice("No, don't archive", "Return to the current session", False),
        Choice("Yes, archive", "Archive this session now", True),
    ]

    async def go() -> None:
        await _leave(app, "archive")

    _confirm(
        app,
        "Archive this session?",
        "Are you sure? This will archive the current session",
        rows,
        go,
    )


async def delete(app: CodexApp, rest: str) -> None:
    from codex.tui.choice import Choice

    if _busy(app, "delete"):
        return
    rows = [
        Choice("No, keep this session", "Return to the current session", False),
        Choice("Yes, delete", "Permanently delete this session now", True),
    ]

    async def go() -> None:
        await _leave(app, "delete")

    _confirm(app, "Delete this session?", "Cannot be undone.", rows, go)


async def _leave(app: CodexApp, action: str) -> None:
    """Close this thread, then archive or delete its files (after the session flushed its
    rollout), and continue in a new thread."""
    thread_id = app.mapper.status.session_id
    home = _codex_home(app)

    def done() -> None:
        from codex.api.saved_sessions import archive, delete, find_all
        from codex.errors import CodexError

        try:
            if action == "archive":
                archive(home, thread_id)
                app.mapper.notice(f"• Archived session {thread_id}", "")
            else:
                delete(home, find_all(home, thread_id)[1])
                app.mapper.notice(f"• Deleted session {thread_id}", "")
        except (CodexError, OSError) as err:
            # A thread with no turn has no file yet: nothing to move or remove.
            app.mapper.notice(f"■ Could not {action} session {thread_id}: {err}", "red")

    app.after_close = done
    await app.restart(None)
