"""One `command/exec` process: spawned under the sandbox, its output collected or streamed to
the client as `command/exec/outputDelta` notifications, its stdin fed by `command/exec/write`,
its terminal resized by `command/exec/resize` (shapes as the official 0.169 server:
`{processId, stream, deltaBase64, capReached}`; streamed output is not repeated in the result).

With `tty` the command gets a pseudo-terminal (stdin, stdout and stderr on its slave side, one
"stdout" stream, default size 24x80); without it, pipes.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import os
import signal
import struct
from typing import Any

from codex.app_server.notifications import note

READ_SIZE = 64 * 1024
DEFAULT_ROWS, DEFAULT_COLS = 24, 80


def exit_code(returncode: int | None) -> int:
    """A signal death reads as the shell reports it (SIGKILL → 137), as the official server."""
    if returncode is None:
        return -1
    return 128 - returncode if returncode < 0 else returncode


def set_size(fd: int, rows: int, cols: int) -> None:
    import fcntl  # POSIX-only (as PTYs are): here, so Windows can import this module
    import termios

    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class ExecProcess:
    """A running command and what it has produced so far."""

    def __init__(
        self,
        *,
        conn: Any,
        process_id: str | None,
        stream: bool,
        stdin_open: bool,
        tty: bool,
        cap: int | None,
    ) -> None:
        self.conn = conn
        self.process_id = process_id
        self.stream = stream
        self.stdin_open = stdin_open
        self.tty = tty
        self.cap = cap
        self.proc: asyncio.subprocess.Process | None = None
        self.master: int | None = None  # the pty's master side (tty only)
        self.sent = {"stdout": 0, "stderr": 0}
        self.kept = {"stdout": bytearray(), "stderr": bytearray()}
        self.capped = {"stdout": False, "stderr": False}
        # Set once the spawn finished (or failed): a write or resize that arrives while the
        # command is still being spawned waits for it instead of missing it.
        self.spawned = asyncio.Event()

    async def start(
        self,
        argv: list[str],
        config: Any,
        policy: Any,
        *,
        cwd: str,
        env: dict[str, str],
        size: tuple[int, int] | None,
    ) -> None:
        """Spawn under `policy` (None: the config's; its workspace is the config's cwd); a
        machine that cannot enforce it raises CodexError."""
        from codex.api.sandboxing import spawn_under_policy

        if self.tty:
            master, slave = os.openpty()
            rows, cols = size or (DEFAULT_ROWS, DEFAULT_COLS)
            set_size(master, rows, cols)
            env.setdefault("TERM", "xterm-256color")
            try:
                self.proc = await spawn_under_policy(
                    config, argv, policy=policy, cwd=cwd, env=env,
                    stdin=slave, stdout=slave, stderr=slave,
                )  # fmt: skip
            except BaseException:
                os.close(master)
                raise
            finally:
                os.close(slave)
            self.master = master
            return
        self.proc = await spawn_under_policy(
            config, argv, policy=policy, cwd=cwd, env=env,
            stdin=asyncio.subprocess.PIPE if self.stdin_open else asyncio.subprocess.DEVNULL,
        )  # fmt: skip

    # ---- output -----------------------------------------------------------------------------

    def _chunk(self, name: str, data: bytes) -> None:
        if self.capped[name]:
            return
        if self.cap is not None:
            room = self.cap - self.sent[name]
            if len(data) >= room:
                data = data[:room]
                self.capped[name] = True
        self.sent[name] += len(data)
        if self.stream:
            if data or self.capped[name]:
                delta = base64.b64encode(data).decode()
                self.conn.send(
                    note(
                        "command/exec/outputDelta",
                        {
                            "processId": self.process_id,
                            "stream": name,
                            "deltaBase64": delta,
                            "capReached": self.capped[name],
                        },
                    )
                )
        else:
            self.kept[name] += data

    async def _pipe(self, name: str, reader: asyncio.StreamReader | None) -> None:
        if reader is None:
            return
        while chunk := await reader.read(READ_SIZE):
            self._chunk(name, chunk)

    async def _pty(self) -> None:
        """Read the master until the slave side is closed by every process holding it."""
        assert self.master is not None
        loop = asyncio.get_running_loop()
        fd = self.master
        os.set_blocking(fd, False)
        ready = asyncio.Event()
        loop.add_reader(fd, ready.set)
        try:
            while True:
                await ready.wait()
                ready.clear()
                try:
                    chunk = os.read(fd, READ_SIZE)
                except BlockingIOError:
                    continue
                except OSError:  # EIO: the slave side closed
                    return
                if not chunk:
                    return
                self._chunk("stdout", chunk)
        finally:
            loop.remove_reader(fd)

    async def wait(self, timeout: float | None) -> dict[str, Any]:
        """Collect (or stream) until the process exits; kill it at `timeout` seconds."""
        proc = self.proc
        assert proc is not None
        if self.tty:
            readers = [asyncio.ensure_future(self._pty())]
        else:
            readers = [
                asyncio.ensure_future(self._pipe("stdout", proc.stdout)),
                asyncio.ensure_future(self._pipe("stderr", proc.stderr)),
            ]
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            self.kill()
            await proc.wait()
        finally:
            if self.tty:
                # The pty stays readable while a background child holds the slave: give the
                # readers what is buffered, then stop.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(asyncio.gather(*readers), 2.0)
            else:
                await asyncio.gather(*readers, return_exceptions=True)
            for task in readers:
                task.cancel()
            self.close_fds()
        return {
            "exitCode": exit_code(proc.returncode),
            "stdout": self.kept["stdout"].decode("utf-8", "replace"),
            "stderr": self.kept["stderr"].decode("utf-8", "replace"),
        }

    # ---- control ----------------------------------------------------------------------------

    async def write(self, data: bytes, close: bool) -> None:
        if self.tty:
            assert self.master is not None
            view = memoryview(data)
            while view:
                try:
                    view = view[os.write(self.master, view) :]
                except BlockingIOError:
                    await asyncio.sleep(0.01)
            if close:
                os.write(self.master, b"\x04")  # ^D: end of input on a terminal
            return
        proc = self.proc
        if proc is None or proc.stdin is None:
            raise OSError("stdin is not open")
        if data:
            proc.stdin.write(data)
            await proc.stdin.drain()
        if close:
            proc.stdin.close()

    def resize(self, rows: int, cols: int) -> None:
        if self.master is None:
            raise OSError("not a terminal")
        set_size(self.master, rows, cols)
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGWINCH)

    def kill(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.proc.pid, signal.SIGKILL)

    def kill_if_running(self) -> None:
        """A request cancelled (its connection closed) must not leave the command behind."""
        if self.proc is not None and self.proc.returncode is None:
            self.kill()

    def close_fds(self) -> None:
        if self.master is not None:
            with contextlib.suppress(OSError):
                os.close(self.master)
            self.master = None
