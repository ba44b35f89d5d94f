"""`open_session` and `ConversationManager` through a real session, the real rollout files and the
real loopback mock model server: a rollout is written, a resume appends to the same file and
replays its history, and the FrontEnd record (not a front end's name) decides what core does."""

from __future__ import annotations

import asyncio
import dataclasses
from pathlib import Path

import orjson
import pytest
from tests.core.harness import make_config
from tests.support.model_stream import Message, Turn

from codex.config import ConfigOverrides, load_config
from codex.core import ConversationManager, FrontEnd, Resume, open_session

TOOL = FrontEnd(originator="codex_api_test", source="cli")


def rollouts(home: Path) -> list[Path]:
    return sorted((home / "sessions").rglob("rollout-*.jsonl"))


def lines(path: Path) -> list[dict]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def user_texts(path: Path) -> list[str]:
    out = []
    for line in lines(path):
        payload = line["payload"]
        if line["type"] == "response_item" and payload.get("role") == "user":
            out += [part.get("text", "") for part in payload["content"]]
    return out


def test_open_session_writes_a_rollout_named_by_the_front_end(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("hi there")]))
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with open_session(config, TOOL) as session:
            handle = await session.run_turn("hello")
            result = await handle.wait()
            return session.conversation_id, session.rollout_path, result

    thread_id, rollout_path, result = asyncio.run(main())
    assert result.last_agent_message == "hi there"
    [path] = rollouts(tmp_path / "home")
    assert str(path) == rollout_path and thread_id in path.name
    meta = lines(path)[0]
    assert meta["type"] == "session_meta"
    assert meta["payload"]["originator"] == "codex_api_test"
    assert meta["payload"]["source"] == "cli"
    assert "hello" in user_texts(path)
    assert mock_model_server.single_request().header("originator") == "codex_api_test"


def test_ephemeral_writes_nothing(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("ok")]))
    config = make_config(tmp_path, mock_model_server)

    async def main():
        async with open_session(config, TOOL, ephemeral=True) as session:
            await (await session.run_turn("hello")).wait()
            return session.rollout_path

    assert asyncio.run(main()) is None
    assert rollouts(tmp_path / "home") == []


@pytest.mark.parametrize("how", ["file", "thread", "newest"])
def test_resume_appends_to_the_same_file_and_replays_history(tmp_path, mock_model_server, how):
    mock_model_server.enqueue(Turn([Message("first answer")]), Turn([Message("second answer")]))
    config = make_config(tmp_path, mock_model_server)

    async def first():
        async with open_session(config, TOOL) as session:
            await (await session.run_turn("first question")).wait()
            return session.conversation_id

    thread_id = asyncio.run(first())
    [path] = rollouts(tmp_path / "home")
    before = path.read_bytes()
    resume = {
        "file": Resume.file(path),
        "thread": Resume.thread(thread_id),
        "newest": Resume.newest(),
    }[how]

    async def second():
        async with open_session(config, TOOL, resume=resume) as session:
            result = await (await session.run_turn("second question")).wait()
            return session.conversation_id, result

    resumed_id, result = asyncio.run(second())
    assert resumed_id == thread_id
    assert result.last_agent_message == "second answer"
    assert rollouts(tmp_path / "home") == [path]  # no second file
    after = path.read_bytes()
    assert after.startswith(before) and len(after) > len(before)
    assert user_texts(path)[-2:] == ["first question", "second question"]
    replayed = mock_model_server.requests[1]
    assert replayed.message_texts("assistant") == ["first answer"]
    assert replayed.message_texts("user")[-2:] == ["first question", "second question"]


def test_resume_usage_continues_from_the_rollout(tmp_path, mock_model_server):
    from tests.support.model_stream import Usage

    mock_model_server.enqueue(
        Turn([Message("a")], usage=Usage(input_tokens=10, output_tokens=5)),
        Turn([Message("b")], usage=Usage(input_tokens=20, output_tokens=7)),
    )
    config = make_config(tmp_path, mock_model_server)

    async def turn(resume):
        async with open_session(config, TOOL, resume=resume) as session:
            return await (await session.run_turn("q")).wait()

    one = asyncio.run(turn(None))
    two = asyncio.run(turn(Resume.newest()))
    assert one.usage is not None and one.usage.total_tokens == 15
    assert two.usage is not None and two.usage.total_tokens == 15 + 27  # thread-cumulative


def test_a_thread_id_with_no_rollout_is_a_one_line_error(tmp_path, mock_model_server):
    from codex.errors import CodexError

    config = make_config(tmp_path, mock_model_server)
    missing = "0199a7c2-0000-7000-8000-000000000000"

    async def main():
        async with open_session(config, TOOL, resume=Resume.thread(missing)):
            pass

    with pytest.raises(CodexError, match=f"no rollout found for thread id {missing}"):
        asyncio.run(main())


