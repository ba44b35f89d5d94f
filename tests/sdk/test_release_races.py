"""Races around the SDK's background session closes and run()'s quiet turns, against the real
mock model server and real rollout files: a drop noticed by the garbage collector inside the
event loop's own code, run() racing a streamed turn on the same thread, run() cancelled
mid-turn, a resume while the dropped thread's close is in flight."""

from __future__ import annotations

import asyncio
import gc
import json
import os
import selectors
from pathlib import Path

from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import Hold, MockModelServer
from tests.support.model_stream import Message, Turn

from codex import AsyncCodex, CodexConfig

GUARD = 30.0  # seconds: a bound against hangs only (a passing run never comes near it)


def _config(tmp_path: Path, server: MockModelServer) -> CodexConfig:
    home = write_mock_config(tmp_path / "home", server.base_url, "stream_max_retries = 0\n")
    work = tmp_path / "work"
    work.mkdir(exist_ok=True)
    os.environ.setdefault("MOCK_KEY", "sk-mock")
    return CodexConfig(codex_home=str(home), cwd=str(work))


class _CollectingSelector(selectors.DefaultSelector):  # type: ignore[misc,valid-type]
    """The loop's real selector, which runs one garbage collection right before it blocks
    once armed: where CPython's own collection may run (the selector allocates its result
    list before polling), after the loop decided that nothing is ready."""

    armed = False

    def select(self, timeout: float | None = None) -> list:  # type: ignore[override]
        if self.armed and (timeout is None or timeout > 0):  # the loop is about to block
            self.armed = False
            gc.collect()
        return super().select(timeout)


def test_a_drop_collected_inside_the_loops_select_is_not_lost(tmp_path, mock_model_server):
    """Before: the weak reference's callback used call_soon on the loop thread, which does not
    wake a selector about to block; the release (and so the close) waited for unrelated I/O,
    forever in an idle loop. Here the wait is for the close (its shutdown event)."""
    mock_model_server.repeat(Turn([Message("ok")]))
    config = _config(tmp_path, mock_model_server)
    selector = _CollectingSelector()

    async def main() -> None:
        async with AsyncCodex(config) as client:
            client._pool._limits = (0, 512)  # no dropped session kept open: a drop closes
            thread = await client.thread_start()
            await thread.run("hi")
            rollout = Path(thread._session.rollout_path or "")
            watch = thread._session.subscribe(maxsize=None)
            thread._cycle = thread  # type: ignore[attr-defined]  # freed only by a collection
            gc.disable()  # no collection but the armed one
            try:
                del thread
                selector.armed = True
                ended = await asyncio.wait_for(watch.next(), GUARD)
            finally:
                gc.enable()
            assert ended is not None and ended.msg.TAG == "shutdown_complete"
            assert rollout.read_text().endswith("\n")

    loop = asyncio.SelectorEventLoop(selector)
    try:
        loop.run_until_complete(main())
    finally:
        loop.close()


def test_run_racing_a_streamed_turn_on_the_same_thread(tmp_path, mock_model_server):
    """A streamed turn and a run() started together on one thread: the streamer keeps its
    deltas (run()'s quiet choice is its own turn's), and the run() that came second is refused
    as a second turn is (before: its input joined the first turn and run() waited forever for
    a turn end of its own; the streamed turn lost its deltas)."""
    mock_model_server.repeat(Turn([Message("hello", deltas=["he", "llo"])]))
    config = _config(tmp_path, mock_model_server)

    async def main() -> tuple[list[str], object]:
        async with AsyncCodex(config) as client:
            thread = await client.thread_start()

            async def streamer() -> list[str]:
                handle = await thread.turn("a")
                return [note.method async for note in handle.stream()]

            async def runner() -> object:
                try:
                    return await thread.run("b")
                except RuntimeError as exc:
                    return exc

            streamed, ran = await asyncio.wait_for(asyncio.gather(streamer(), runner()), GUARD)
            # The thread is usable afterwards, quiet and streamed alike.
            assert (await asyncio.wait_for(thread.run("c"), GUARD)).final_response == "hello"
            handle = await thread.turn("d")
            again = [n.method async for n in handle.stream()]
            assert "item/agentMessage/delta" in again
            return streamed, ran

    streamed, ran = asyncio.run(main())
    assert streamed.count("item/agentMessage/delta") == 2
    assert isinstance(ran, RuntimeError)


def test_run_cancelled_mid_turn_leaves_the_thread_usable(tmp_path, mock_model_server):
    mock_model_server.enqueue(
        Hold(Turn([Message("late", deltas=["la", "te"])]), frames=1),
        Turn([Message("next", deltas=["ne", "xt"])]),
    )
    config = _config(tmp_path, mock_model_server)

    async def main() -> list[str]:
        async with AsyncCodex(config) as client:
            thread = await client.thread_start()
            task = asyncio.ensure_future(thread.run("long"))
            await asyncio.to_thread(mock_model_server.wait_held)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            assert thread._session.state.stream_deltas is True
            mock_model_server.release()
            # The cancelled run's turn still ends; the next turn streams as usual.
            await asyncio.wait_for(thread._slot.turn.wait(), GUARD)
            handle = await thread.turn("again")
            return [n.method async for n in handle.stream()]

    methods = asyncio.run(main())
    assert methods.count("item/agentMessage/delta") == 2 and methods[-1] == "turn/completed"


