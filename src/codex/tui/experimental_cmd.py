"""/experimental: the checklist of experimental feature flags, as 0.169's TUI has it.

0.169 (tests/fixtures/tui_official_0169/slash_experimental.txt) lists the features of its
"experimental" stage by display name with a description, space toggles, Enter saves and Esc
saves too ("esc save/close"). Saving writes what `codex features enable|disable` writes: on is
`[features] NAME = true`, off drops the key of a feature that is off by default (captured in
0.169 by toggling and reading config.toml). The list here is codex-py's own flags of that stage
(codex.config.features.FEATURE_STAGES); the edit is codex.config.features.set_feature, the same
function the CLI subcommand uses.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

# Display name and description per flag (a flag missing here shows its key).
DESCRIBED: dict[str, tuple[str, str]] = {
    "unified_exec": (
        "Unified exec",
        "Run commands in long-lived terminals the model can write to and poll.",
    ),
    "rmcp_client": ("RMCP client", "Use the streamable HTTP client for MCP servers."),
    "experimental_sandbox_command_assessment": (
        "Command assessment",
        "Ask the model to assess a command that needs approval.",
    ),
    "enable_experimental_windows_sandbox": (
        "Windows sandbox",
        "Use the experimental sandbox on Windows (no effect elsewhere).",
    ),
    "remote_compaction": ("Remote compaction", "Compact conversations on the provider's side."),
    "parallel": ("Parallel tool calls", "Let the model call several tools at once."),
}
HEAD = "Experimental features"
SUBTITLE = (
    "Checked features are configured on. Some experimental features take effect only in new "
    "sessions."
)
FOOTER = "space toggle · enter save · esc save/close"


def experimental_features() -> list[str]:
    from codex.config.features import FEATURE_STAGES

    return [name for name, stage in FEATURE_STAGES.items() if stage == "experimental"]


class ExperimentalScreen(ModalScreen[dict[str, bool]]):
    """The checklist; dismissed with each listed flag's state (Enter and Esc both save)."""

    DEFAULT_CSS = """
    ExperimentalScreen { align: left bottom; background: $background 0%; }
    ExperimentalScreen > Vertical { height: auto; width: 100%; padding: 1 0 0 0;
                                    background: $background; }
    ExperimentalScreen #exp-head { height: auto; padding: 0 2; }
    ExperimentalScreen #exp-rows { height: auto; padding: 1 0 0 0; }
    ExperimentalScreen #exp-footer { height: auto; color: $text-muted; padding: 1 2 0 2; }
    """
    BINDINGS: ClassVar = [
        Binding("escape", "save", show=False),
        Binding("enter", "save", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
        Binding("space", "flip", show=False),
    ]

    def __init__(self, state: dict[str, bool]) -> None:
        super().__init__()
        self.state = dict(state)
        self.names = list(state)
        self.index = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            head = Text(HEAD + "\n", style="bold")
            head.append(SUBTITLE, style="dim")
            yield Static(head, id="exp-head")
            yield Static(id="exp-rows")
            yield Static(FOOTER, id="exp-footer")

    def on_mount(self) -> None:
        self._render_rows()

    def _render_rows(self) -> None:
        labels = [DESCRIBED.get(n, (n, ""))[0] for n in self.names]
        width = max(map(len, labels), default=0) + 2
        text = Text()
        for n, name in enumerate(self.names):
            here = n == self.index
            mark = "[x]" if self.state[name] else "[ ]"
            text.append(f"{'› ' if here else '  '}{mark} {labels[n].ljust(width)}", style="")
            text.append(DESCRIBED.get(name, ("", ""))[1] + "\n", style="cyan" if here else "dim")
        if not self.names:
            text.append("  No experimental features.")
        text.rstrip()
        self.query_one("#exp-rows", Static).update(text)

    def action_move(self, step: int) -> None:
        if self.names:
            self.index = (self.index + step) % len(self.names)
            self._render_rows()

    def action_flip(self) -> None:
        if self.names:
            name = self.names[self.index]
            self.state[name] = not self.state[name]
            self._render_rows()

    def action_save(self) -> None:
        self.dismiss(self.state)


def open_experimental(app: CodexApp) -> None:
    cfg = app.options.config
    before = {name: bool(getattr(cfg.features, name)) for name in experimental_features()}

    def saved(state: dict[str, bool] | None) -> None:
        from codex.config.edits import ConfigEdits
        from codex.config.features import set_feature
        from codex.tui.thread_cmds import refocus

        refocus(app)
        changed = {n: on for n, on in (state or {}).items() if before.get(n) != on}
        if not changed:
            return
        cfg = app.options.config
        edits = ConfigEdits.for_config(cfg)
        for name, on in changed.items():
            set_feature(edits, name, on=on)
        try:
            edits.apply()
        except OSError as err:
            app.mapper.notice(f"Could not save the experimental features: {err}", "red")
            return
        features = dataclasses.replace(cfg.features, **changed)
        app.options.config = dataclasses.replace(cfg, features=features)
        app.mark_dirty()

    app.push_screen(ExperimentalScreen(before), saved)
