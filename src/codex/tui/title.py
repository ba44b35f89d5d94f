"""The terminal title, and /title to choose what it shows, as 0.169's TUI does.

The title is the chosen items joined by " | ", written with OSC 0 (`ESC ] 0 ; TITLE BEL`) when
it changes. 0.169's items, in its order, and what each shows (captured in tmux):
`activity` (a braille spinner before the rest while a turn runs; "[ ! ] Action Required" while
an approval waits), `thread-name` (omitted when unnamed), `project-name` (the git root's folder
name, else the directory's), `app-name` ("codex"), `current-dir`, `run-state` ("Ready",
"Working"), `thread-title` (the name, else the thread id), `git-branch`, `context-remaining`
("Context N% left"), `context-used` ("Context N% used"), and the two usage limits, which
codex-py does not know (so they are always omitted). Default: activity, thread-name,
project-name. /title saves the choice as `[tui] terminal_title = [...]` in config.toml.
"""

from __future__ import annotations

import subprocess
import time
import weakref
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.tui.ordered_checklist import ChecklistSpec, open_checklist

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

ITEMS: tuple[tuple[str, str], ...] = (
    ("activity", "Spinner while working, action-required message while blocked"),
    ("thread-name", "Current thread name (omitted when unnamed)"),
    ("project-name", "Project name (falls back to current directory name)"),
    ("app-name", "Codex app name"),
    ("current-dir", "Current working directory"),
    ("run-state", "Compact session run-state text (Ready, Working, Thinking)"),
    ("thread-title", "Current thread title, or thread identifier when unnamed"),
    ("git-branch", "Current Git branch (omitted when unavailable)"),
    ("context-remaining", "Percentage of context window remaining (omitted when unknown)"),
    ("context-used", "Percentage of context window used (omitted when unknown)"),
    ("five-hour-limit", "Remaining usage on the primary usage limit (omitted when unavailable)"),
    ("weekly-limit", "Remaining usage on the secondary usage limit (omitted when unavailable)"),
)
DEFAULT = ("activity", "thread-name", "project-name")
SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
SPIN_S = 0.1  # one spinner frame
BLOCKED = "[ ! ] Action Required"
# What /title's preview line shows for an item with no value now (0.169's sample values).
SAMPLES = {
    "activity": BLOCKED,
    "thread-name": "thread name",
    "project-name": "repo",
    "app-name": "codex",
    "current-dir": "~/repo",
    "run-state": "Ready",
    "thread-title": "thread title",
    "git-branch": "main",
    "context-remaining": "Context 80% left",
    "context-used": "Context 20% used",
}


def chosen(app: CodexApp) -> list[str]:
    cfg = app.options.config
    items = getattr(getattr(cfg, "tui", None), "terminal_title", None) if cfg else None
    return list(DEFAULT if items is None else items)


def project_name(cwd: str) -> str:
    path = Path(cwd)
    for folder in (path, *path.parents):
        if (folder / ".git").exists():
            return folder.name or str(folder)
    return path.name or str(path)


@lru_cache(maxsize=8)
def git_branch(cwd: str) -> str:
    """(Once per directory: the title is recomputed on every repaint.)"""
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--abbrev-ref", "HEAD"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    branch = proc.stdout.strip()
    return branch if proc.returncode == 0 and branch != "HEAD" else ""


def item_values(app: CodexApp, items: list[str] | tuple[str, ...]) -> dict[str, str]:
    """Each item's text now ("" = omitted); activity is decided by the caller."""
    s = app.mapper.status
    left = s.context_left()
    return {
        "thread-name": s.thread_name,
        "project-name": project_name(app.cwd),
        "app-name": "codex",
        "current-dir": app.cwd,
        "run-state": "Working" if s.running else "Ready",
        "thread-title": s.thread_name or s.session_id,
        "git-branch": git_branch(app.cwd) if "git-branch" in items else "",
        "context-remaining": "" if left is None else f"Context {left}% left",
        "context-used": "" if left is None else f"Context {100 - left}% used",
    }


def title_text(app: CodexApp, items: list[str], *, blocked: bool, frame: int) -> str:
    values = item_values(app, items)
    values["activity"] = BLOCKED if blocked else ""
    s = app.mapper.status
    text = " | ".join(v for v in (values.get(item, "") for item in items) if v)
    if "activity" in items and s.running and not blocked:
        text = f"{SPINNER[frame % len(SPINNER)]} {text}"
    return text


# Per app: the title last written and whether a spinner tick is pending.
_state: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def written_title(app: CodexApp) -> bool:
    """Whether this app set the terminal's title (so leaving should clear it)."""
    return bool(_state.get(app, {}).get("title"))


def update_title(app: CodexApp) -> None:
    """Write the title if it changed (called with every repaint); while a turn runs, a timer
    turns the spinner (it rewrites only the title, not the screen)."""
    from codex.tui.widgets import ApprovalScreen

    if app.options.config is None or not app.screen_stack:
        return
    state = _state.setdefault(app, {"title": None, "ticking": False})
    items = chosen(app)
    blocked = isinstance(app.screen, ApprovalScreen)
    spinning = "activity" in items and app.mapper.status.running and not blocked
    frame = int(time.monotonic() / SPIN_S) if spinning else 0
    text = title_text(app, items, blocked=blocked, frame=frame)
    if text != state["title"]:
        state["title"] = text
        driver: Any = getattr(app, "_driver", None)
        if driver is not None:
            driver.write(f"\x1b]0;{text}\x07")
    if spinning and not state["ticking"]:
        state["ticking"] = True

        def tick() -> None:
            state["ticking"] = False
            update_title(app)

        app.set_timer(SPIN_S, tick)


# ---- /title ---------------------------------------------------------------------------------

# 0.169's "Configure Terminal Title" (codex.tui.ordered_checklist draws it); the preview shows
# the title with this thread's values and the sample words.
CHECKLIST = ChecklistSpec(
    id_prefix="title",
    head="Configure Terminal Title",
    subtitle="Select which items to display in the terminal title.",
    items=ITEMS,
    samples=SAMPLES,
    separator=" | ",
    config_key="terminal_title",
    noun="the terminal title",
)


def open_title(app: CodexApp) -> None:
    values = item_values(app, [i for i, _ in ITEMS if i != "git-branch"])
    values["activity"] = BLOCKED  # (the preview shows how a blocked turn would look)
    open_checklist(app, CHECKLIST, chosen(app), values)
