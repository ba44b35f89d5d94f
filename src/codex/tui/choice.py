"""One list picker for every "choose one" screen of the slash commands (/model, /permissions,
/review, /undo), shaped like 0.169's bottom-pane selection views: a title, optional subtitle
lines, numbered rows `› 1. Label  description` with the highlighted one marked, and a footer of
key hints. The transcript stays visible above it.

Keys: ↑/↓ (and ctrl+p/ctrl+n) move, Enter accepts, a digit accepts that row, Esc dismisses with
None; `keys` adds single-letter accelerators (0.169's `s session` on the effort list). With
`search=True` an input line filters the rows instead (branch and commit lists); digits and
letters then go to the search. The screen is dismissed with `(value, key)`: the chosen row's
value and the key that chose it ("enter", a digit, or an accelerator).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

VISIBLE_ROWS = 9  # rows shown at a time; the list scrolls to keep the highlight in view


@dataclass(slots=True)
class Choice:
    label: str
    description: str = ""
    value: Any = None
    dim: bool = False  # shown but not choosable (a "no matches" line)


class ChoiceScreen(ModalScreen[tuple[Any, str] | None]):
    DEFAULT_CSS = """
    ChoiceScreen { align: left bottom; background: $background 0%; }
    ChoiceScreen > Vertical {
        height: auto; max-height: 100%; width: 100%; padding: 1 0 0 0;
        background: $background; border-top: solid $accent 40%;
    }
    ChoiceScreen #choice-title { height: auto; text-style: bold; padding: 0 2; }
    ChoiceScreen #choice-subtitle { height: auto; color: $text-muted; padding: 0 2; }
    ChoiceScreen Input { height: 1; border: none; padding: 0 2; background: $background; }
    ChoiceScreen #choice-rows { height: auto; padding: 1 0 0 0; }
    ChoiceScreen #choice-footer { height: auto; color: $text-muted; padding: 1 2 0 2; }
    """
    BINDINGS: ClassVar = [Binding("escape", "cancel", show=False)]

    def __init__(
        self,
        title: str,
        choices: Sequence[Choice],
        *,
        subtitle: str = "",
        footer: str = "enter select · esc back",
        footer_for: Callable[[Choice], str] | None = None,
        keys: Sequence[str] = (),
        highlight: int = 0,
        search: str | None = None,
        numbered: bool = True,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.subtitle = subtitle
        self.choices = list(choices)
        self.shown = list(self.choices)
        self.footer = footer
        self.footer_for = footer_for
        self.keys = tuple(keys)
        self.index = max(0, min(highlight, len(self.choices) - 1))
        self.search = search  # the search line's placeholder, or None for no search
        self.numbered = numbered and search is None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, id="choice-title")
            if self.subtitle:
                yield Static(self.subtitle, id="choice-subtitle")
            if self.search is not None:
                yield Input(placeholder=self.search, id="choice-search")
            yield Static(id="choice-rows")
            yield Static(id="choice-footer")

    def on_mount(self) -> None:
        if self.search is not None:
            self.query_one(Input).focus()
        self._render_rows()

    # ---- rendering ------------------------------------------------------------------------

    @property
    def current(self) -> Choice | None:
        if 0 <= self.index < len(self.shown) and not self.shown[self.index].dim:
            return self.shown[self.index]
        return None

    def _render_rows(self) -> None:
        rows = self.shown
        width = max((len(self._label(i, c)) for i, c in enumerate(rows)), default=0) + 2
        start = max(0, min(self.index - VISIBLE_ROWS + 1, len(rows) - VISIBLE_ROWS))
        text = Text()
        if start > 0:
            text.append("↑\n", style="dim")
        for i in range(start, min(len(rows), start + VISIBLE_ROWS)):
            choice = rows[i]
            chosen = i == self.index and not choice.dim
            style = "bold cyan" if chosen else ("dim" if choice.dim else "")
            text.append("› " if chosen else "  ", style=style)
            text.append(self._label(i, choice).ljust(width), style=style)
            if choice.description:
                text.append(choice.description, style="cyan" if chosen else "dim")
            text.append("\n")
        if start + VISIBLE_ROWS < len(rows):
            text.append("↓\n", style="dim")
        text.rstrip()
        self.query_one("#choice-rows", Static).update(text)
        current = self.current
        footer = self.footer_for(current) if self.footer_for and current else self.footer
        self.query_one("#choice-footer", Static).update(footer)

    def _label(self, index: int, choice: Choice) -> str:
        return f"{index + 1}. {choice.label}" if self.numbered else choice.label

    # ---- keys -----------------------------------------------------------------------------

    def _move(self, step: int) -> None:
        if not self.shown:
            return
        self.index = (self.index + step) % len(self.shown)
        self._render_rows()

    def on_key(self, event: events.Key) -> None:
        key = event.key
        if key in ("up", "ctrl+p", "down", "ctrl+n"):
            event.stop()
            event.prevent_default()
            self._move(-1 if key in ("up", "ctrl+p") else 1)
        elif key == "enter":
            event.stop()
            event.prevent_default()
            self._accept("enter")
        elif self.search is None and key.isdigit() and key != "0":
            event.stop()
            index = int(key) - 1
            if index < len(self.shown):
                self.index = index
                self._accept(key)
        elif self.search is None and key in self.keys:
            event.stop()
            self._accept(key)

    def on_input_changed(self, event: Input.Changed) -> None:
        needle = event.value.strip().lower()
        self.shown = [c for c in self.choices if needle in c.label.lower()] or [
            Choice("no matches", dim=True)
        ]
        self.index = 0
        self._render_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._accept("enter")

    def _accept(self, key: str) -> None:
        current = self.current
        if current is not None:
            self.dismiss((current.value, key))

    def action_cancel(self) -> None:
        self.dismiss(None)


class TextPromptScreen(ModalScreen[str | None]):
    """One line of free text (0.169's "Custom review instructions"): Enter submits a
    non-empty line, Esc goes back with None."""

    DEFAULT_CSS = """
    TextPromptScreen { align: left bottom; background: $background 0%; }
    TextPromptScreen > Vertical {
        height: auto; width: 100%; padding: 1 0 0 0;
        background: $background; border-top: solid $accent 40%;
    }
    TextPromptScreen #prompt-title { height: auto; text-style: bold; padding: 0 2; }
    TextPromptScreen Input { height: 1; border: none; padding: 0 2; margin-top: 1; }
    TextPromptScreen #prompt-footer { height: auto; color: $text-muted; padding: 1 2 0 2; }
    """
    BINDINGS: ClassVar = [Binding("escape", "cancel", show=False)]

    def __init__(self, title: str, placeholder: str, footer: str = "enter submit · esc back"):
        super().__init__()
        self.title_text = title
        self.placeholder = placeholder
        self.footer = footer

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.title_text, id="prompt-title")
            yield Input(placeholder=self.placeholder)
            yield Static(self.footer, id="prompt-footer")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
