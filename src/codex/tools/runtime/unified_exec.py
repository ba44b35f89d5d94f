"""Long-lived command sessions behind `exec_command` and `write_stdin` (upstream "unified exec").

`exec_command` starts a process (optionally on a PTY) and collects its output until it exits or
`yield_time_ms` passes; a process still running is kept under a numeric session id, and
`write_stdin` writes to it and collects again. Session ids are per conversation, start at 0 and
increase. This module owns the processes (and kills their process groups on interrupt, close or
shutdown); it does not decide approvals or sandboxing: the caller hands over the final argv.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from codex._dataclass import dataclass
from codex.tools.output import format_exec_command_output, new_chunk_id

if TYPE_CHECKING:
    from codex.tools.runtime.process import ManagedProcess

MIN_YIELD_MS = 250
MAX_YIELD_MS = 30_000
DEFAULT_EXEC_YIELD_MS = 10_000
DEFAULT_WRITE_YIELD_MS = 250
DEFAULT_MAX_OUTPUT_TOKENS = 10_000
# Upstream keeps at most 64 live sessions and prunes the oldest exited/idle ones first.
MAX_SESSIONS = 64
# After writing input, give the process a moment to react before collecting.
AFTER_WRITE_PAUSE_S = 0.1


class UnifiedExecError(Exception):
    """A failure the model should read (unknown session id, closed stdin, ...)."""


@dataclass(slots=True)
class ExecChunk:
    """What one exec_command / write_stdin call saw."""

    chunk_id: str
    seconds: float
    exit_code: int | None
    session_id: int | None
    output: str
    max_output_tokens: int

    def to_model_text(self) -> str:
        return format_exec_command_output(
            self.output,
            wall_time_seconds=self.seconds,
            max_output_tokens=self.max_output_tokens,
            exit_code=self.exit_code,
            session_id=self.session_id,
            chunk_id=self.chunk_id,
        )


def clamp_yield(value: object, default: int) -> int:
    try:
        ms = int(value) if value is not None else default  # type: ignore[call-overload]
    except (TypeError, ValueError):
        ms = default
    return max(MIN_YIELD_MS, min(MAX_YIELD_MS, ms))


@dataclass(slots=True)
class _Entry:
    process: ManagedProcess
    command: str
    last_used: float
    meta: object = None


class UnifiedExecManager:
    """The live exec sessions of one conversation."""

    def __init__(self) -> None:
        self._sessions: dict[int, _Entry] = {}
        self._next_id = 0
        self._lock = asyncio.Lock()

    def __len__(self) -> int:
        return len(self._sessions)

    async def start(
        self,
        argv: Sequence[str],
        *,
        cwd: str | os.PathLike[str],
        env: Mapping[str, str],
        tty: bool,
    ) -> ManagedProcess:
        # Lazy: the process machinery loads with the first command, not with every session.
        from codex.tools.runtime.process import spawn

        return await spawn(argv, cwd=cwd, env=env, tty=tty, stdin_open=False)

    async def collect_first(
        self,
        process: ManagedProcess,
        *,
        command: str,
        yield_time_ms: int,
        max_output_tokens: int,
        meta: object = None,
    ) -> ExecChunk:
        """Collect a fresh process's output; keep it as a session if it outlives the yield time."""
        started = process.started
        deadline = time.monotonic() + yield_time_ms / 1000
        try:
            exit_code = await process.wait_exit(deadline)
        except BaseException:
            await process.terminate()
            raise
        from codex.tools.runtime.process import decode_output  # loaded by spawn already

        output = decode_output(process.aggregated.take())
        session_id: int | None = None
        if exit_code is None:
            session_id = await self._store(process, command, meta)
        else:
            process.close_fds()
        return ExecChunk(
            new_chunk_id(),
            time.monotonic() - started,
            exit_code,
            session_id,
            output,
            max_output_tokens,
        )

    async def _store(self, process: ManagedProcess, command: str, meta: object) -> int:
        async with self._lock:
            if len(self._sessions) >= MAX_SESSIONS:
                await self._prune()
            session_id = self._next_id
            self._next_id += 1
            self._sessions[session_id] = _Entry(process, command, time.monotonic(), meta)
            return session_id

    async def _prune(self) -> None:
        exited = [sid for sid, e in self._sessions.items() if e.process.returncode is not None]
        victims = exited or [min(self._sessions, key=lambda s: self._sessions[s].last_used)]
        for sid in victims:
            entry = self._sessions.pop(sid)
            await entry.process.terminate()

    def meta_of(self, session_id: int) -> Any:
        """What the caller attached when the session started (e.g. its call id and argv)."""
        entry = self._sessions.get(session_id)
        return entry.meta if entry else None

    async def write_stdin(
        self,
        session_id: int,
        chars: str,
        *,
        yield_time_ms: int,
        max_output_tokens: int,
    ) -> ExecChunk:
        entry = self._sessions.get(session_id)
        if entry is None:
            from codex.tools.output import unknown_process

            raise UnifiedExecError(unknown_process(session_id))
        process = entry.process
        entry.last_used = time.monotonic()
        started = time.monotonic()
        if chars:
            if process.stdin_fd is None:
                raise UnifiedExecError(
                    "stdin is closed for this session; rerun exec_command with tty=true to keep "
                    "stdin open"
                )
            try:
                await process.write(chars.encode("utf-8"))
            except OSError as exc:
                raise UnifiedExecError(f"failed to write to stdin: {exc}") from exc
            await asyncio.sleep(AFTER_WRITE_PAUSE_S)
        deadline = started + yield_time_ms / 1000
        exit_code = await process.wait_exit(deadline)
        from codex.tools.runtime.process import decode_output  # loaded by spawn already

        output = decode_output(process.aggregated.take())
        if exit_code is not None:
            self._sessions.pop(session_id, None)
            process.close_fds()
        return ExecChunk(
            new_chunk_id(),
            time.monotonic() - started,
            exit_code,
            None if exit_code is not None else session_id,
            output,
            max_output_tokens,
        )

    async def terminate_all(self) -> None:
        """Kill every session's process group (interrupt, shutdown)."""
        entries = list(self._sessions.values())
        self._sessions.clear()
        for entry in entries:
            with contextlib.suppress(Exception):
                await entry.process.terminate()

    def running(self) -> list[tuple[int, str]]:
        """(session id, command) of each kept process still running, oldest first: the
        background terminals the TUI's /ps lists."""
        return [
            (sid, e.command) for sid, e in self._sessions.items() if e.process.returncode is None
        ]

    def pids(self) -> list[int]:
        return [e.process.pid for e in self._sessions.values()]
