"""The trust prompt for a folder Codex has not seen: asked once, the answer recorded in
config.toml as upstream does (`[projects."<git root or cwd>"] trust_level = "trusted" |
"untrusted"`), after which the config is loaded again so the trust-based defaults of
`sandbox_mode` and `approval_policy` apply to the session.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


def trust_recorded(config: Any) -> bool:
    entry = config.project_trust()
    return entry is not None and entry.trust_level is not None


def trust_key(cwd: Path) -> Path:
    """The folder the answer is recorded for: the repository's root, else the folder."""
    from codex.config.projects import git_root_for_trust

    return git_root_for_trust(cwd) or cwd


def record_trust(config: Any, trusted: bool) -> None:
    from codex.config.edits import ConfigEdits

    key = trust_key(Path(str(config.cwd)))
    edits = ConfigEdits.for_config(config)
    edits.set_project_trust_level(key, "trusted" if trusted else "untrusted").apply()


CHOICES = (
    ("Yes, allow Codex to work in this folder without asking for approval", True),
    ("No, ask me to approve edits and commands", False),
)


class TrustScreen(ModalScreen[bool]):
    """Dismissed with True (trusted) or False."""

    DEFAULT_CSS = """
    TrustScreen { background: $background; align: left top; }
    TrustScreen > Vertical { height: auto; padding: 1 2; }
    """
    BINDINGS: ClassVar = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("enter", "choose", show=False),
        Binding("1", "pick(0)", show=False),
        Binding("2", "pick(1)", show=False),
        Binding("y", "pick(0)", show=False),
        Binding("n", "pick(1)", show=False),
        Binding("escape", "pick(1)", show=False),
    ]

    def __init__(self, cwd: Path) -> None:
        super().__init__()
        self.cwd = cwd
        self.selected = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="body")

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        text = Text(f"> You are running Codex in {self.cwd}\n\n", style="bold")
        text.append(
            "Since this folder is version controlled, you may wish to allow Codex to work in "
            "this folder without asking for approval.\n\n"
            if (trust_key(self.cwd) / ".git").exists()
            else "Do you trust the files in this folder?\n\n",
            style="",
        )
        for i, (label, _) in enumerate(CHOICES):
            mark = "› " if i == self.selected else "  "
            text.append(
                f"{mark}{i + 1}. {label}\n", style="bold cyan" if i == self.selected else ""
            )
        text.append("\nPress enter to continue", style="dim")
        self.query_one("#body", Static).update(text)

    def action_move(self, step: int) -> None:
        self.selected = (self.selected + step) % len(CHOICES)
        self._draw()

    def action_pick(self, index: int) -> None:
        self.dismiss(CHOICES[index][1])

    def action_choose(self) -> None:
        self.dismiss(CHOICES[self.selected][1])
