"""The start-up question 0.169's TUI asks when configured hooks wait for review (new, or changed
since they were trusted): "Hooks need review" with three choices, before the session starts and
after the folder-trust prompt (tests/fixtures/tui_official_0169/hooks_startup_notes.md).

- 1. Review hooks: the /hooks screen (codex.tui.hooks_cmd); the session starts once it closes.
- 2. Trust all and continue: every waiting hook is trusted as it is now (`[hooks.state]`
  records, codex.core.hooks_view.trust_all), then the session starts and they run.
- 3. Continue without trusting (hooks won't run), and Esc: nothing is written; the session
  starts, the hooks do not run, and the next start asks again.

Keys as 0.169's: up/down and k/j move (wrapping), Enter confirms, `1` and `3` choose at once,
`2` only moves to "Trust all" (trusting takes an Enter). With `--dangerously-bypass-hook-trust`
nothing is asked. Hooks are never trusted here without that explicit choice.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.binding import Binding

from codex.tui.numbered_choices import MOVE_AND_CHOOSE, NumberedChoiceScreen

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

REVIEW, TRUST_ALL, SKIP = "review", "trust_all", "skip"
CHOICES = (
    (REVIEW, "Review hooks"),
    (TRUST_ALL, "Trust all and continue"),
    (SKIP, "Continue without trusting (hooks won't run)"),
)
TITLE = "Hooks need review"
DISCLOSURE = "Hooks can run outside the sandbox after you trust them."
FOOTER = "enter confirm · esc skip"


def changed_line(count: int) -> str:
    """0.169's count line."""
    if count == 1:
        return "1 hook is new or changed."
    return f"{count} hooks are new or changed."


def _may_have_hooks(config: Any) -> bool:
    """A cheap look before reading any hook: most starts have none, and the hook modules'
    imports should not sit between the composer and the session for them."""
    if getattr(config, "tool_hook_command", None) or getattr(config, "hooks", None):
        return True  # (`hooks` also holds `state`: the full read decides)
    home = getattr(config, "codex_home", None)
    return home is not None and os.path.isfile(os.path.join(str(home), "hooks.json"))


def hooks_to_review(config: Any) -> int:
    """How many configured hooks wait for review (every event's, as 0.169 counts them, enabled
    or not); 0 with `--dangerously-bypass-hook-trust` or when the hooks cannot be read (the
    session reports a malformed hooks.json itself)."""
    if config is None or not _may_have_hooks(config):
        return 0
    from codex._hook_trust_flag import bypass_requested
    from codex.core.hooks_view import configured_hooks, pending_count
    from codex.errors import CodexError

    if bypass_requested():
        return 0
    try:
        return pending_count(configured_hooks(config, every_event=True))
    except (CodexError, OSError, ValueError):
        return 0


class HooksPromptScreen(NumberedChoiceScreen[str]):
    """Dismissed with REVIEW, TRUST_ALL or SKIP."""

    DEFAULT_CSS = """
    HooksPromptScreen { background: $background; align: left top; }
    HooksPromptScreen > Vertical { height: auto; padding: 1 0; }
    HooksPromptScreen #head, HooksPromptScreen #foot { padding: 0 2; }
    HooksPromptScreen #choices { padding: 2 0 1 0; }  /* (0.169's blank lines) */
    """
    BINDINGS: ClassVar = [
        *MOVE_AND_CHOOSE,
        Binding("k", "move(-1)", show=False),
        Binding("j", "move(1)", show=False),
        Binding("1", "pick(0)", show=False),
        Binding("2", "select(1)", show=False),  # (0.169: trusting all takes an Enter)
        Binding("3", "pick(2)", show=False),
        Binding("escape", "pick(2)", show=False),
    ]
    CHOICES = CHOICES
    TRIM_LAST_NEWLINE = True

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count

    def head(self) -> Text:
        head = Text(TITLE + "\n", style="bold")
        head.append(changed_line(self.count) + "\n")
        head.append(DISCLOSURE, style="dim")
        return head

    def foot(self) -> Text:
        return Text(FOOTER, style="dim")


def review_hooks_first(app: CodexApp, then: Callable[[], None]) -> None:
    """Ask about the hooks waiting for review, if any, and call `then` (open the session) once
    answered; with none waiting, `then` at once."""
    config = app.options.config
    count = hooks_to_review(config)
    if not count:
        then()
        return

    def answered(choice: str | None) -> None:
        if choice == REVIEW:
            from codex.core.hooks_view import EVENTS
            from codex.tui.hooks_cmd import HooksScreen

            app.push_screen(HooksScreen(EVENTS, config), lambda _: then())
            return
        if choice == TRUST_ALL:
            _trust_all(app, config)
        then()

    app.push_screen(HooksPromptScreen(count), answered)


def _trust_all(app: CodexApp, config: Any) -> None:
    from codex.core.hooks_view import trust_all
    from codex.errors import CodexError

    try:
        trust_all(config)
    except (CodexError, OSError) as err:
        app.mapper.notice(f"Could not save the hooks' state: {err}", "red")
