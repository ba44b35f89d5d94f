"""Fixtures for the TUI tests: a CODEX_HOME pointed at the mock model server (with the test
repository already trusted, so no trust prompt unless a test asks for one), and a helper that
builds the app as `codex` would, from the same config loader."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.tui.tmux import Pane

pytest.importorskip("textual", reason="the TUI tests need textual (the `test` extra)")


@pytest.fixture
def home(tmp_path: Path, mock_model_server: MockModelServer) -> Path:
    return write_mock_config(tmp_path / "codex-home", mock_model_server.base_url)


@pytest.fixture
def repo(git_repo: Path) -> Path:
    return git_repo


@pytest.fixture
def pane(tmp_path: Path) -> Iterator[Pane]:
    """A tmux session of its own (Pane's default size), killed after the test; a module that
    needs another size defines its own."""
    pane = Pane(tmp_path / "tmux.sock")
    yield pane
    pane.close()


@pytest.fixture
def make_app(
    home: Path, repo: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[..., Any]]:
    """`make_app(prompt=..., flags=..., **options)` → a CodexApp for `repo` with `home`."""
    monkeypatch.setenv("MOCK_KEY", "test-key")
    monkeypatch.setenv("CODEX_HOME", str(home))

    def make(*, flags: dict[str, object] | None = None, **options: Any) -> Any:
        from codex.cli.context import CliContext
        from codex.core.message_history import recent_messages
        from codex.tui.app import CodexApp, LaunchOptions

        ctx = CliContext(config_home=str(home))
        config = ctx.load_config(cwd=repo, flag_overrides=flags or {})
        options.setdefault("history", recent_messages(home))
        return CodexApp(LaunchOptions(config=config, version="0.0.0-test", **options))

    yield make


@pytest.fixture(autouse=True)
def _codex_logger_restored() -> Iterator[None]:
    """The `codex` logger as it was before the test: loading a config in-process installs the
    TUI's log handler once per process and stops propagation, which hid every later test's
    records from caplog (tests/rollout's torn-line warning test failed after these)."""
    import logging

    logger = logging.getLogger("codex")
    handlers, propagate, level = list(logger.handlers), logger.propagate, logger.level
    yield
    for handler in list(logger.handlers):
        if handler not in handlers:
            logger.removeHandler(handler)
            handler.close()
    logger.propagate = propagate
    logger.setLevel(level)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
