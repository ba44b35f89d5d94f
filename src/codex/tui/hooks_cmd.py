"""/hooks: the configured lifecycle hooks, as 0.169's TUI lists them, read-only.

0.169 (tests/fixtures/tui_official_0169/slash_hooks*.txt, settings_notes.md) shows a table
Event / Installed / Active / Description, Enter opens an event's hooks with each one's event,
matcher, source, command and timeout. 0.169 also has a trust review (a new hook runs only
after `t` trusts it, saved as `[hooks.state."FILE:event:i:j"] trusted_hash`, and each can be
turned off): codex-py runs every configured hook, so there is nothing to review or turn off and
Active always equals Installed. The events are the two codex-py runs hooks for (PreToolUse,
PostToolUse); the hooks come from codex.core.hooks_view (`tool_hook_command` and
`$CODEX_HOME/hooks.json`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

LIST_FOOTER = "enter details · esc close"
DETAIL_FOOTER = "↑/↓ select · esc back"


def _row(event: str, installed: str, active: str, description: str) -> str:
    return f"{event:<22}{installed:<12}{active:<12}{description}"


def _source(source: str) -> str:
    if source == "tool_hook_command":
        return "config.toml - tool_hook_command"
    return f"User config - {source}"


class HooksScreen(ModalScreen[None]):
    """The events table; Enter shows the highlighted event's hooks, Esc goes back / closes."""

    DEFAULT_CSS = """
    HooksScreen { align: left bottom; background: $background 0%; }
    HooksScreen > Vertical { height: auto; width: 100%; padding: 1 0 0 0;
                             background: $background; }
    HooksScreen #hooks-body { height: auto; }
    HooksScreen #hooks-footer { height: auto; color: $text-muted; padding: 1 2 0 2; }
    """
    BINDINGS: ClassVar = [
        Binding("escape", "back", show=False),
        Binding("enter", "open", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
    ]

    def __init__(self, events: tuple[tuple[str, str], ...], hooks: list[Any]) -> None:
        super().__init__()
        self.events = events
        self.hooks = hooks
        self.index = 0  # the highlighted event
        self.event: str | None = None  # the event whose hooks are shown
        self.hook = 0

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="hooks-body")
            yield Static(id="hooks-footer")

    def on_mount(self) -> None:
        self._render_body()

    def _of(self, event: str) -> list[Any]:
        return [h for h in self.hooks if h.event == event]

    def _render_body(self) -> None:
        text = Text()
        if self.event is None:
            text.append("  Hooks\n", style="bold")
            text.append("  Lifecycle hooks from config.\n\n", style="dim")
            text.append("  " + _row("Event", "Installed", "Active", "Description") + "\n", "dim")
            for n, (event, description) in enumerate(self.events):
                count = str(len(self._of(event)))
                here = n == self.index
                line = _row(event, count, count, description)
                text.append(("› " if here else "  ") + line + "\n", "cyan" if here else "")
            footer = LIST_FOOTER
        else:
            hooks = self._of(self.event)
            text.append(f"  {self.event} hooks\n", style="bold")
            text.append("  Every configured hook runs; edit the config to change them.\n\n", "dim")
            if not hooks:
                text.append("  No hooks for this event.\n")
            for n, _hook in enumerate(hooks):
                here = n == self.hook
                line = f"{'› ' if here else '  '}{n + 1:>2}  Unnamed hook\n"
                text.append(line, "cyan" if here else "")
            if hooks:
                hook = hooks[self.hook]
                text.append("\n")
                for label, value in (
                    ("Event", hook.event),
                    ("Matcher", hook.matcher or "*"),
                    ("Source", _source(hook.source)),
                    ("Command", hook.command),
                    ("Timeout", f"{hook.timeout_s:g}s"),
                ):
                    text.append(f"  {label:<10}", "dim")
                    text.append(value + "\n")
            footer = DETAIL_FOOTER
        text.rstrip()
        self.query_one("#hooks-body", Static).update(text)
        self.query_one("#hooks-footer", Static).update(footer)

    def action_move(self, step: int) -> None:
        if self.event is None:
            self.index = (self.index + step) % len(self.events)
        else:
            count = len(self._of(self.event))
            self.hook = (self.hook + step) % count if count else 0
        self._render_body()

    def action_open(self) -> None:
        if self.event is None:
            self.event, self.hook = self.events[self.index][0], 0
            self._render_body()

    def action_back(self) -> None:
        if self.event is None:
            self.dismiss(None)
            return
        self.event = None
        self._render_body()


def open_hooks(app: CodexApp) -> None:
    from codex.core.hooks_view import EVENTS, configured_hooks
    from codex.errors import CodexError
    from codex.tui.thread_cmds import refocus

    try:
        hooks = configured_hooks(app.options.config)
    except CodexError as err:
        app.mapper.notice(f"Could not read the hooks: {err}", "red")
        return
    app.push_screen(HooksScreen(EVENTS, hooks), lambda _: refocus(app))
