"""`from codex import Codex, AsyncCodex`: the official SDK's API running core in this process,
against the real loopback mock model server. The scenarios are those the official SDK's
docstrings and README show: one turn, a streamed turn, async, many threads in one loop, resume
by id from another client, listing, an approval answered by the handler, a failing turn."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, HttpError, Message, Turn, Usage

import codex
from codex import (
    AgentMessageThreadItem,
    ApprovalMode,
    AsyncCodex,
    Codex,
    CodexConfig,
    CommandExecutionThreadItem,
    Sandbox,
    TurnStatus,
    UserMessageThreadItem,
)


def make_home(tmp_path: Path, server: MockModelServer) -> CodexConfig:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    (home / "config.toml").write_text(
        'model = "gpt-5.5"\nmodel_provider = "mock"\n'
        "[model_providers.mock]\n"
        f'name = "mock"\nbase_url = "{server.base_url}"\nwire_api = "responses"\n'
        'env_key = "PATH"\nstream_max_retries = 0\n'
    )
    return CodexConfig(codex_home=str(home), cwd=str(work))


def test_one_import_gives_the_official_names():
    official = pytest.importorskip("openai_codex", reason="openai-codex (test extra) not installed")
    wanted = {
        "Codex",
        "AsyncCodex",
        "CodexConfig",
        "Sandbox",
        "ApprovalMode",
        "TextInput",
        "ImageInput",
        "LocalImageInput",
        "SkillInput",
        "MentionInput",
        "ExternalMessage",
        "TurnResult",
        "Thread",
        "AsyncThread",
        "TurnHandle",
        "AsyncTurnHandle",
    }
    assert wanted <= set(official.__all__)
    assert all(hasattr(codex, name) for name in wanted)
    assert {m.value for m in codex.Sandbox} == {m.value for m in official.Sandbox}
    assert {m.value for m in codex.ApprovalMode} == {m.value for m in official.ApprovalMode}
    assert set(codex.TurnResult.__slots__) == set(official.TurnResult.__slots__)


def test_sync_run_returns_the_final_response_items_and_usage(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("the answer")], usage=Usage(3, 0, 4)))
    with Codex(make_home(tmp_path, mock_model_server)) as client:
        thread = client.thread_start(sandbox=Sandbox.workspace_write)
        result = thread.run("What is 2+2?")
    assert result.final_response == "the answer"
    assert result.status is TurnStatus.completed and result.error is None
    assert [type(i) for i in result.items] == [UserMessageThreadItem, AgentMessageThreadItem]
    assert result.usage is not None and result.usage.total.total_tokens == 7
    request = mock_model_server.single_request()
    assert "What is 2+2?" in request.message_texts("user")
    # No process was spawned: the turn ran in this process (the mock saw our originator).
    assert request.header("originator") == "codex_python_sdk"


def test_stream_yields_typed_notifications_in_order(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("hello there", deltas=["hello", " there"])]))
    with Codex(make_home(tmp_path, mock_model_server)) as client:
        handle = client.thread_start().turn("hi")
        notes = list(handle.stream())
    methods = [n.method for n in notes]
    assert methods[0] == "turn/started" and methods[-1] == "turn/completed"
    deltas = [n.payload.delta for n in notes if n.method == "item/agentMessage/delta"]
    assert "".join(deltas) == "hello there"
    done = [n.payload.item for n in notes if n.method == "item/completed"]
    assert [d.text for d in done if isinstance(d, AgentMessageThreadItem)] == ["hello there"]
    assert notes[-1].payload.turn.id == handle.id
    assert notes[-1].payload.turn.status is TurnStatus.completed


def test_async_many_threads_run_concurrently_in_one_loop(tmp_path, mock_model_server):
    mock_model_server.repeat(Turn([Message("pong")]))
    config = make_home(tmp_path, mock_model_server)

    async def main():
        async with AsyncCodex(config) as client:
            threads = [await client.thread_start() for _ in range(8)]
            results = await asyncio.gather(*(t.run(f"ping {i}") for i, t in enumerate(threads)))
            return threads, results

    threads, results = asyncio.run(main())
    assert len({t.id for t in threads}) == 8
    assert [r.final_response for r in results] == ["pong"] * 8
    prompts = sorted(r.message_texts("user")[-1] for r in mock_model_server.requests)
    assert prompts == sorted(f"ping {i}" for i in range(8))


def test_resume_by_id_from_another_client_continues_the_history(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("first")]), Turn([Message("second")]))
    config = make_home(tmp_path, mock_model_server)
    with Codex(config) as client:
        thread_id = client.thread_start().run("remember 42") and None
    with Codex(config) as client:
        listed = client.thread_list()
        assert [t.preview for t in listed.data] == ["remember 42"]
        thread_id = listed.data[0].id
        resumed = client.thread_resume(thread_id)
        assert resumed.id == thread_id
        assert resumed.run("what number?").final_response == "second"
    second = mock_model_server.requests[1]
    assert "remember 42" in second.message_texts("user")
    assert "first" in second.message_texts("assistant")


def test_the_approval_handler_answers_a_command_request(tmp_path, mock_model_server):
    args = {"cmd": "touch approved.txt", "login": False}
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", args)]), Turn([Message("done")])
    )
    config = make_home(tmp_path, mock_model_server)
    config.config_overrides = ('approval_policy="untrusted"',)
    asked = []

    def handler(method, params):
        asked.append((method, params["command"]))
        return {"decision": "accept"}

    with Codex(config, approval_handler=handler) as client:
        result = client.thread_start(approval_mode=None).run("go")
    assert [method for method, _ in asked] == ["item/commandExecution/requestApproval"]
    assert "touch approved.txt" in asked[0][1]
    assert (Path(config.cwd) / "approved.txt").exists()
    commands = [i for i in result.items if isinstance(i, CommandExecutionThreadItem)]
    assert [(c.exit_code, c.status) for c in commands] == [(0, "completed")]
    assert "touch approved.txt" in commands[0].command
    assert result.final_response == "done"


def test_a_declined_command_does_not_run(tmp_path, mock_model_server):
    args = {"cmd": "touch declined.txt", "login": False}
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", args)]), Turn([Message("ok")])
    )
    config = make_home(tmp_path, mock_model_server)
    config.config_overrides = ('approval_policy="untrusted"',)

    async def decline(method, params):
        return {"decision": "decline"}

    async def main():
        async with AsyncCodex(config, approval_handler=decline) as client:
            thread = await client.thread_start(approval_mode=None)
            return await thread.run("go")

    assert asyncio.run(main()).final_response == "ok"
    assert not (Path(config.cwd) / "declined.txt").exists()


def test_deny_all_overrides_a_config_that_would_ask(tmp_path, mock_model_server):
    args = {"cmd": "echo hi", "login": False}
    mock_model_server.enqueue(
        Turn([FunctionCall("c1", "exec_command", args)]), Turn([Message("fine")])
    )
    config = make_home(tmp_path, mock_model_server)
    config.config_overrides = ('approval_policy="untrusted"',)
    asked = []
    with Codex(config, approval_handler=lambda m, p: asked.append(m) or {}) as client:
        result = client.thread_start(approval_mode=ApprovalMode.deny_all).run("x")
    assert asked == [] and result.final_response == "fine"


def test_a_failing_turn_raises_with_its_message(tmp_path, mock_model_server):
    body = {"error": {"message": "bad request from mock", "type": "invalid_request_error"}}
    mock_model_server.enqueue(HttpError(400, body))
    with Codex(make_home(tmp_path, mock_model_server)) as client:
        thread = client.thread_start()
        with pytest.raises(RuntimeError, match="bad request from mock"):
            thread.run("x")


def test_import_codex_loads_no_sdk_until_a_name_is_used():
    code = (
        "import sys, codex; assert 'codex.sdk' not in sys.modules;"
        "from codex import api; assert 'codex.sdk' not in sys.modules;"
        "codex.Codex; assert 'codex.sdk.sync_api' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
