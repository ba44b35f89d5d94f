"""The async half of `codex exec`: open the session (one `open_session` call), submit the one user
turn, hand every event the processor handles to it, shut down after the turn, exit code.

A thin mapping from core's Op/Event stream to exec's two streams: the output format is the
`EventProcessor`'s business (codex.thread_events: JSONL for programs, progress text for people),
the session's setup is core's. Neither processor shows streaming output (JSON mode ignores
deltas, spec-core §4.4; human mode prints the final message), so exec's FrontEnd record asks for
no delta events and the tens of thousands of deltas a long answer streams never become events.
Event messages are converted to their wire form (`to_dict()`) only when the processor handles
their type.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.core.front_end import FrontEnd, LocalModel, Resume
from codex.core.subscribe import is_turn_end

if TYPE_CHECKING:
    from codex.config import Config
    from codex.core.session import Session
    from codex.thread_events.processor import EventProcessor, Rendered

_SPINNER_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def _write_fd(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class _Spinner:
    """A one-line "working" indicator on a TTY stderr while the model thinks."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._task: asyncio.Task[None] | None = None
        self._shown = False

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._spin())

    async def _spin(self) -> None:
        loop = asyncio.get_running_loop()
        began = loop.time()
        frame = 0
        while True:
            await asyncio.sleep(0.1)
            elapsed = int(loop.time() - began)
            self._stream.write(f"\r\x1b[2K{_SPINNER_FRAMES[frame % 10]} Working ({elapsed}s)")
            self._stream.flush()
            self._shown = True
            frame += 1

    def clear(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[2K")
            self._shown = False

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None
        self.clear()
        self._stream.flush()


# How exec names itself and what follows from it: the client's default originator, the
# `session_meta.source`, no delta events (neither output mode shows streaming text),
# CODEX_API_KEY honoured whatever originator an embedding SDK announces (the TS SDK passes its
# `apiKey` that way), and never an approval prompt (nobody can answer one). The one place exec's
# approval policy is set.
EXEC = FrontEnd(
    originator="codex_exec",
    source="exec",
    stream_deltas=False,
    honour_codex_api_key=True,
    approval_policy="never",
)


@dataclass(slots=True)
class ExecDriver:
    config: Config
    prompt: str
    images: list[str]
    output_schema: Any
    # The output format, built once the session is open (the human header shows its settings).
    processor_for: Callable[[Session], EventProcessor]
    # Called with the turn's final message when it ends (`-o FILE`).
    on_turn_end: Callable[[str | None], None] | None
    spinner: bool
    ephemeral: bool
    resume: Resume | None
    add_dirs: list[Path]
    local: LocalModel | None = None
    front_end: FrontEnd = EXEC  # replace(EXEC, exec_rules=False) with --ignore-rules
    # --input-format stream-json: the turns come from stdin (codex.exec.stream_input), one after
    # another in this session, until EOF; `prompt` is unused then and `images` go with turn 1.
    multi_turn: bool = False
    turns: Any = None  # StreamJsonInput | None (None: fd 0 closed, reads as EOF)

    def run(self) -> int:
        try:
            import uvloop
        except ImportError:  # pragma: no cover - uvloop is a dependency on unix
            return asyncio.run(self._run())
        return uvloop.run(self._run())

    async def _run(self) -> int:
        from codex.core import open_session

        async with open_session(
            self.config,
            self.front_end,
            resume=self.resume,
            ephemeral=self.ephemeral,
            add_dirs=self.add_dirs,
            local=self.local,
        ) as session:
            return await self._drive(session, self.processor_for(session))

    def _user_turn(self, session: Session, text: str | None = None, images: bool = True) -> Any:
        from codex.protocol.ops import InputLocalImage, InputText

        items: list[Any] = [InputLocalImage(path=p) for p in self.images] if images else []
        items.append(InputText(text=self.prompt if text is None else text))
        return session.settings.user_turn(items, final_output_json_schema=self.output_schema)

    async def _drive(self, session: Session, processor: EventProcessor) -> int:
        from codex.protocol.ops import Interrupt, Shutdown

        spinner = _Spinner(sys.stderr) if self.spinner else None
        handled = processor.handled
        saw_error = False
        final: str | None = None
        turn_submitted = False
        interrupted = False
        loop = asyncio.get_running_loop()
        pending: set[asyncio.Task[Any]] = set()
        reading: list[asyncio.Task[bool]] = []  # the stdin read in flight (stream-json)
        turns_sent = 0

        async def next_stream_turn() -> bool:
            """Submit the next stdin turn; False at EOF. A bad line is one error event."""
            nonlocal saw_error, turns_sent
            from codex.exec.stream_input import StreamLineError

            while self.turns is not None:
                try:
                    text = await self.turns.next_prompt()
                except StreamLineError as err:
                    saw_error = True
                    _write_fd(1, _error_line(str(err)))
                    continue
                if text is None:
                    break
                await session.submit(self._user_turn(session, text, images=turns_sent == 0))
                turns_sent += 1
                return True
            return False

        async def advance() -> bool:
            task = loop.create_task(next_stream_turn())
            reading.append(task)
            try:
                return await task
            except asyncio.CancelledError:
                if interrupted:  # Ctrl-C while waiting for stdin: Shutdown is on its way
                    return True
                raise
            finally:
                reading.remove(task)

        def on_sigint() -> None:
            # Ctrl-C: interrupt the turn, shut down, and stop forwarding events (as upstream).
            nonlocal interrupted
            if interrupted:
                return
            interrupted = True
            for waiting in reading:
                waiting.cancel()
            task = loop.create_task(_submit_all(session, Interrupt(), Shutdown()))
            pending.add(task)
            task.add_done_callback(pending.discard)

        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGINT, on_sigint)

        next_event = session.next_event
        while True:
            # One await per event; deltas are not streamed (stream_deltas=False).
            msg = (await next_event()).msg
            tag = msg.TAG
            if tag == "shutdown_complete":
                break
            if tag not in handled or interrupted:
                continue
            data = msg.to_dict()
            _write(processor.render(data), spinner)
            if tag == "session_configured" and not turn_submitted:
                turn_submitted = True
                if not self.multi_turn:
                    await session.submit(self._user_turn(session))
                elif not await advance():
                    await session.submit(Shutdown())
                    continue
                if spinner is not None:
                    spinner.start()
            elif tag == "error":
                saw_error = True
            elif is_turn_end(msg):
                final = data.get("last_agent_message")
                if self.on_turn_end is not None:
                    self.on_turn_end(final)
                if self.multi_turn and not interrupted and await advance():
                    continue
                await session.submit(Shutdown())
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
        if spinner is not None:
            spinner.stop()
        if interrupted:
            return 130
        _write(processor.finish(final), None)
        return 1 if saw_error else 0


def _write(out: Rendered, spinner: _Spinner | None) -> None:
    """Progress to stderr (clearing the spinner's line first), program output to fd 1 (whole
    lines, one write each, nothing buffered)."""
    if out.stderr:
        if spinner is not None:
            spinner.clear()
        sys.stderr.write(out.stderr)
        sys.stderr.flush()
    if out.stdout:
        _write_fd(1, out.stdout)


def _error_line(message: str) -> bytes:
    """A ThreadEvent `error` line (the shape the JSONL processor writes for session errors)."""
    import orjson

    return orjson.dumps({"type": "error", "message": message}) + b"\n"


async def _submit_all(session: Session, *ops: Any) -> None:
    for op in ops:
        await session.submit(op)
