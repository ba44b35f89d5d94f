"""Ctrl-C / Ctrl-D are the app's priority bindings, so the app sees them before the composer
has handled the keys typed just before (Textual forwards those to the composer's own queue).
Decided at once, "keep" + Ctrl-D quit with the text still queued (the tmux test of
test_quit_keys.py failed that way under load) and "keep" + Ctrl-C quit instead of clearing it;
they are decided after the composer's queue."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

import pytest
from tests.tui.test_pilot import SIZE, until
from tests.tui.test_startup import deferred_app

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(("quit_key", "left"), [("ctrl+d", "keep!"), ("ctrl+c", "!")])
async def test_quit_key_after_keys_still_queued_for_the_composer(
    home: Path, repo: Path, quit_key: str, left: str
) -> None:
    from textual import events

    from codex.errors import CodexError
    from codex.tui.widgets import Composer

    release = threading.Event()

    def load() -> Any:
        # No config, so no session: a quit is an immediate `exit` (nothing to shut down).
        assert release.wait(60)
        raise CodexError("test over")

    app = deferred_app(home, repo, load)
    async with app.run_test(size=SIZE) as pilot:
        try:
            await pilot.pause()
            composer = app.query_one(Composer)
            # Posted together: the app forwards the letters to the composer's queue and reaches
            # the quit key before the composer has handled them.
            for ch in "keep":
                app.post_message(events.Key(ch, ch))
            app.post_message(events.Key(quit_key, None))
            app.post_message(events.Key("exclamation_mark", "!"))
            handled = asyncio.Event()
            await until(pilot, lambda: composer.text == left or app._exit)
            composer.call_later(handled.set)  # after anything the quit key left in that queue
            await until(pilot, lambda: handled.is_set() or app._exit)
            assert not app._exit, f"{quit_key} quit with text typed before it"
            assert composer.text == left  # Ctrl-D kept the text, Ctrl-C cleared it
        finally:
            release.set()  # (the config thread ends the app)
