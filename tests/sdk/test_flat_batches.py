"""A long batch through one client stays flat: a thread the user no longer holds (and whose turn
ended) has its core session closed, rollout flushed and closed as `close()` does, and
`thread_resume(id)` opens it again from its rollout. Threads the user holds keep working.

The batch tests run a real child process with its open-file limit lowered to 256 (as macOS's
default), against the loopback mock: thousands of one-turn threads must pass, and the open fd
count and resident memory after N and 2N threads must be about the same."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import FunctionCall, Message, Reasoning, Turn, Usage

from codex import AsyncCodex, CodexConfig, CommandExecutionThreadItem
from codex.sdk.types import AgentMessageThreadItem, ReasoningThreadItem, UserMessageThreadItem

CHILD = Path(__file__).with_name("_batch_child.py")
LIMIT = 256  # open files: macOS's default soft limit


def _config(tmp_path: Path, server: MockModelServer) -> CodexConfig:
    home = write_mock_config(tmp_path / "home", server.base_url, "stream_max_retries = 0\n")
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    os.environ.setdefault("MOCK_KEY", "sk-mock")
    return CodexConfig(codex_home=str(home), cwd=str(work))


def _batch(tmp_path: Path, mode: str, total: int, wave: int) -> dict:
    with MockModelServer() as mock:
        mock.repeat(Turn([Message("ok")], usage=Usage(20, 0, 2)))
        home = write_mock_config(tmp_path / "home", mock.base_url)
        work = tmp_path / "work"
        work.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CODEX_", "OPENAI_"))}
        env.update(CODEX_HOME=str(home), MOCK_KEY="sk-mock")
        proc = subprocess.run(
            [sys.executable, str(CHILD), mode, str(total), str(wave), str(LIMIT), str(work)],
            env=env,
            cwd=work,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    assert proc.returncode == 0, proc.stderr[-3000:]
    out: dict = json.loads(proc.stdout.strip().splitlines()[-1])
    rollouts = list((home / "sessions").rglob("rollout-*.jsonl"))
    assert len(rollouts) == total  # every thread recorded
    return out


def _assert_flat(out: dict, bound_sessions: int) -> None:
    half, end = out["half"], out["end"]
    # Before: one rollout fd per thread ever opened (EMFILE at 256) and ~37 MB per 1000
    # threads. The bounds are generous: a wave or two of sessions may still be closing.
    assert end["fds"] - half["fds"] <= 40, out
    assert end["rss_kib"] - half["rss_kib"] <= 16 * 1024, out
    assert out["open_sessions"] <= bound_sessions, out


def test_async_batch_of_2000_one_turn_threads_stays_flat_under_256_open_files(tmp_path):
    out = _batch(tmp_path, "async", 2000, 50)
    _assert_flat(out, bound_sessions=150)


def test_sync_batch_of_600_one_turn_threads_stays_flat_under_256_open_files(tmp_path):
    out = _batch(tmp_path, "sync", 600, 1)
    _assert_flat(out, bound_sessions=20)  # 16 dropped ones kept open under a 256-file limit
    assert out["end"]["fds"] - out["start"]["fds"] <= 40, out


def _open_paths() -> set[str]:
    out = set()
    for fd in os.listdir("/proc/self/fd"):
        with contextlib.suppress(OSError):
            out.add(os.readlink(f"/proc/self/fd/{fd}"))
    return out


def test_a_dropped_thread_is_closed_and_resumes_from_its_rollout(tmp_path, mock_model_server):
    mock_model_server.enqueue(Turn([Message("first answer")]), Turn([Message("second")]))
    config = _config(tmp_path, mock_model_server)

    async def main() -> None:
        async with AsyncCodex(config) as client:
            thread = await client.thread_start()
            assert (await thread.run("remember 42")).final_response == "first answer"
            thread_id, rollout = thread.id, thread._session.rollout_path
            assert rollout in _open_paths()
            del thread
            gc.collect()
            await client._pool.settle(thread_id)
            assert rollout not in _open_paths()  # closed, as close() closes it
            assert not client._pool.is_open(thread_id)
            listed = await client.thread_list()
            assert thread_id in [t.id for t in listed.data]
            again = await client.thread_resume(thread_id)
            assert again.id == thread_id
            assert (await again.run("what number?")).final_response == "second"

    asyncio.run(main())
    second = mock_model_server.requests[-1]
    assert any("remember 42" in text for text in second.message_texts("user"))


def test_a_held_thread_keeps_its_session_and_identity(tmp_path, mock_model_server):
    mock_model_server.repeat(Turn([Message("ok")]))
    config = _config(tmp_path, mock_model_server)

    async def main() -> None:
        async with AsyncCodex(config) as client:
            thread = await client.thread_start()
            session = thread._session
            for i in range(3):
                await thread.run(f"turn {i}")
                gc.collect()
                await asyncio.sleep(0)
            assert thread._session is session and client._pool.is_open(thread.id)
            assert await client.thread_resume(thread.id) is thread

    asyncio.run(main())


def test_a_thread_dropped_mid_turn_finishes_the_turn_before_closing(tmp_path, mock_model_server):
    mock_model_server.enqueue(Hold(Turn([Message("finished anyway")]), frames=1))
    config = _config(tmp_path, mock_model_server)

    async def main() -> None:
        async with AsyncCodex(config) as client:
            thread = await client.thread_start()
            handle = await thread.turn("long job")
            thread_id, rollout = thread.id, Path(thread._session.rollout_path or "")
            await asyncio.to_thread(mock_model_server.wait_held)
            del thread, handle
            gc.collect()
            await asyncio.sleep(0)
            assert client._pool.is_open(thread_id)  # the turn still runs
            mock_model_server.release()
            await client._pool.settle(thread_id)
            assert str(rollout) not in _open_paths()
            lines = [json.loads(line) for line in rollout.read_text().splitlines()]
            kinds = [line["payload"].get("type") for line in lines if line["type"] == "event_msg"]
            assert "task_complete" in kinds and "turn_aborted" not in kinds
            assert "finished anyway" in rollout.read_text()

    asyncio.run(main())


def test_turns_leave_no_reader_subscribed_to_the_session(tmp_path, mock_model_server):
    """A finished turn's event reader unsubscribes: before, each run()/stream() left its
    subscription on the session, which then copied every later event of the thread into it."""
    mock_model_server.repeat(Turn([Message("ok")]))
    config = _config(tmp_path, mock_model_server)

    async def main() -> None:
        async with AsyncCodex(config) as client:
            thread = await client.thread_start()
            for i in range(2):
                await thread.run(f"run {i}")
                assert thread._session._subscribers == []
                handle = await thread.turn(f"stream {i}")
                methods = [note.method async for note in handle.stream()]
                assert methods[-1] == "turn/completed"
                assert thread._session._subscribers == []
                handle = await thread.turn(f"stream and stop {i}")
                async for note in handle.stream():
                    if note.method == "turn/completed":
                        break  # the generator is left suspended there
                assert thread._session._subscribers == []

    asyncio.run(main())


def test_run_collects_the_same_result_stream_builds(tmp_path, mock_model_server):
    """run() reads core's events without building notifications; its TurnResult must be the
    one the notifications' path gives (items, ids, usage, final response)."""
    args = {"cmd": "echo hi", "login": False}
    script = [
        Turn([Reasoning(summary=["thinking"]), FunctionCall("c1", "exec_command", args)]),
        Turn([Message("all", deltas=["al", "l"])], usage=Usage(5, 1, 3)),
    ]
    mock_model_server.enqueue(*script, *script)
    config = _config(tmp_path, mock_model_server)

    async def main() -> tuple:
        async with AsyncCodex(config) as client:
            ran = await (await client.thread_start()).run("go")
            handle = await (await client.thread_start()).turn("go")
            async for _ in handle.stream():
                pass
            return ran, handle._translator.result()

    ran, streamed = asyncio.run(main())
    assert [type(i) for i in ran.items] == [
        UserMessageThreadItem,  # the turn's input, as the official SDK gets it
        ReasoningThreadItem,
        CommandExecutionThreadItem,
        AgentMessageThreadItem,
    ]

    def same(result, turn_id: str):
        items = [replace(i, id=i.id.replace(turn_id, "T")) for i in result.items]
        # A command's duration is measured, not scripted.
        items = [replace(i, duration_ms=0) if hasattr(i, "duration_ms") else i for i in items]
        return (result.status, result.error, result.final_response, items, result.usage)

    assert same(ran, ran.id) == same(streamed, streamed.id)
    assert ran.final_response == "all" and ran.usage is not None
    assert ran.usage.last.cached_input_tokens == 1


