"""Run one command to completion with a timeout: the engine of `shell`, `shell_command` and
`local_shell`. stdin is /dev/null, stdout and stderr are captured apart and interleaved; on
timeout the whole process group is killed and the exit code is 124 (as upstream). Cancelling the
awaiting task kills the process group too, so an interrupt never leaves a child behind.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from codex.tools.runtime.process import decode_output, spawn

DEFAULT_TIMEOUT_MS = 10_000
TIMEOUT_EXIT_CODE = 124
# Live output deltas are capped per call (upstream: 10,000 events).
MAX_DELTA_EVENTS = 10_000


@dataclass(slots=True)
class ExecResult:
    exit_code: int
    stdout: str
    stderr: str
    aggregated: str
    seconds: float
    timed_out: bool

    @property
    def denied_hint_text(self) -> str:
        return f"{self.stdout}\n{self.stderr}\n{self.aggregated}".lower()


async def run_to_completion(
    argv: Sequence[str],
    *,
    cwd: str | os.PathLike[str],
    env: Mapping[str, str],
    timeout_ms: int | None,
    on_output: Callable[[str, bytes], None] | None = None,
) -> ExecResult:
    """Run `argv`; raises OSError when it cannot be started at all."""
    timeout = DEFAULT_TIMEOUT_MS if timeout_ms is None else max(1, int(timeout_ms))
    process = await spawn(argv, cwd=cwd, env=env, separate_stderr=True)
    if on_output is not None:
        process.listener = bounded_listener(on_output)
    started = process.started
    try:
        exit_code = await process.wait_exit(started + timeout / 1000)
    except BaseException:
        await process.terminate()
        raise
    timed_out = exit_code is None
    if timed_out:
        await process.terminate()
        exit_code = TIMEOUT_EXIT_CODE
    elif exit_code < 0:
        exit_code = 128 - exit_code  # killed by a signal: the shell's convention
    process.close_fds()
    return ExecResult(
        exit_code=exit_code,
        stdout=decode_output(process.streams["stdout"].buf.peek()),
        stderr=decode_output(process.streams["stderr"].buf.peek()),
        aggregated=decode_output(process.aggregated.peek()),
        seconds=time.monotonic() - started,
        timed_out=timed_out,
    )


def bounded_listener(on_output: Callable[[str, bytes], None]) -> Callable[[str, bytes], None]:
    count = 0

    def report(name: str, data: bytes) -> None:
        nonlocal count
        if count < MAX_DELTA_EVENTS:
            count += 1
            on_output(name, data)

    return report
