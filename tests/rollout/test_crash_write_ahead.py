"""Write-ahead in the turn loop (issue 13, item 6), seen from inside a real Session.

The tool the model calls reads the rollout file while it runs: it must already find the prompt
(written through before the request left) and its own call (written before the tool started).
No kill needed: what a command sees on disk is what a `kill -9` at that moment would leave.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.core.harness import make_config, run_turn
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn

from codex.core import Session
from codex.rollout import RolloutRecorder, SessionMetaParams, load_rollout

PROMPT = "remember the word PELICAN"


def _recorder(config) -> RolloutRecorder:  # type: ignore[no-untyped-def]
    meta = SessionMetaParams(
        cwd=str(config.cwd),
        originator="codex_exec",
        cli_version="0.0.0",
        source="exec",
        model_provider="mock",
    )
    return RolloutRecorder.create(Path(config.codex_home), meta)


def _run(config, recorder: RolloutRecorder, *prompts: str) -> list[list]:  # type: ignore[no-untyped-def,type-arg]
    async def main() -> list[list]:  # type: ignore[type-arg]
        async with Session(config, recorder=recorder) as session:
            await session.next_event()
            for client in [session.client_for(session.config.model)]:
                client.retry.sleep = _no_sleep  # type: ignore[attr-defined]
            return [await run_turn(session, p) for p in prompts]

    return asyncio.run(main())


async def _no_sleep(_delay: float) -> None:
    return None


def test_the_running_tool_finds_the_prompt_and_its_call_on_disk(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    config = make_config(tmp_path, mock_model_server)
    recorder = _recorder(config)
    # `[x]` in each pattern keeps it from matching the command's own text (the call's arguments
    # are in the file too).
    probe = (
        f"grep -c 'remember the word PELICA[N]' {recorder.path}; "
        f'grep -c \'"call_id":"c_prob[e]"\' {recorder.path}; '
        f"grep -c '<environment_contex[t]>' {recorder.path}"
    )
    mock_model_server.enqueue(
        Turn([FunctionCall("c_probe", "exec_command", {"cmd": probe})]),
        Turn([Message("done")]),
    )
    _run(config, recorder, PROMPT)
    output = mock_model_server.requests[1].function_call_output("c_probe")
    assert output is not None
    # As the command saw the file while it ran: the prompt (its response_item and its
    # user_message event), the call, the environment context.
    counts = output["output"].rstrip().splitlines()[-3:]
    assert counts == ["2", "1", "1"], output["output"]


def test_a_retried_stream_keeps_its_recorded_call_answered(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    """A call written ahead and then lost with its stream stays in the history with an answer
    (its output, or `aborted`), so no request ever carries a call without one."""
    config = make_config(tmp_path, mock_model_server)
    recorder = _recorder(config)
    mock_model_server.enqueue(
        Turn([FunctionCall("c_cut", "exec_command", {"cmd": "echo cut"})], fault="cut"),
        Turn([Message("whole")]),
        Turn([Message("second")]),
    )
    _run(config, recorder, "first", "again")
    last = mock_model_server.requests[-1]
    assert last.tool_pairing_problems() == []
    assert [c["call_id"] for c in last.inputs_of_type("function_call")] == ["c_cut"]
    history = load_rollout(recorder.path).history
    calls = [i for i in history if i.get("type") == "function_call"]
    outputs = [i for i in history if i.get("type") == "function_call_output"]
    assert [i["call_id"] for i in calls] == [i["call_id"] for i in outputs] == ["c_cut"]
