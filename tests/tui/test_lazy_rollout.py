"""The TUI's session file is made by its first turn (core's rollout, as 0.169): a session
opened and quit without a prompt leaves nothing under $CODEX_HOME/sessions; /status names the
path the first turn writes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.tui.test_pilot import type_text, until

pytestmark = pytest.mark.anyio
SIZE = (110, 34)


async def test_a_session_quit_without_a_prompt_leaves_no_file(
    make_app: Callable[..., Any], home: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.mapper.status.session_id))
        assert app.mapper.status.rollout_path  # named already
        await app.shutdown()
    assert not Path(app.mapper.status.rollout_path).exists()
    assert list((home / "sessions").rglob("*.jsonl")) == []


async def test_the_first_prompt_makes_the_named_file(
    make_app: Callable[..., Any], mock_model_server: MockModelServer, home: Path
) -> None:
    mock_model_server.enqueue(Turn([Message("ok")]))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: bool(app.mapper.status.session_id))
        named = Path(app.mapper.status.rollout_path)
        assert not named.exists()
        await type_text(pilot, "hi")
        await pilot.press("enter")
        await until(pilot, lambda: len(mock_model_server.requests) == 1)
        await until(pilot, lambda: not app.mapper.status.running)
        await app.shutdown()
    assert list((home / "sessions").rglob("*.jsonl")) == [named]
