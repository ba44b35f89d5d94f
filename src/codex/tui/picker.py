"""The resume picker (`codex resume`, `codex fork`, `/resume`): recorded sessions sorted by
when they were last updated, filtered as you type, the highlighted one previewed. Dismissed
with the chosen rollout's path, or None (Esc).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

LIMIT = 500


def list_sessions(codex_home: Path, cwd: str | None) -> list[Any]:
    """Summaries of recorded sessions (in `cwd` unless None), most recently updated first; as
    0.169's picker, only interactive ones (no `codex exec` session: INTERACTIVE_SOURCES)."""
    from codex.core.threads import ThreadIndex
    from codex.protocol.originator import INTERACTIVE_SOURCES

    items, _ = ThreadIndex(codex_home).page(limit=LIMIT, cwds=[cwd] if cwd else None)
    items = [item for item in items if item.meta.get("source") in INTERACTIVE_SOURCES]
    return sorted(items, key=lambda item: item.updated_at, reverse=True)


def ago(seconds: float) -> str:
    delta = max(0, int(time.time() - seconds))
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if delta >= size:
            n = delta // size
            return f"{n} {unit}{'s' if n != 1 else ''} ago"
    return f"{delta} seconds ago"


class ResumePicker(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ResumePicker { background: $background; }
    ResumePicker > Vertical { height: 1fr; padding: 0 1; }
    ResumePicker #title { height: 1; text-style: bold; }
    ResumePicker OptionList { height: 1fr; border: none; }
    ResumePicker #preview { height: 6; color: $text-muted; border-top: solid $accent 30%; }
    """
    BINDINGS: ClassVar = [Binding("escape", "cancel", show=False)]

    def __init__(self, codex_home: Path, *, cwd: str | None) -> None:
        super().__init__()
        self.sessions = list_sessions(codex_home, cwd)
        self.shown: list[Any] = list(self.sessions)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Resume a previous session", id="title")
            yield Input(placeholder="Type to search", id="search")
            yield OptionList(id="sessions")
            yield Static(id="preview")

    def on_mount(self) -> None:
        self._fill()
        self.query_one(Input).focus()

    def _fill(self) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        if not self.shown:
            options.add_option(Option("No sessions yet" if not self.sessions else "No matches"))
            return
        for item in self.shown:
            line = Text(f"{ago(item.updated_at):>16}  ", style="dim")
            line.append(item.preview.splitlines()[0][:120] if item.preview else "")
            options.add_option(Option(line, id=str(item.path)))
        options.highlighted = 0
        self._preview(0)

    def _preview(self, index: int | None) -> None:
        if index is None or not (0 <= index < len(self.shown)):
            self.query_one("#preview", Static).update("")
            return
        item = self.shown[index]
        meta = item.meta
        text = Text(f"{item.thread_id}  {meta.get('cwd', '')}\n", style="bold")
        text.append(item.preview[:400])
        self.query_one("#preview", Static).update(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        needle = event.value.lower().strip()
        self.shown = [
            s for s in self.sessions if needle in s.preview.lower() or needle in s.thread_id
        ]
        self._fill()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview(event.option_index)

    def on_key(self, event: Any) -> None:
        options = self.query_one(OptionList)
        if event.key in ("up", "down"):
            event.stop()
            options.action_cursor_up() if event.key == "up" else options.action_cursor_down()
        elif event.key == "enter":
            event.stop()
            self._choose(options.highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self._choose(event.option_index)

    def _choose(self, index: int | None) -> None:
        if index is None or not (0 <= index < len(self.shown)):
            return
        self.dismiss(str(self.shown[index].path))

    def action_cancel(self) -> None:
        self.dismiss(None)
