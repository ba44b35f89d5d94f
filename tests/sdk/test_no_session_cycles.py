"""A finished thread's core session is freed when its last user drops it, not left for the
cycle collector: each session used to be a reference cycle (its parts held bound methods of it),
so a process running many threads kept every finished one, history and rollout writer included,
until a full collection. Checked with the collector's own view of what only it could free
(DEBUG_SAVEALL), through the in-process API against the loopback mock, with a plain turn and a
turn whose command went through the approval handler (the approvals' callbacks into the
session)."""

from __future__ import annotations

import asyncio
import gc
from collections import Counter

from tests.sdk.test_sdk import make_home
from tests.support.model_stream import FunctionCall, Message, Turn

from codex import AsyncCodex

CORE_TYPES = {"Session", "SessionState", "RolloutRecorder", "JsonlWriter", "SessionApprovals"}


def _cyclic_garbage(run) -> Counter[str]:
    """The core objects only the cycle collector frees, among those `run()` leaves behind."""
    gc.collect()
    gc.disable()  # nothing may be freed by an automatic collection before the one below
    try:
        run()
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        found = Counter(type(o).__name__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    return Counter({name: n for name, n in found.items() if name in CORE_TYPES})


def test_finished_sessions_are_not_reference_cycles(tmp_path, mock_model_server):
    args = {"cmd": "true", "login": False}
    mock_model_server.enqueue(
        Turn([Message("one")]),
        Turn([Message("two")]),
        Turn([FunctionCall("c1", "exec_command", args)]),
        Turn([Message("done")]),
    )
    config = make_home(tmp_path, mock_model_server)
    config.config_overrides = ('approval_policy="untrusted"',)

    async def approve(method, params):
        return {"decision": "accept"}

    async def main() -> list[str]:
        async with AsyncCodex(config, approval_handler=approve) as client:
            plain = [await client.thread_start() for _ in range(2)]
            answers = [(await t.run("hi")).final_response for t in plain]
            asked = await client.thread_start(approval_mode=None)
            answers.append((await asked.run("go")).final_response)
            return answers

    answers: list[str] = []
    garbage = _cyclic_garbage(lambda: answers.extend(asyncio.run(main())))
    assert sorted(answers) == ["done", "one", "two"]
    assert len(mock_model_server.requests) == 4  # the command turn asked and went on
    assert garbage == Counter(), garbage
