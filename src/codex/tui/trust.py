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
from textual.binding import Binding

from codex.tui.numbered_choices import MOVE_AND_CHOOSE, NumberedChoiceScreen


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
    (True, "Trust and continue"),
    (False, "Quit"),
)
# 0.169's words (its second choice, "Back to Agent Command Center", leads to a screen we do
# not have).
EXPLANATION = (
    "Trust this folder? Codex can read, edit, and run files here, subject to your permission "
    "settings. Folder settings can run code automatically, even without a model request. "
    "Continue only if you trust these files. Your trust decision will be saved."
)


class TrustScreen(NumberedChoiceScreen[bool]):
    """Dismissed with True (trusted) or False.

    0.169's screen (tests/fixtures/tui_official_0169/trust_prompt.txt), but for the second
    choice: its agent command center does not exist here, so it quits (Esc as well)."""

    DEFAULT_CSS = """
    TrustScreen { background: $background; align: left top; }
    TrustScreen > Vertical { height: auto; padding: 1 0; }
    TrustScreen #head, TrustScreen #foot { padding: 0 2; }
    """
    BINDINGS: ClassVar = [
        *MOVE_AND_CHOOSE,
        Binding("1", "pick(0)", show=False),
        Binding("2", "pick(1)", show=False),
        Binding("escape", "pick(1)", show=False),
        Binding("q", "pick(1)", show=False),
    ]
    CHOICES = CHOICES

    def __init__(self, cwd: Path) -> None:
        super().__init__()
        self.cwd = cwd

    def head(self) -> Text:
        head = Text("Folder access\n", style="bold")
        head.append(f"{self.cwd}\n\n", style="dim")
        head.append(EXPLANATION + "\n")
        return head

    def foot(self) -> Text:
        return Text("enter continue · esc quit", style="dim")
