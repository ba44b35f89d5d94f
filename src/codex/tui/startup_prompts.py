"""The questions `codex` may ask before its session opens, in 0.169's order: sign in (no
credentials yet), trust this folder (an unknown project), then hooks waiting for review
(codex.tui.hooks_prompt). Each one's answer leads to the next; declining sign-in or trust ends
the app, as 0.169's does. Its own module so the app class keeps to drawing and the session.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codex.tui.app import CodexApp


def ask_before_session(app: CodexApp) -> None:
    """Ask whatever the loaded config calls for, then open the session (or the resume picker)."""
    if app.options.signin_prompt:
        _ask_signin(app)
    elif app.options.trust_prompt:
        _ask_trust(app)
    else:
        _ask_hooks(app)


def _ask_signin(app: CodexApp) -> None:
    from codex.tui.signin import SignInScreen

    def signed_in(done: bool | None) -> None:
        app.options.signin_prompt = False
        if done:
            app.after_config()
        else:
            app.exit(0)

    app.push_screen(SignInScreen(app.options.config), signed_in)


def _ask_trust(app: CodexApp) -> None:
    from codex.tui.trust import TrustScreen, record_trust

    def answered(trusted: bool | None) -> None:
        if not trusted:
            app.exit(0)
            return
        record_trust(app.options.config)
        if app.options.reload_config is not None:
            app.options.config = app.options.reload_config()
        _ask_hooks(app)

    app.push_screen(TrustScreen(Path(str(app.options.config.cwd))), answered)


def _ask_hooks(app: CodexApp) -> None:
    from codex.tui.hooks_prompt import review_hooks_first

    review_hooks_first(app, app.open_first_view)
