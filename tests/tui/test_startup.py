"""The composer comes first: `codex` draws its first frame before the config is loaded
(codex.tui.startup), and what depends on the config (history, trust, slash commands, the
session) follows once it is; a bad config still ends the app with its one-line error."""

from __future__ import annotations

import gc
import threading
from pathlib import Path
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage
from tests.tui.test_pilot import SIZE, type_text, until

pytestmark = pytest.mark.anyio
USAGE = Usage(input_tokens=100, cached_input_tokens=0, output_tokens=10)


def deferred_app(home: Path, repo: Path, load: Any) -> Any:
    from codex.tui.app import CodexApp, LaunchOptions
    from codex.tui.startup import Deferred

    return CodexApp(
        LaunchOptions(
            config=None,
            cwd=str(repo),
            deferred=Deferred(
                load_config=load,
                needs_trust=lambda config: False,
                load_history=lambda config: ["from history.jsonl"],
            ),
            version="0.0.0-test",
        )
    )


async def test_composer_drawn_while_the_config_is_still_loading(
    home: Path, repo: Path, mock_model_server: MockModelServer, monkeypatch: Any
) -> None:
    from codex.cli.context import CliContext
    from codex.tui.transcript import TranscriptView
    from codex.tui.widgets import Composer

    monkeypatch.setenv("MOCK_KEY", "test-key")
    monkeypatch.setenv("CODEX_HOME", str(home))
    mock_model_server.enqueue(Turn([Message("answered after loading")], USAGE))
    release = threading.Event()

    def load() -> Any:
        # Held until the test has seen the composer: the config is read after the first frame.
        assert release.wait(60)
        return CliContext(config_home=str(home)).load_config(cwd=repo, flag_overrides={})

    app = deferred_app(home, repo, load)
    gc.disable()  # as codex.tui.launch starts the app: collection resumes after the first frame
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        composer = app.query_one(Composer)
        view = app.query_one(TranscriptView)
        assert composer.has_focus
        assert app.options.config is None
        assert app.mapper.status.model == "loading"
        assert str(repo) in view.render_line(1).text  # the header, from the launch directory
        await type_text(pilot, "/mcp")
        await pilot.press("enter")  # a slash command waits for the config
        await type_text(pilot, "early message")
        await pilot.press("enter")  # a message waits for the session
        await pilot.pause(0.1)
        assert app.early_slash == ["/mcp"]
        release.set()
        await until(pilot, lambda: bool(app.mapper.status.session_id))
        texts = lambda: [cell.to_markdown() for cell in app.mapper.cells]  # noqa: E731
        await until(pilot, lambda: any("No MCP servers configured" in t for t in texts()))
        await until(pilot, lambda: any("answered after loading" in t for t in texts()))
        assert composer.recall[0] == "from history.jsonl"
        assert app.mapper.status.model != "loading"
        assert gc.isenabled()
        sent = mock_model_server.requests[0].json["input"][-1]["content"][0]["text"]
        assert sent == "early message"
        await app.shutdown()


async def test_a_bad_config_ends_the_app_with_its_error(home: Path, repo: Path) -> None:
    from codex.errors import CodexError

    def load() -> Any:
        raise CodexError("config.toml: approval_policy: bad value", exit_code=2)

    app = deferred_app(home, repo, load)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: app.exit_message is not None)
    assert app.exit_message == "config.toml: approval_policy: bad value"
    assert app.exit_message_code == 2


async def test_a_print_captured_while_the_app_runs_is_flushed(make_app: Any) -> None:
    """Textual captures stdout/stderr while it runs and flushes them through `App._flush`;
    the app's repaint method once had that name (TypeError on every captured flush)."""
    import sys

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        print("a stray line", file=sys.stderr, flush=True)
        print("a stray line", flush=True)
        await pilot.pause()
        await app.shutdown()
