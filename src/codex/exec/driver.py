"""The async half of `codex exec`: open a session (new or resumed), submit the one user turn, feed
every event to the chosen processor, shut down after the turn, and report the exit code.

It talks to core only through `Session.submit(op)` / `Session.events()`. Neither processor shows
streaming output (JSON mode ignores deltas, spec-core §4.4; human mode prints the final message),
so the session is opened with `stream_deltas=False` and the tens of thousands of deltas a long
answer streams never become events. Event messages are converted to their wire form
(`to_dict()`) only when a processor cares about their type.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.core.front_end import FrontEnd, LocalModel, Resume
from codex.core.subscribe import is_turn_end
from codex.exec.event_processor_jsonl import HANDLED as JSONL_HANDLED
from codex.exec.event_processor_jsonl import JsonlEventProcessor
from codex.exec.events import encode_line

if TYPE_CHECKING:
    from codex.config import Config
    from codex.core.session import Session

# How exec names itself: the client's default originator, and `session_meta.source`.
ORIGINATOR = "codex_exec"
SOURCE = "exec"
_SPINNER_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def _tag(msg: Any) -> str | None:
    tag = getattr(msg, "TAG", None)
    if tag is None:
        tag = getattr(msg, "type", None)
    return tag


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
# `apiKey` that way), and never an approval prompt (nobody can answer one).
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
    json_mode: bool
    color: bool
    spinner: bool
    output_last_message: str | None
    ephemeral: bool
    resume: Resume | None
    add_dirs: list[Path]
    local: LocalModel | None = None
    front_end: FrontEnd = EXEC  # replace(EXEC, exec_rules=False) with --ignore-rules

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
            return await self._drive(session)

    def _user_turn(self, session: Session) -> Any:
        from codex.protocol.ops import InputLocalImage, InputText

        items: list[Any] = [InputLocalImage(path=p) for p in self.images]
        items.append(InputText(text=self.prompt))
        return session.settings.user_turn(items, final_output_json_schema=self.output_schema)

    async def _drive(self, session: Session) -> int:
        from codex.protocol.ops import Interrupt, Shutdown

        stderr = sys.stderr
        jsonl = JsonlEventProcessor() if self.json_mode else None
        human = None
        if not self.json_mode:
            from codex.exec.event_processor_human import HANDLED, HumanEventProcessor, Palette

            human = HumanEventProcessor(color=Palette(self.color))
        spinner = _Spinner(stderr) if self.spinner else None
        handled = JSONL_HANDLED if human is None else HANDLED
        saw_error = False
        final: str | None = None
        turn_submitted = False
        interrupted = False
        loop = asyncio.get_running_loop()
        pending: set[asyncio.Task[Any]] = set()

        def on_sigint() -> None:
            # Ctrl-C: interrupt the turn, shut down, and stop forwarding events (as upstream).
            nonlocal interrupted
            if interrupted:
                return
            interrupted = True
            task = loop.create_task(_interrupt(session, Interrupt(), Shutdown()))
            pending.add(task)
            task.add_done_callback(pending.discard)

        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGINT, on_sigint)

        next_event = session.next_event
        while True:
            # One await per event; deltas are not streamed (stream_deltas=False).
            event = await next_event()
            msg = event.msg
            tag = _tag(msg)
            if tag == "shutdown_complete":
                break
            if tag not in handled or interrupted:
                continue
            data = msg.to_dict()
            if jsonl is not None:
                for out in jsonl.process(data):
                    _write_fd(1, encode_line(out))
            else:
                assert human is not None
                if tag == "session_configured":
                    if spinner is not None:
                        spinner.clear()
                    stderr.write(
                        human.header(
                            _version(),
                            _summary(session.config, data, self.add_dirs),
                            self.prompt,
                        )
                    )
                else:
                    text = human.process(data)
                    if text:
                        if spinner is not None:
                            spinner.clear()
                        stderr.write(text)
                stderr.flush()
            if tag == "session_configured" and not turn_submitted:
                turn_submitted = True
                await session.submit(self._user_turn(session))
                if spinner is not None:
                    spinner.start()
            if tag == "error":
                saw_error = True
            if is_turn_end(msg):
                final = data.get("last_agent_message")
                if self.output_last_message:
                    from codex.exec.run import write_last_message

                    write_last_message(self.output_last_message, final, stderr)
                await session.submit(Shutdown())
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.remove_signal_handler(signal.SIGINT)
        if spinner is not None:
            spinner.stop()
        if interrupted:
            return 130
        if human is not None:
            footer = human.footer()
            if footer:
                stderr.write(footer)
                stderr.flush()
            if final is not None:
                _write_fd(1, (final if final.endswith("\n") else final + "\n").encode())
        return 1 if saw_error else 0


async def _interrupt(session: Any, *ops: Any) -> None:
    for op in ops:
        await session.submit(op)


def _version() -> str:
    from codex import __version__

    return __version__


def _summary(
    config: Config, configured: dict[str, Any], add_dirs: list[Path]
) -> list[tuple[str, str]]:
    from codex.exec.run import summary_entries

    return summary_entries(config, str(configured.get("session_id", "")), add_dirs)