def test_the_sync_client_retires_dropped_threads(tmp_path, mock_model_server):
    from codex import Codex

    mock_model_server.repeat(Turn([Message("ok")]))
    config = _config(tmp_path, mock_model_server)
    with Codex(config) as client:
        kept = client.thread_start()
        kept.run("keep")
        for _ in range(5):
            client.thread_start().run("drop")
        gc.collect()
        pool = client._async._pool
        # The drops are scheduled from this OS thread onto the client's loop: wait for them.
        client._loop.call(asyncio.sleep(0))
        ids = list(pool._open)
        for thread_id in ids:
            if thread_id != kept.id:
                client._loop.call(pool.settle(thread_id))
        assert list(pool._open) == [kept.id]
        assert kept.run("again").final_response == "ok"


def test_dropped_source_and_fork_keep_working_by_id(tmp_path, mock_model_server):
    """A fork of a thread nobody holds reads its closed rollout; a dropped fork reopened by
    thread_resume still says where it was forked from."""
    mock_model_server.repeat(Turn([Message("ok")]))
    config = _config(tmp_path, mock_model_server)

    async def main() -> None:
        async with AsyncCodex(config) as client:
            source = await client.thread_start()
            await source.run("remember 42")
            source_id = source.id
            del source
            gc.collect()
            fork = await client.thread_fork(source_id)
            fork_id = fork.id
            await fork.run("what number?")
            del fork
            gc.collect()
            await client._pool.settle(fork_id)
            again = await client.thread_resume(fork_id)
            assert (await again.read()).thread.forked_from_id == source_id

    asyncio.run(main())
    texts = mock_model_server.requests[1].message_texts("user")
    assert "remember 42" in texts and texts[-1] == "what number?"


