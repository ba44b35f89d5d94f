"""/ps and /stop: the background terminals of unified exec (an `exec_command` whose process
outlived its yield time, kept for `write_stdin`), listed and stopped as 0.169's TUI does:

    /ps                                   /stop
    Background terminals                  • Stopping all background terminals.
      • sleep 300        (none: "  • No background terminals running.")

While any runs, a line above the composer says so (`indicator`). They live in the session's
unified-exec manager (`Session.unified_exec`), which the TUI reads
through the session object it already holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.tui.cells import NoticeCell

if TYPE_CHECKING:
    from codex.tui.app import CodexApp


def indicator(session: Any) -> list[str]:
    """The line 0.169 keeps above the composer while background terminals run."""
    manager = getattr(session, "unified_exec", None)
    count = len(manager.running()) if manager is not None else 0
    if not count:
        return []
    noun = "terminal" if count == 1 else "terminals"
    return [f"{count} background {noun} running · /ps to view · /stop to close"]


def _manager(app: CodexApp) -> Any:
    if app.session is None:
        app.mapper.notice("The session is not ready yet.", "yellow")
        return None
    return getattr(app.session, "unified_exec", None)


async def ps(app: CodexApp, rest: str) -> None:
    manager = _manager(app)
    if app.session is None:
        return
    running = manager.running() if manager is not None else []
    rows = [f"  • {command}" for _, command in running]
    body = "\n".join(rows) if rows else "  • No background terminals running."
    app.mapper.add(NoticeCell(text=f"/ps\n\nBackground terminals\n\n{body}", style=""))


async def stop(app: CodexApp, rest: str) -> None:
    manager = _manager(app)
    if app.session is None:
        return
    app.mapper.notice("• Stopping all background terminals.", "")
    if manager is not None:
        await manager.terminate_all()
