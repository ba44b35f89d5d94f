"""The official Python SDK (`openai-codex` 0.163.0, unchanged) drives our `codex app-server`
against the mock model server: thread_start, run, streaming, AsyncCodex, thread list / read /
resume, model list, a failing turn, and an approval round trip (through its low-level client,
the only way the SDK asks for approvals)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer, scenario
from tests.support.model_stream import FunctionCall, Message, Turn

sdk = pytest.importorskip("openai_codex", reason="openai-codex==0.163.0 is not installed")


def _codex_bin() -> str:
    """Our `codex` entry point: the console script beside this Python, else PATH."""
    found = Path(sys.executable).with_name("codex")
    if found.is_file():
        return str(found)
    which = shutil.which("codex")
    if which is None:
        pytest.skip("no `codex` console script installed (pip install -e .)")
    return which


@pytest.fixture
def config(home: Path, repo: Path) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEX_")}
    fake_home = home.parent / "fakehome"
    fake_home.mkdir(exist_ok=True)
    env.update(CODEX_HOME=str(home), MOCK_KEY="dummy", HOME=str(fake_home))
    # The SDK adds its env on top of os.environ: a CODEX_HOME of the runner must not leak.
    return sdk.CodexConfig(codex_bin=_codex_bin(), cwd=str(repo), env=env)


@pytest.fixture
def codex(config: Any) -> Iterator[Any]:
    with sdk.Codex(config) as client:
        yield client


def test_run_returns_the_final_answer_and_usage(codex: Any, mock: MockModelServer) -> None:
    mock.enqueue(scenario("message"))
    thread = codex.thread_start()
    result = thread.run("Say hello")
    assert result.final_response == "hello from the mock"
    assert result.usage.total.total_tokens == 120
    assert mock.requests[0].header("originator") == "codex_python_sdk"


def test_metadata_names_our_server(codex: Any) -> None:
    assert "0.169.0" in str(codex.metadata)


def test_streaming_yields_deltas_then_turn_completed(codex: Any, mock: MockModelServer) -> None:
    mock.enqueue(scenario("message"))
    thread = codex.thread_start()
    handle = thread.turn("stream it")
    methods = []
    deltas = []
    for notification in handle.stream():
        methods.append(notification.method)
        if notification.method == "item/agentMessage/delta":
            deltas.append(notification.payload.delta)
    assert "".join(deltas) == "hello from the mock"
    assert methods[-1] == "turn/completed"
    assert "turn/started" in methods


def test_a_failing_turn_raises_with_the_message(codex: Any, mock: MockModelServer) -> None:
    mock.enqueue(scenario("http400"))
    thread = codex.thread_start()
    with pytest.raises(RuntimeError, match="bad request from mock"):
        thread.run("fail")


def test_thread_list_read_resume_and_models(config: Any, codex: Any, mock: MockModelServer) -> None:
    mock.repeat(scenario("message"))
    thread = codex.thread_start()
    thread.run("first")
    listed = codex.thread_list()
    assert thread.id in [t.id for t in listed.data]
    read = thread.read(include_turns=True)
    assert len(read.thread.turns) == 1
    models = codex.models()
    assert any(m.is_default for m in models.data)
    codex.close()
    with sdk.Codex(config) as again:  # a new process resumes the thread from its rollout
        resumed = again.thread_resume(thread.id)
        assert resumed.id == thread.id
        assert resumed.run("second").final_response == "hello from the mock"
        turns = resumed.read(include_turns=True).thread.turns
        assert len(turns) == 2
    second_input = mock.requests[-1].message_texts("user")
    assert "first" in second_input and "second" in second_input


def test_async_codex_runs_a_turn(config: Any, mock: MockModelServer) -> None:
    mock.enqueue(scenario("message"))

    async def main() -> str | None:
        async with sdk.AsyncCodex(config) as client:
            thread = await client.thread_start()
            result = await thread.run("async hello")
            return result.final_response

    assert asyncio.run(main()) == "hello from the mock"


def test_approval_round_trip_through_the_low_level_client(
    config: Any, mock: MockModelServer, repo: Path
) -> None:
    from openai_codex.client import CodexClient

    asked: list[tuple[str, dict]] = []

    def handler(method: str, params: Any) -> dict:
        asked.append((method, params or {}))
        return {"decision": "accept"}

    mock.enqueue(
        Turn(
            [
                FunctionCall(
                    "call_ok",
                    "exec_command",
                    {
                        "cmd": "touch approved.txt",
                        "sandbox_permissions": "require_escalated",
                        "justification": "needs to write",
                    },
                )
            ]
        ),
        Turn([Message("done")]),
    )
    client = CodexClient(config, approval_handler=handler)
    client.start()
    try:
        client.initialize()
        thread = client.thread_start(
            {"cwd": str(repo), "approvalPolicy": "on-request", "approvalsReviewer": "user"}
        )
        turn = client.turn_start(thread.thread.id, "touch it")
        completed = client.wait_for_turn_completed(turn.turn.id)
        assert completed.turn.status.value == "completed"
    finally:
        client.close()
    assert [m for m, _ in asked] == ["item/commandExecution/requestApproval"], asked
    assert asked[0][1]["command"].endswith("touch approved.txt'")
    assert (repo / "approved.txt").exists()


def test_auto_review_threads_never_escalate(codex: Any, mock: MockModelServer, repo: Path) -> None:
    """The SDK's default reviewer is "auto_review" (a reviewer model, upstream); codex-py has
    none, so an escalation is declined instead of asked of the SDK, which approves anything."""
    mock.enqueue(
        Turn(
            [
                FunctionCall(
                    "call_x",
                    "exec_command",
                    {
                        "cmd": "touch escalated.txt",
                        "sandbox_permissions": "require_escalated",
                        "justification": "wants out",
                    },
                )
            ]
        ),
        Turn([Message("declined, fine")]),
    )
    thread = codex.thread_start(cwd=str(repo))
    result = thread.run("try")
    assert result.final_response == "declined, fine"
    assert not (repo / "escalated.txt").exists()
    commands = [i for i in result.items if getattr(i.root, "type", None) == "commandExecution"]
    assert [c.root.status.value for c in commands] == ["declined"]
