"""The trust prompt for a repository Codex has not seen (0.169 asks only inside a git
repository): "Trust and continue" records `[projects."<repo root>"] trust_level = "trusted"` in
config.toml as upstream does, after which the config is loaded again so the trust-based defaults
of `sandbox_mode` and `approval_policy` apply to the session; "Quit" (or Esc) leaves, recording
nothing.
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


def needs_trust(config: Any) -> bool:
    """0.169 asks only inside a git repository whose trust is not recorded yet."""
    from codex.config.projects import git_root_for_trust

    return git_root_for_trust(Path(str(config.cwd))) is not None and not trust_recorded(config)


def trust_key(cwd: Path) -> Path:
    """The folder the answer is recorded for: the repository's root, else the folder."""
    from codex.config.projects import git_root_for_trust

    return git_root_for_trust(cwd) or cwd


def record_trust(config: Any) -> None:
    from codex.config.edits import ConfigEdits

    key = trust_key(Path(str(config.cwd)))
    ConfigEdits.for_config(config).set_project_trust_level(key, "trusted").apply()


CHOICES = (
    ("Trust and continue", True),
    ("Quit", False),
)
# 0.169's words (its second choice, "Back to Agent Command Center", leads to a screen we do
# not have).
EXPLANATION = (
    "Trust this folder? Codex can read, edit, and run files here, subject to your permission "
    "settings. Folder settings can run code automatically, even without a model request. "
    "Continue only if you trust these files. Your trust decision will be saved."
)


class TrustScreen(ModalScreen[bool]):
    """Dismissed with True (trusted) or False."""

    DEFAULT_CSS = """
    TrustScreen { background: $background; align: left top; }
    TrustScreen > Vertical { height: auto; padding: 1 0; }
    TrustScreen #head, TrustScreen #foot { padding: 0 2; }
    """
    BINDINGS: ClassVar = [
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("enter", "choose", show=False),
        Binding("1", "pick(0)", show=False),
        Binding("2", "pick(1)", show=False),
        Binding("escape", "pick(1)", show=False),
        Binding("q", "pick(1)", show=False),
    ]

    def __init__(self, cwd: Path) -> None:
        super().__init__()
        self.cwd = cwd
        self.selected = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="head")
            yield Static(id="choices")
            yield Static(id="foot")

    def on_mount(self) -> None:
        self._draw()

    def _draw(self) -> None:
        # 0.169's screen (tests/fixtures/tui_official_0169/trust_prompt.txt), but for the second
        # choice: its agent command center does not exist here, so it quits (Esc as well).
        head = Text("Folder access\n", style="bold")
        head.append(f"{self.cwd}\n\n", style="dim")
        head.append(EXPLANATION + "\n")
        self.query_one("#head", Static).update(head)
        choices = Text()
        for i, (label, _) in enumerate(CHOICES):
            mark = "› " if i == self.selected else "  "  # in the margin, as 0.169
            style = "bold cyan" if i == self.selected else ""
            choices.append(f"{mark}{i + 1}. {label}\n", style=style)
        self.query_one("#choices", Static).update(choices)
        self.query_one("#foot", Static).update(Text("enter continue · esc quit", style="dim"))

    def action_move(self, step: int) -> None:
        self.selected = (self.selected + step) % len(CHOICES)
        self._draw()

    def action_pick(self, index: int) -> None:
        self.dismiss(CHOICES[index][1])

    def action_choose(self) -> None:
        self.dismiss(CHOICES[self.selected][1])
