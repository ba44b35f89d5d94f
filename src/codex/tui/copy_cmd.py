"""/copy: put an agent response on the clipboard the way 0.169 does, with OSC 52 (the terminal
sets its clipboard; this works over SSH, where no local clipboard tool would), wrapped in tmux's
passthrough DCS when running inside tmux, as 0.169 writes it there.

0.169 opens a small selector at the bottom: "Copy whole response", `↑/↓/j/k` to pick an earlier
or later response, `g/G` for the first or last, Enter to copy (the selector stays open and a
toast says "Copy sent to terminal · paste to verify"), Esc to close. With no response yet it
says "• Nothing to copy".
"""

from __future__ import annotations

import base64
import os
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

FOOTER = "↑/↓/j/k select · g/G ends · enter copy · esc close"
SENT = "Copy sent to terminal · paste to verify"


def osc52(text: str, *, tmux: bool) -> str:
    """The escape sequence that asks the terminal to set its clipboard to `text`; inside tmux,
    wrapped so tmux passes it through to the real terminal (ESCs doubled inside the DCS)."""
    seq = f"\x1b]52;c;{base64.b64encode(text.encode('utf-8')).decode('ascii')}\a"
    if tmux:
        seq = "\x1bPtmux;" + seq.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return seq


def responses(app: CodexApp) -> list[str]:
    """The agent's answers in the transcript, oldest first (empty ones left out)."""
    return [cell.text for cell in app.mapper.cells if cell.kind == "agent" and cell.text.strip()]


def copy_text(app: CodexApp, text: str) -> None:
    driver: Any = getattr(app, "_driver", None)
    if driver is not None:
        driver.write(osc52(text, tmux=bool(os.environ.get("TMUX"))))


class CopyScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    CopyScreen { align: left bottom; background: $background 0%; }
    CopyScreen > Vertical { height: auto; width: 100%; background: $background; }
    CopyScreen #copy-toast { height: 1; width: 100%; text-align: right; padding: 0 2; }
    CopyScreen #copy-title { height: auto; text-style: bold; padding: 0 2; }
    CopyScreen #copy-preview { height: 1; color: $text-muted; padding: 0 2; }
    CopyScreen #copy-footer { height: 1; color: $text-muted; padding: 0 2; }
    """
    BINDINGS: ClassVar = [Binding("escape", "close", show=False)]

    def __init__(self, texts: list[str]) -> None:
        super().__init__()
        self.texts = texts
        self.index = len(texts) - 1

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("", id="copy-toast")
            yield Static("Copy whole response", id="copy-title")
            yield Static("", id="copy-preview")
            yield Static(FOOTER, id="copy-footer")

    def on_mount(self) -> None:
        self._show()

    def _show(self) -> None:
        first = self.texts[self.index].strip().splitlines()[0]
        where = f"{self.index + 1}/{len(self.texts)}  " if len(self.texts) > 1 else ""
        self.query_one("#copy-preview", Static).update(f"{where}{first}")

    def on_key(self, event: events.Key) -> None:
        moves = {"up": -1, "k": -1, "down": 1, "j": 1}
        key = event.key
        if key in moves:
            self.index = max(0, min(len(self.texts) - 1, self.index + moves[key]))
        elif event.character in ("g", "G"):
            self.index = 0 if event.character == "g" else len(self.texts) - 1
        elif key == "enter":
            copy_text(self.app, self.texts[self.index])  # type: ignore[arg-type]
            self.query_one("#copy-toast", Static).update(SENT)
        else:
            return
        event.stop()
        event.prevent_default()
        self._show()

    def action_close(self) -> None:
        self.dismiss(None)


def open_copy(app: CodexApp) -> None:
    texts = responses(app)
    if not texts:
        app.mapper.notice("• Nothing to copy", "")
        return

    def closed(_: None) -> None:
        from codex.tui.thread_cmds import refocus

        refocus(app)

    app.push_screen(CopyScreen(texts), closed)
