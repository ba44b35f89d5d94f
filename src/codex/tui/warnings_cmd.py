"""/warnings: the warnings this session raised (core's `warning` events, which the transcript
also shows inline), one at a time, as 0.169's view does:

    Warnings · 1 of 2

    <the warning, wrapped>

    k keep & next · esc dismiss & close · ^o copy · ←/→ warning

`k` keeps the warning and shows the next (closing after the last), Esc dismisses it (it is
no longer retained) and closes, Ctrl-O copies it (OSC 52, as /copy), ←/→ move. With none:
"No warnings". (0.169 also names a warning's origin, e.g. "· Startup" for its sandbox check at
launch; core's warning events carry no origin, so none is shown.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

FOOTER = "k keep & next · esc dismiss & close · ^o copy · ←/→ warning"


class WarningsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    WarningsScreen { align: left bottom; background: $background 0%; }
    WarningsScreen > Vertical { height: auto; width: 100%; background: $background; }
    WarningsScreen #warn-title { height: auto; text-style: bold; padding: 1 2 0 2; }
    WarningsScreen #warn-text { height: auto; padding: 1 2 0 2; }
    WarningsScreen #warn-footer { height: auto; color: $text-muted; padding: 1 2 0 2; }
    """
    BINDINGS: ClassVar = [Binding("escape", "dismiss_one", show=False)]

    def __init__(self, retained: list[str]) -> None:
        super().__init__()
        self.retained = retained  # the mapper's list: dismissing removes from it
        self.index = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="warn-title")
            yield Static(id="warn-text")
            yield Static(FOOTER, id="warn-footer")

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        count = len(self.retained)
        title = f"Warnings · {self.index + 1} of {count}" if count else "Warnings"
        self.query_one("#warn-title", Static).update(title)
        text = self.retained[self.index] if count else "No warnings"
        self.query_one("#warn-text", Static).update(text)

    def on_key(self, event: events.Key) -> None:
        count = len(self.retained)
        if event.key in ("left", "right") and count:
            step = 1 if event.key == "right" else -1
            self.index = (self.index + step) % count
        elif event.character == "k":
            if self.index + 1 >= count:
                self.dismiss(None)
                event.stop()
                return
            self.index += 1
        elif event.key == "ctrl+o" and count:
            from codex.tui.copy_cmd import copy_text

            copy_text(self.app, self.retained[self.index])  # type: ignore[arg-type]
        else:
            return
        event.stop()
        event.prevent_default()
        self._show()

    def action_dismiss_one(self) -> None:
        if self.retained:
            del self.retained[self.index]
        self.dismiss(None)


def open_warnings(app: CodexApp) -> None:
    def closed(_: None) -> None:
        from codex.tui.thread_cmds import refocus

        refocus(app)

    app.push_screen(WarningsScreen(app.mapper.warnings), closed)