def test_forced_approval_policy_wins_over_the_config(tmp_path, mock_model_server):
    config = make_config(tmp_path, mock_model_server, approval="untrusted")
    forced = dataclasses.replace(TOOL, approval_policy="never")

    async def main():
        async with open_session(config, forced) as session:
            configured = await session.next_event()
            return configured.msg, session.settings, str(session.config.approval_policy)

    configured, settings, config_policy = asyncio.run(main())
    assert configured.approval_policy == "never"
    assert settings.approval_policy == "never" and config_policy == "never"


def _openai_home(tmp_path: Path, base_url: str) -> Path:
    home = tmp_path / "openai-home"
    home.mkdir()
    (home / "config.toml").write_text(f'openai_base_url = "{base_url}"\nmodel = "gpt-5.5"\n')
    return home


@pytest.mark.parametrize("honoured", [True, False])
def test_codex_api_key_is_honoured_only_when_the_front_end_says_so(
    tmp_path, mock_model_server, monkeypatch, honoured
):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("CODEX_API_KEY", "sk-front-end-key")
    mock_model_server.enqueue(Turn([Message("keyed")]))
    home = _openai_home(tmp_path, mock_model_server.base_url)
    (tmp_path / "work").mkdir()
    config = load_config(ConfigOverrides(config_home=str(home)), cwd=tmp_path / "work")
    # Same originator both ways: the record's field decides, not the name.
    front_end = FrontEnd("codex_exec", "exec", honour_codex_api_key=honoured)

    async def main():
        async with open_session(config, front_end, ephemeral=True) as session:
            return await (await session.run_turn("x")).wait()

    result = asyncio.run(main())
    sent = [r.header("authorization") for r in mock_model_server.requests]
    if honoured:
        assert result.last_agent_message == "keyed"
        assert sent == ["Bearer sk-front-end-key"]
    else:
        assert sent == [None]  # the mock answers keyless requests too


def test_core_no_longer_honours_codex_api_key_by_originator_name(
    tmp_path, mock_model_server, monkeypatch
):
    """A bare Session named "codex_exec" used to get CODEX_API_KEY (core/model.py tested the
    name); only a FrontEnd record that says so enables it now."""
    from codex.core import Session

    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.setenv("CODEX_API_KEY", "sk-front-end-key")
    mock_model_server.enqueue(Turn([Message("ok")]))
    home = _openai_home(tmp_path, mock_model_server.base_url)
    (tmp_path / "work").mkdir()
    config = load_config(ConfigOverrides(config_home=str(home)), cwd=tmp_path / "work")

    async def main():
        async with Session(config, originator="codex_exec") as session:
            await (await session.run_turn("x")).wait()

    asyncio.run(main())
    assert mock_model_server.single_request().header("authorization") is None


def test_manager_opens_threads_with_rollouts_and_resumes_into_the_same_file(
    tmp_path, mock_model_server
):
    mock_model_server.enqueue(Turn([Message("one")]), Turn([Message("two")]))
    config = make_config(tmp_path, mock_model_server)

    async def main():
        manager = ConversationManager(TOOL)
        first = await manager.new_conversation(config)
        thread_id = first.conversation_id
        assert manager.get(thread_id) is first and thread_id in manager
        await (await first.run_turn("hello")).wait()
        await manager.remove(thread_id)
        assert manager.get(thread_id) is None
        [path] = rollouts(tmp_path / "home")
        again = await manager.resume_from_rollout(config, path)
        assert again.conversation_id == thread_id
        await (await again.run_turn("again")).wait()
        await manager.close_all()
        return path

    path = asyncio.run(main())
    assert rollouts(tmp_path / "home") == [path]
    assert user_texts(path)[-2:] == ["hello", "again"]
    assert mock_model_server.requests[1].message_texts("assistant") == ["one"]


def test_resume_warnings_are_events_right_after_session_configured(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("a")]))
    config = make_config(tmp_path, mock_model_server, model="gpt-5.5")

    async def first():
        async with open_session(config, TOOL) as session:
            await (await session.run_turn("q")).wait()

    asyncio.run(first())
    other = make_config(tmp_path, mock_model_server, model="gpt-5.1-codex")

    async def resumed():
        async with open_session(other, TOOL, resume=Resume.newest()) as session:
            return [await session.next_event(), await session.next_event()]

    configured, warning = asyncio.run(resumed())
    assert configured.msg.TAG == "session_configured"
    assert warning.msg.TAG == "warning"
    assert "recorded with model `gpt-5.5` but is resuming with `gpt-5.1-codex`" in (
        warning.msg.message
    )
