"""What `codex` does once its first frame is on screen: the composer is drawn first, then the
configuration is loaded (validated or read from its cache), the message history read and the
folder's trust looked up, in a thread so keys typed meanwhile are echoed.

Loading them before the app started put all of it (the config schema's imports alone are tens
of milliseconds on a loaded machine) between the command and its first frame. Until the config
is known the header shows the launch directory and the status line `loading`; a message sent
meanwhile waits for the session like any early message, a slash command (most read the config)
until the config is there. A bad config still ends the app with its one-line error and exit
code, printed once the terminal is restored.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex.tui.app import CodexApp


@dataclass(slots=True)
class Deferred:
    """How to finish what `codex.tui.launch` left for after the first frame."""

    load_config: Callable[[], Any]  # () -> Config; raises CodexError for a bad config
    needs_trust: Callable[[Any], bool]  # config -> ask whether to trust the folder
    load_history: Callable[[Any], list[str]]  # config -> recent messages, oldest first


def _load(deferred: Deferred) -> tuple[Any, bool, bool, list[str]]:
    from codex.tui.onboarding import needs_signin  # (a stat of auth.json)

    config = deferred.load_config()
    trust = deferred.needs_trust(config)
    return config, trust, needs_signin(config), deferred.load_history(config)


async def finish_startup(app: CodexApp) -> None:
    """Load what the app was started without, then go on as if it had been given it."""
    from codex.errors import CodexError
    from codex.tui.widgets import Composer

    gc.freeze()  # what start-up built lives on: later collections need not walk it
    gc.enable()  # (codex.tui.launch held collection off until the first frame)
    deferred = app.options.deferred
    try:
        config, trust, signin, history = await asyncio.to_thread(_load, deferred)
    except CodexError as err:
        app.exit_message = str(err)
        app.exit_message_code = err.exit_code
        app.exit(err.exit_code)
        return
    app.options.config = config
    app.options.trust_prompt = trust
    app.options.signin_prompt = signin
    if app.mapper.status.model == "loading":
        app.mapper.status.model = str(config.model)
    app.mapper.status.fast = config.service_tier in ("fast", "priority")  # (/fast)
    recall = app.query_one(Composer).recall
    recall[:0] = history  # before anything sent while loading
    app.mark_dirty()
    app.after_config()
    early, app.early_slash = app.early_slash, []
    if early:
        from codex.tui.slash import run_slash

        for text in early:
            await run_slash(app, text)