def test_threads_with_their_own_instructions_do_not_keep_every_config(tmp_path, mock_model_server):
    mock_model_server.repeat(Turn([Message("ok")]))
    config = _config(tmp_path, mock_model_server)

    async def main() -> None:
        async with AsyncCodex(config) as client:
            for i in range(80):
                thread = await client.thread_start(developer_instructions=f"you are #{i}")
                await thread.run("hi")
            assert len(client._configs) <= 64 and len(client._start_configs) <= 64

    asyncio.run(main())
    assert "you are #79" in json.dumps(mock_model_server.requests[-1].to_json())


def test_a_thread_resumed_soon_after_its_drop_gets_its_session_back(tmp_path, mock_model_server):
    """The most recently dropped threads keep their session open for a while (bounded): a
    resume by id then continues the very same session, as when the client held every thread."""
    mock_model_server.repeat(Turn([Message("ok")]))
    config = _config(tmp_path, mock_model_server)

    async def main() -> None:
        async with AsyncCodex(config) as client:
            thread = await client.thread_start(ephemeral=True)
            await thread.run("remember 42")
            thread_id, session, created = thread.id, thread._session, thread._created_at
            del thread
            gc.collect()
            await asyncio.sleep(0)
            assert client._pool.is_open(thread_id)
            again = await client.thread_resume(thread_id)
            assert again._session is session and again._ephemeral
            assert again._created_at == created
            await again.run("what number?")

    asyncio.run(main())
    texts = mock_model_server.requests[-1].message_texts("user")
    assert "remember 42" in texts


def test_dropped_sessions_left_open_are_bounded(tmp_path, mock_model_server, monkeypatch):
    from codex.sdk import sessions

    monkeypatch.setattr(sessions, "limits", lambda: (3, 32))
    mock_model_server.repeat(Turn([Message("ok")]))
    config = _config(tmp_path, mock_model_server)

    async def main() -> None:
        async with AsyncCodex(config) as client:
            kept = await client.thread_start()
            for _ in range(8):
                await (await client.thread_start()).run("hi")
                await asyncio.sleep(0)
            pool = client._pool
            assert len(pool._lingering) == 3
            for task in list(pool._retiring.values()):
                await task
            assert len(pool) == 1 + 3 and pool.is_open(kept.id)

    asyncio.run(main())
