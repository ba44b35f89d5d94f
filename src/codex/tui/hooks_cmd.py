"""/hooks: the configured lifecycle hooks and their trust review, as 0.169's TUI shows them
(tests/fixtures/tui_official_0169/slash_hooks*.txt, settings_notes.md).

The first screen is a table Event / Installed / Active / Description; while some hook waits for
review (new, or changed since trusted) it gains a Review column, a `⚠ N hooks need review` line
and `t` (trust every listed hook that waits). Enter opens an event's hooks: a row per hook
(`[!] … · new` waiting, `[x]` on, `[ ]` switched off) and the highlighted one's event, matcher,
source, command, mode, timeout and trust. There `t` trusts the highlighted hook, and space or
Enter switches a trusted one on or off. Every change is written at once to `[hooks.state]` of
the config file (codex.core.hooks_view, as 0.169 writes it) and the running session's hooks
follow it from their next call. The events are those codex-py runs hooks for (codex.core.
hooks_view.EVENTS); the hooks are `tool_hook_command`, `$CODEX_HOME/hooks.json`'s and config.toml's
`[hooks]` tables'.
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
REVIEW_LIST_FOOTER = "t trust all · enter review · esc close"
REVIEW_FOOTER = "t trust · esc back"
TOGGLE_FOOTER = "space/enter toggle · esc back"
TOGGLE_HINT = "Turn hooks on or off. Your changes are saved automatically."
TRUST_TEXT = {
    "trusted": "Trusted",
    "untrusted": "New hook - review required",
    "modified": "Modified since last trusted - review required",
}
ROW_SUFFIX = {"untrusted": " · new", "modified": " · modified"}


def _row(event: str, counts: list[str], description: str) -> str:
    return f"{event:<22}" + "".join(f"{c:<12}" for c in counts) + description


def _source(source: str) -> str:
    if source == "tool_hook_command":
        return "config.toml - tool_hook_command"
    return f"User config - {source}"


def needs_review_line(count: int) -> str:
    """0.169's line for `count` hooks waiting for review."""
    if count == 1:
        return "1 hook needs review before it can run."
    return f"{count} hooks need review before they can run."


class HooksScreen(ModalScreen[None]):
    """The events table; Enter shows the highlighted event's hooks, Esc goes back / closes.
    `config` is where the trust records are written; `reload` lists the hooks again."""

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
        Binding("space", "toggle", show=False),
        Binding("t", "trust", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("down", "move(1)", show=False),
    ]

    def __init__(self, events: tuple[tuple[str, str], ...], config: Any) -> None:
        super().__init__()
        self.events = events
        self.config = config
        self.hooks: list[Any] = []
        self.index = 0  # the highlighted event
        self.event: str | None = None  # the event whose hooks are shown
        self.hook = 0
        self.error: str | None = None
        self.reload()

    def reload(self) -> None:
        """The hooks with their trust state as the config file has it now."""
        from codex.core.hooks_view import configured_hooks
        from codex.errors import CodexError

        try:
            self.hooks = configured_hooks(self.config)
        except CodexError as err:
            self.error = f"Could not read the hooks: {err}"

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(id="hooks-body")
            yield Static(id="hooks-footer")

    def on_mount(self) -> None:
        self._render_body()

    def _of(self, event: str) -> list[Any]:
        return [h for h in self.hooks if h.event == event]

    def _highlighted(self) -> Any:
        hooks = self._of(self.event) if self.event is not None else []
        return hooks[self.hook] if hooks else None

    def _render_body(self) -> None:
        text = Text()
        if self.error is not None:
            text.append(f"  {self.error}\n", "red")
        if self.event is None:
            footer = self._render_events(text)
        else:
            footer = self._render_hooks(text, self.event)
        text.rstrip()
        self.query_one("#hooks-body", Static).update(text)
        self.query_one("#hooks-footer", Static).update(footer)

    def _render_events(self, text: Text) -> str:
        from codex.core.hooks_view import pending_count

        pending = pending_count(self.hooks)
        text.append("  Hooks\n", style="bold")
        text.append("  Lifecycle hooks from config.\n", style="dim")
        if pending:
            text.append(f"  ⚠ {needs_review_line(pending)}\n", style="yellow")
        text.append("\n")
        columns = ["Installed", "Active", *(["Review"] if pending else [])]
        text.append("  " + _row("Event", columns, "Description") + "\n", "dim")
        for n, (event, description) in enumerate(self.events):
            hooks = self._of(event)
            counts = [str(len(hooks)), str(sum(h.active for h in hooks))]
            if pending:
                counts.append(str(sum(h.needs_review for h in hooks)))
            here = n == self.index
            line = _row(event, counts, description)
            text.append(("› " if here else "  ") + line + "\n", "cyan" if here else "")
        return REVIEW_LIST_FOOTER if pending else LIST_FOOTER

    def _render_hooks(self, text: Text, event: str) -> str:
        from codex.core.hooks_view import pending_count

        hooks = self._of(event)
        pending = pending_count(hooks)
        text.append(f"  {event} hooks\n", style="bold")
        text.append(f"  {needs_review_line(pending) if pending else TOGGLE_HINT}\n\n", "dim")
        if not hooks:
            text.append("  No hooks installed for this event.\n")
            return "esc back"
        for n, hook in enumerate(hooks):
            here = n == self.hook
            mark = "[!]" if hook.needs_review else "[x]" if hook.enabled else "[ ]"
            suffix = ROW_SUFFIX.get(hook.trust, "")
            line = f"{'› ' if here else '  '}{mark} {n + 1:>2}  Unnamed hook{suffix}\n"
            text.append(line, "cyan" if here else "")
        hook = hooks[self.hook]
        text.append("\n")
        for label, value in (
            ("Event", hook.event),
            ("Matcher", hook.matcher or "*"),
            ("Source", _source(hook.source)),
            ("Command", hook.command),
            ("Mode", "Sync"),  # codex-py runs every hook to completion before going on
            ("Timeout", f"{hook.timeout_s:g}s"),
            ("Trust", TRUST_TEXT.get(hook.trust, hook.trust)),
        ):
            text.append(f"  {label:<10}", "dim")
            text.append(value + "\n")
        return REVIEW_FOOTER if hook.needs_review else TOGGLE_FOOTER

    # ---- keys ----------------------------------------------------------------------------

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
        else:
            self.action_toggle()

    def action_toggle(self) -> None:
        """Switch the highlighted trusted hook on or off (a hook waiting for review: nothing)."""
        hook = self._highlighted()
        if hook is None or hook.needs_review:
            return
        from codex.core.hooks_view import set_enabled

        self._edit(lambda: set_enabled(self.config, hook, not hook.enabled))

    def action_trust(self) -> None:
        """Trust the highlighted hook (an event's list) or every listed one waiting (the table)."""
        from codex.core.hooks_view import trust

        if self.event is None:
            waiting = [h for h in self.hooks if h.needs_review]
        else:
            hook = self._highlighted()
            waiting = [hook] if hook is not None and hook.needs_review else []
        if waiting:
            self._edit(lambda: trust(self.config, waiting))

    def _edit(self, write: Any) -> None:
        from codex.errors import CodexError

        self.error = None
        try:
            write()
        except (CodexError, OSError) as err:
            self.error = f"Could not save the hooks' state: {err}"
        self.reload()
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

    config = app.options.config
    try:
        configured_hooks(config)
    except CodexError as err:
        app.mapper.notice(f"Could not read the hooks: {err}", "red")
        return
    app.push_screen(HooksScreen(EVENTS, config), lambda _: refocus(app))