def test_resume_while_the_dropped_threads_close_is_in_flight(tmp_path, mock_model_server):
    """The resume waits for the close (one writer per rollout at a time): the file is whole
    JSONL, both turns recorded once each, in order."""
    mock_model_server.repeat(Turn([Message("ok")]))
    config = _config(tmp_path, mock_model_server)

    async def main() -> Path:
        async with AsyncCodex(config) as client:
            client._pool._limits = (0, 512)
            thread = await client.thread_start()
            await thread.run("first")
            thread_id, rollout = thread.id, Path(thread._session.rollout_path or "")
            del thread
            gc.collect()
            client._pool.release(thread_id)  # what the drop scheduled: the close starts
            assert thread_id in client._pool._retiring
            again = await asyncio.wait_for(client.thread_resume(thread_id), GUARD)
            await asyncio.wait_for(again.run("second"), GUARD)
            return rollout

    rollout = asyncio.run(main())
    lines = [json.loads(line) for line in rollout.read_text().splitlines()]
    users = [
        part["text"]
        for line in lines
        if line["type"] == "response_item" and line["payload"].get("role") == "user"
        for part in line["payload"]["content"]
        if not part["text"].startswith("<")
    ]
    assert users == ["first", "second"]
    assert sum(1 for line in lines if line["type"] == "session_meta") >= 1


def _fds_on(path: Path) -> int:
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}") == str(path):
                count += 1
        except OSError:
            continue
    return count


def test_two_resumes_racing_open_one_writer(tmp_path, mock_model_server):
    """Two thread_resume(id) at once, while the dropped thread's close is in flight: one
    session (the same thread for both), one descriptor writing its rollout (before: two
    sessions appended to the one file, the first one's left untracked by the client)."""
    mock_model_server.repeat(Turn([Message("ok")]))
    config = _config(tmp_path, mock_model_server)

    async def main() -> Path:
        async with AsyncCodex(config) as client:
            client._pool._limits = (0, 512)
            thread = await client.thread_start()
            await thread.run("first")
            thread_id, rollout = thread.id, Path(thread._session.rollout_path or "")
            del thread
            gc.collect()
            client._pool.release(thread_id)  # what the drop scheduled: the close starts
            one, two = await asyncio.wait_for(
                asyncio.gather(client.thread_resume(thread_id), client.thread_resume(thread_id)),
                GUARD,
            )
            assert one is two
            assert _fds_on(rollout) == 1
            await asyncio.wait_for(one.run("second"), GUARD)
            return rollout

    rollout = asyncio.run(main())
    lines = [json.loads(line) for line in rollout.read_text().splitlines()]
    users = [
        part["text"]
        for line in lines
        if line["type"] == "response_item" and line["payload"].get("role") == "user"
        for part in line["payload"]["content"]
        if not part["text"].startswith("<")
    ]
    assert users == ["first", "second"]


def test_a_start_waiting_for_closes_when_the_client_closes(tmp_path, mock_model_server):
    """A thread_start waiting for closes to catch up when close() runs: it is refused as any
    start after close() (before: it went on once the closes ended and left a session open,
    rollout and all, that nothing would close)."""
    from codex.sdk.errors import TransportClosedError

    mock_model_server.enqueue(Hold(Turn([Message("late")]), frames=1))
    mock_model_server.repeat(Turn([Message("ok")]))
    config = _config(tmp_path, mock_model_server)

    async def main() -> object:
        client = AsyncCodex(config)
        client._pool._limits = (0, 0)  # a start waits while any close is in flight
        thread = await client.thread_start()
        handle = await thread.turn("long")
        await asyncio.to_thread(mock_model_server.wait_held)
        thread_id = thread.id
        del thread, handle
        gc.collect()
        client._pool.release(thread_id)  # its close waits for the held turn to end
        start = asyncio.ensure_future(client.thread_start())
        for _ in range(100):  # loop passes (not time) until the start reached its wait
            if client._pool._room_waiters:
                break
            await asyncio.sleep(0)
        assert client._pool._room_waiters
        closing = asyncio.ensure_future(client.close())
        mock_model_server.release()
        await asyncio.wait_for(closing, GUARD)
        outcome = (await asyncio.wait_for(asyncio.gather(start, return_exceptions=True), GUARD))[0]
        assert len(client._pool) == 0
        return outcome

    assert isinstance(asyncio.run(main()), TransportClosedError)


def test_a_cancelled_runs_reader_does_not_outlive_its_turn(tmp_path, mock_model_server):
    """run() cancelled mid-turn: once the next turn starts, the cancelled turn's subscription
    is gone (before: it stayed on the session, copying every later event, up to 4096 kept)."""
    mock_model_server.enqueue(Hold(Turn([Message("late")]), frames=1))
    mock_model_server.repeat(Turn([Message("ok")]))
    config = _config(tmp_path, mock_model_server)

    async def main() -> None:
        async with AsyncCodex(config) as client:
            thread = await client.thread_start()
            session = thread._session
            task = asyncio.ensure_future(thread.run("long"))
            await asyncio.to_thread(mock_model_server.wait_held)
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            watch = session.subscribe(maxsize=None)
            mock_model_server.release()
            while True:  # the cancelled run's turn ends in core
                event = await asyncio.wait_for(watch.next(), GUARD)
                assert event is not None
                if event.msg.TAG == "task_complete":
                    break
            watch.close()
            assert (await asyncio.wait_for(thread.run("next"), GUARD)).final_response == "ok"
            assert session._subscribers == []

    asyncio.run(main())
