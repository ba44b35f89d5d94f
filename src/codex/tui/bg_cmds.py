"""/ps and /stop: the background terminals of unified exec (an `exec_command` whose process
outlived its yield time, kept for `write_stdin`), listed and stopped as 0.169's TUI does:

    /ps                                   /stop
    Background terminals                  • Stopping all background terminals.
      • sleep 300        (none: "  • No background terminals running.")

They live in the session's unified-exec manager (`Session.unified_exec`), which the TUI reads
through the session object it already holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.tui.cells import NoticeCell

if TYPE_CHECKING:
    from codex.tui.app import CodexApp


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
