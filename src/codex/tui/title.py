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

import dataclasses
import subprocess
import time
import weakref
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

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


class TitleScreen(ModalScreen[list[str] | None]):
    """0.169's "Configure Terminal Title": a searchable checklist, space toggles, ←/→ move the
    highlighted item earlier or later, Enter saves, Esc cancels; a preview line shows the title
    with sample values."""

    DEFAULT_CSS = """
    TitleScreen { align: left bottom; background: $background 0%; }
    TitleScreen > Vertical { height: auto; width: 100%; padding: 1 0 0 0; background: $background; }
    TitleScreen #title-head { height: auto; padding: 0 2; }
    TitleScreen #title-search { height: 1; padding: 0 2; margin-top: 1; }
    TitleScreen #title-rows { height: auto; padding: 1 0 0 0; }
    TitleScreen #title-preview { height: auto; padding: 1 2 0 2; }
    TitleScreen #title-footer { height: auto; color: $text-muted; padding: 0 2; }
    """
    # (The search line is drawn here, not an Input: space, ←/→ and Enter are the list's keys.)
    BINDINGS: ClassVar = [
        Binding("escape", "cancel", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("space", "flip", show=False),
        Binding("left", "reorder(-1)", show=False),
        Binding("right", "reorder(1)", show=False),
        Binding("enter", "save", show=False),
        Binding("backspace", "erase", show=False),
    ]
    VISIBLE = 8

    def __init__(self, current: list[str], values: dict[str, str] | None = None) -> None:
        super().__init__()
        self.values = values or {}
        known = dict(ITEMS)
        order = [i for i in current if i in known] + [i for i, _ in ITEMS if i not in current]
        self.order = order
        self.on = set(current)
        self.index = 0
        self.needle = ""

    def compose(self) -> ComposeResult:
        with Vertical():
            head = Text("Configure Terminal Title\n", style="bold")
            head.append("Select which items to display in the terminal title.", style="dim")
            yield Static(head, id="title-head")
            yield Static(id="title-search")
            yield Static(id="title-rows")
            yield Static(id="title-preview")
            yield Static("space toggle · ←/→ reorder · enter save · esc cancel", id="title-footer")

    def on_mount(self) -> None:
        self._render_rows()

    @property
    def shown(self) -> list[str]:
        return [i for i in self.order if self.needle in i]

    def _render_rows(self) -> None:
        rows = self.shown
        self.index = max(0, min(self.index, len(rows) - 1))
        start = max(0, min(self.index - self.VISIBLE + 1, len(rows) - self.VISIBLE))
        visible = rows[start : start + self.VISIBLE]
        width = max((len(i) for i in visible), default=0) + 2  # (as 0.169: the rows shown)
        described = dict(ITEMS)
        text = Text()
        if start > 0:
            text.append("↑\n", style="dim")
        for n in range(start, min(len(rows), start + self.VISIBLE)):
            item = rows[n]
            here = n == self.index
            style = "bold cyan" if here else ""
            mark = "[x]" if item in self.on else "[ ]"
            text.append(f"{'› ' if here else '  '}{mark} {item.ljust(width)}", style=style)
            text.append(described[item] + "\n", style="cyan" if here else "dim")
        if start + self.VISIBLE < len(rows):
            text.append("↓\n", style="dim")
        text.rstrip()
        self.query_one("#title-rows", Static).update(text)
        search = Text(self.needle) if self.needle else Text("Type to search", style="dim")
        self.query_one("#title-search", Static).update(search)
        picked = [self.values.get(i) or SAMPLES.get(i, "") for i in self.order if i in self.on]
        self.query_one("#title-preview", Static).update(" | ".join(p for p in picked if p))

    def action_move(self, step: int) -> None:
        rows = self.shown
        if rows:
            self.index = (self.index + step) % len(rows)
            self._render_rows()

    def action_flip(self) -> None:
        rows = self.shown
        if rows:
            self.on.symmetric_difference_update({rows[self.index]})
            self._render_rows()

    def action_reorder(self, step: int) -> None:
        rows = self.shown
        if not rows:
            return
        at = self.order.index(rows[self.index])
        to = at + step
        if 0 <= to < len(self.order):
            self.order[at], self.order[to] = self.order[to], self.order[at]
            self.index = self.shown.index(self.order[to])
            self._render_rows()

    def action_save(self) -> None:
        self.dismiss([i for i in self.order if i in self.on])

    def on_key(self, event: events.Key) -> None:
        char = event.character
        if char and char.isprintable() and char != " " and len(char) == 1:
            event.stop()
            self.needle += char.lower()
            self.index = 0
            self._render_rows()

    def action_erase(self) -> None:
        self.needle = self.needle[:-1]
        self.index = 0
        self._render_rows()

    def action_cancel(self) -> None:
        self.dismiss(None)


def open_title(app: CodexApp) -> None:
    from codex.config.edits import ConfigEdits

    def saved(items: list[str] | None) -> None:
        from codex.tui.thread_cmds import refocus

        refocus(app)
        if items is None:
            return
        cfg = app.options.config
        try:
            ConfigEdits.for_config(cfg).set(("tui", "terminal_title"), items).apply()
        except OSError as err:
            app.mapper.notice(f"Could not save the terminal title: {err}", "red")
            return
        tui = dataclasses.replace(cfg.tui, terminal_title=items)
        app.options.config = dataclasses.replace(cfg, tui=tui)
        app.mark_dirty()

    values = item_values(app, [i for i, _ in ITEMS if i != "git-branch"])
    values["activity"] = BLOCKED  # (the preview shows how a blocked turn would look)
    app.push_screen(TitleScreen(chosen(app), values), saved)
