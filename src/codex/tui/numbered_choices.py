"""The full-screen question 0.169 asks before a session (trust this folder, review hooks): a
heading, numbered choices with the selected one marked `› ` in the margin, and a footer. One
screen class carries the layout, the drawing of the choices and the moving and choosing keys;
each question gives its heading, footer, choices and the keys that differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

T = TypeVar("T")

# up/down move, Enter chooses the highlighted one; a question adds its number and Esc keys.
MOVE_AND_CHOOSE: list[Binding] = [
    Binding("up", "move(-1)", show=False),
    Binding("down", "move(1)", show=False),
    Binding("enter", "choose", show=False),
]


class NumberedChoiceScreen(ModalScreen[T], Generic[T]):
    """Dismissed with the value of the choice taken. Subclasses set `CHOICES` ((value, label)
    pairs), return the heading from `head()` and the footer from `foot()`."""

    CHOICES: ClassVar[Sequence[tuple[Any, str]]] = ()
    # Leave out the newline after the last choice (0.169's spacing differs per question).
    TRIM_LAST_NEWLINE: ClassVar[bool] = False

    def __init__(self) -> None:
        super().__init__()
        self.selected = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="head")
            yield Static(id="choices")
            yield Static(id="foot")

    def head(self) -> Text:
        raise NotImplementedError

    def foot(self) -> Text:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.query_one("#head", Static).update(self.head())
        self.query_one("#foot", Static).update(self.foot())
        self._draw()

    def _draw(self) -> None:
        choices = Text()
        for i, (_, label) in enumerate(self.CHOICES):
            here = i == self.selected
            mark = "› " if here else "  "  # in the margin, as 0.169
            choices.append(f"{mark}{i + 1}. {label}\n", style="bold cyan" if here else "")
        if self.TRIM_LAST_NEWLINE:
            choices.rstrip()
        self.query_one("#choices", Static).update(choices)

    def action_move(self, step: int) -> None:
        self.selected = (self.selected + step) % len(self.CHOICES)
        self._draw()

    def action_select(self, index: int) -> None:
        self.selected = index
        self._draw()

    def action_pick(self, index: int) -> None:
        self.dismiss(self.CHOICES[index][0])

    def action_choose(self) -> None:
        self.dismiss(self.CHOICES[self.selected][0])
