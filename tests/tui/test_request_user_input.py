"""request_user_input in the TUI (real session, loopback mock model): with
`features.default_mode_request_user_input` each question opens a picker (header, question,
options); the chosen labels reach the model as the tool output, Esc leaves a question
unanswered; without the feature nothing is asked and the model reads 0.169's refusal.
Facts: tests/fixtures/request_user_input_official.json."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn
from tests.support.official import SAMPLES
from tests.tui.test_pilot import SIZE, screen_text, type_text, until

pytestmark = pytest.mark.anyio

FACTS = json.loads((SAMPLES.parent / "request_user_input_official.json").read_text())
QUESTIONS = json.loads(FACTS["exec_default"]["rollout"][0]["payload"]["arguments"])
FEATURE = {"features.default_mode_request_user_input": True}


def _script(mock: MockModelServer) -> None:
    mock.enqueue(
        Turn([FunctionCall("c1", "request_user_input", QUESTIONS)]), Turn([Message("all done")])
    )


async def _start(pilot: Any, app: Any) -> None:
    await until(pilot, lambda: bool(app.mapper.status.session_id))
    await type_text(pilot, "go")
    await pilot.press("enter")


async def _picker(pilot: Any, app: Any, title: str) -> Any:
    from codex.tui.choice import ChoiceScreen

    await until(
        pilot, lambda: isinstance(app.screen, ChoiceScreen) and app.screen.title_text == title
    )
    return app.screen


async def _quiet(pilot: Any, app: Any) -> None:
    await until(pilot, lambda: not app.mapper.status.running and not app._flush_pending)


async def test_the_chosen_options_reach_the_model(
    make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    _script(mock_model_server)
    app = make_app(flags=FEATURE)
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, app)
        first = await _picker(pilot, app, "Color (1/2)")
        assert first.subtitle == "Which color?"
        assert [c.label for c in first.choices] == ["Red (Recommended)", "Blue"]
        await pilot.press("2")  # Blue
        await _picker(pilot, app, "Size (2/2)")
        await pilot.press("enter")  # Small, the highlighted first row
        await until(pilot, lambda: "all done" in screen_text(app))
        assert "You answered 2 of 2 questions" in screen_text(app)
        await _quiet(pilot, app)
        await app.shutdown()
    out = mock_model_server.requests[1].function_call_output("c1")["output"]
    assert json.loads(out) == {
        "answers": {"color": {"answers": ["Blue"]}, "size": {"answers": ["Small"]}}
    }


async def test_escape_leaves_a_question_unanswered(
    make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    _script(mock_model_server)
    app = make_app(flags=FEATURE)
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, app)
        await _picker(pilot, app, "Color (1/2)")
        await pilot.press("escape")
        await _picker(pilot, app, "Size (2/2)")
        await pilot.press("escape")
        await until(pilot, lambda: "all done" in screen_text(app))
        await _quiet(pilot, app)
        await app.shutdown()
    out = mock_model_server.requests[1].function_call_output("c1")["output"]
    assert out == '{"answers":{}}'


async def test_default_mode_asks_nothing(
    make_app: Callable[..., Any], mock_model_server: MockModelServer
) -> None:
    from codex.tui.choice import ChoiceScreen

    _script(mock_model_server)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await _start(pilot, app)
        await until(pilot, lambda: "all done" in screen_text(app))
        assert not isinstance(app.screen, ChoiceScreen)
        await _quiet(pilot, app)
        await app.shutdown()
    out = mock_model_server.requests[1].function_call_output("c1")["output"]
    assert out == FACTS["exec_default"]["tool_output"]
