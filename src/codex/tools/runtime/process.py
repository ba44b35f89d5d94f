"""Child processes for the tools: pipes or a PTY, own process group, bounded output capture.

Every command the model runs goes through `spawn()`: the child starts a new session (so it is the
leader of its own process group and `kill()` takes grandchildren down with it), its output is read
on the event loop with `add_reader` (no threads), and captured bytes are held in a head+tail buffer
so a runaway command cannot grow memory without bound. This module never decides *whether* to run
something or under which sandbox; callers pass the final argv.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import struct
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from codex.sandbox.process_group import kill_group_and_wait, signal_group

# Upstream caps a unified-exec session's retained output at 1 MiB (head and tail kept).
DEFAULT_CAPTURE_CAP = 1024 * 1024
# After the child exits, grandchildren may keep the pipe open; wait this long for EOF.
DRAIN_GRACE_S = 2.0
# How long terminate() waits for a killed process group to be gone.
_READ_CHUNK = 64 * 1024


def decode_output(data: bytes) -> str:
    """Bytes from a child → text: UTF-8, else Windows-1252, else Latin-1 (never fails)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


class HeadTailBuffer:
    """Bytes with a cap: past `cap`, the first half is frozen and only the newest tail is kept."""

    __slots__ = ("_cap", "_head", "_tail", "omitted", "total")

    def __init__(self, cap: int = DEFAULT_CAPTURE_CAP) -> None:
        self._cap = max(2, cap)
        self._head = bytearray()
        self._tail = bytearray()
        self.omitted = 0
        self.total = 0

    def append(self, data: bytes) -> None:
        self.total += len(data)
        half = self._cap // 2
        if len(self._head) < half:
            take = half - len(self._head)
            self._head += data[:take]
            data = data[take:]
        if not data:
            return
        self._tail += data
        excess = len(self._tail) - (self._cap - half)
        if excess > 0:
            del self._tail[:excess]
            self.omitted += excess

    def take(self) -> bytes:
        """Return everything buffered and empty the buffer."""
        out = bytes(self._head) + bytes(self._tail)
        self._head.clear()
        self._tail.clear()
        self.omitted = 0
        return out

    def peek(self) -> bytes:
        return bytes(self._head) + bytes(self._tail)

    def __len__(self) -> int:
        return len(self._head) + len(self._tail)


@dataclass(slots=True)
class _Stream:
    fd: int
    buf: HeadTailBuffer
    eof: bool = False
    tee: HeadTailBuffer | None = None


@dataclass
class ManagedProcess:
    """A running child in its own process group, with its output streamed into buffers."""

    proc: asyncio.subprocess.Process
    tty: bool
    stdin_fd: int | None
    streams: dict[str, _Stream]
    aggregated: HeadTailBuffer
    started: float = field(default_factory=time.monotonic)
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _killed: bool = False
    _exit_watch: asyncio.Future[None] | None = None
    # Called with (stream name, bytes) for every chunk read; e.g. live output-delta events.
    listener: Callable[[str, bytes], None] | None = None

    async def _watch_exit(self) -> None:
        await self.proc.wait()
        self._changed.set()

    @property
    def pid(self) -> int:
        return self.proc.pid

    @property
    def returncode(self) -> int | None:
        return self.proc.returncode

    @property
    def output_closed(self) -> bool:
        return all(s.eof for s in self.streams.values())

    def _on_readable(self, name: str) -> None:
        stream = self.streams[name]
        try:
            data = os.read(stream.fd, _READ_CHUNK)
        except BlockingIOError:
            return
        except OSError:  # EIO on a PTY master once every slave fd is closed
            data = b""
        if data:
            stream.buf.append(data)
            if stream.tee is not None:
                stream.tee.append(data)
            if self.listener is not None:
                self.listener(name, data)
        else:
            self._close_stream(stream)
        self._changed.set()

    def _close_stream(self, stream: _Stream) -> None:
        if stream.eof:
            return
        stream.eof = True
        if self.tty:
            self.stdin_fd = None  # the PTY master is both ends
        with contextlib.suppress(Exception):
            asyncio.get_running_loop().remove_reader(stream.fd)
        with contextlib.suppress(OSError):
            os.close(stream.fd)

    async def wait_change(self, deadline: float) -> bool:
        """Wait for new output or exit until `deadline` (monotonic). False on timeout."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return False
        self._changed.clear()
        try:
            await asyncio.wait_for(self._changed.wait(), remaining)
        except TimeoutError:
            return False
        return True

    async def wait_exit(self, deadline: float | None = None) -> int | None:
        """Wait for the child to exit (and its output to drain); None if `deadline` passes first."""
        while self.proc.returncode is None:
            if deadline is None:
                self._changed.clear()
                await self._changed.wait()
            elif not await self.wait_change(deadline) and self.proc.returncode is None:
                return None
        await self.drain(DRAIN_GRACE_S)
        return self.proc.returncode

    async def drain(self, grace: float) -> None:
        """Read until every output stream hits EOF, or give up after `grace` seconds."""
        end = time.monotonic() + grace
        while not self.output_closed:
            if not await self.wait_change(end):
                break
        for stream in self.streams.values():
            # Leftover bytes may sit in the pipe even when we stopped waiting.
            if not stream.eof:
                self._drain_nonblocking(stream)
                self._close_stream(stream)

    def _drain_nonblocking(self, stream: _Stream) -> None:
        while True:
            try:
                data = os.read(stream.fd, _READ_CHUNK)
            except OSError:
                return
            if not data:
                return
            stream.buf.append(data)
            if stream.tee is not None:
                stream.tee.append(data)

    async def write(self, data: bytes) -> None:
        """Write all of `data` to the child's stdin, waiting (not blocking) when it is full."""
        loop = asyncio.get_running_loop()
        view = memoryview(data)
        while view:
            fd = self.stdin_fd
            if fd is None:
                raise BrokenPipeError("stdin is closed for this process")
            try:
                n = os.write(fd, view)
            except BlockingIOError:
                writable = loop.create_future()
                loop.add_writer(fd, writable.set_result, None)
                try:
                    await writable
                finally:
                    loop.remove_writer(fd)
                continue
            view = view[n:]

    def kill(self) -> None:
        """SIGKILL the whole process group; safe to call more than once."""
        self._killed = True
        signal_group(self.proc.pid)

    async def terminate(self) -> None:
        """Kill the process group, reap the child, wait (bounded) until nothing in the group
        runs any more, and close every fd."""
        self.kill()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(asyncio.shield(self.proc.wait()), 5)
        # SIGKILL is delivered asynchronously: a grandchild may still be on its way out.
        await kill_group_and_wait(self.proc.pid)
        self.close_fds()
        if self._exit_watch is not None and not self._exit_watch.done():
            self._exit_watch.cancel()

    def close_fds(self) -> None:
        for stream in self.streams.values():
            self._close_stream(stream)
        if self.stdin_fd is not None and not self.tty:
            with contextlib.suppress(OSError):
                os.close(self.stdin_fd)
        self.stdin_fd = None


def _set_nonblocking(fd: int) -> None:
    os.set_blocking(fd, False)


def _make_controlling_tty() -> None:  # runs in the child, after setsid()
    import fcntl  # POSIX-only, like PTYs: imported here so Windows can import this module
    import termios

    with contextlib.suppress(OSError):
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)


async def spawn(
    argv: Sequence[str],
    *,
    cwd: str | os.PathLike[str],
    env: Mapping[str, str],
    tty: bool = False,
    stdin_open: bool = False,
    separate_stderr: bool = False,
    capture_cap: int = DEFAULT_CAPTURE_CAP,
) -> ManagedProcess:
    """Start `argv` in a new session. Raises OSError if it cannot be executed.

    tty: stdin/stdout/stderr are one PTY (the child's controlling terminal).
    stdin_open: keep a pipe to the child's stdin (otherwise /dev/null), pipes mode only.
    separate_stderr: capture stdout and stderr apart (they are also interleaved in `aggregated`).
    """
    loop = asyncio.get_running_loop()
    aggregated = HeadTailBuffer(capture_cap)
    to_close: list[int] = []
    streams: dict[str, _Stream] = {}
    stdin_fd: int | None = None
    try:
        if tty:
            import fcntl  # see _make_controlling_tty
            import termios

            master, slave = os.openpty()
            with contextlib.suppress(OSError):
                fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 200, 0, 0))
            to_close.append(slave)
            child_in = child_out = child_err = slave
            streams["stdout"] = _Stream(master, aggregated)
            stdin_fd = master
            preexec = _make_controlling_tty
        else:
            preexec = None
            if stdin_open:
                r, w = os.pipe()
                to_close.append(r)
                child_in = r
                stdin_fd = w
            else:
                child_in = os.open(os.devnull, os.O_RDONLY)
                to_close.append(child_in)
            r, w = os.pipe()
            to_close.append(w)
            child_out = w
            streams["stdout"] = _Stream(
                r, HeadTailBuffer(capture_cap) if separate_stderr else aggregated
            )
            if separate_stderr:
                streams["stdout"].tee = aggregated
                r2, w2 = os.pipe()
                to_close.append(w2)
                child_err = w2
                streams["stderr"] = _Stream(r2, HeadTailBuffer(capture_cap), tee=aggregated)
            else:
                child_err = w
        proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=os.fspath(cwd),
            env=dict(env),
            stdin=child_in,
            stdout=child_out,
            stderr=child_err,
            start_new_session=True,
            preexec_fn=preexec,
        )
    except BaseException:
        for fd in to_close:
            with contextlib.suppress(OSError):
                os.close(fd)
        for s in streams.values():
            with contextlib.suppress(OSError):
                os.close(s.fd)
        if stdin_fd is not None and not tty:
            with contextlib.suppress(OSError):
                os.close(stdin_fd)
        raise
    for fd in to_close:
        with contextlib.suppress(OSError):
            os.close(fd)
    mp = ManagedProcess(
        proc=proc, tty=tty, stdin_fd=stdin_fd, streams=streams, aggregated=aggregated
    )
    for name, stream in streams.items():
        _set_nonblocking(stream.fd)
        loop.add_reader(stream.fd, mp._on_readable, name)
    if stdin_fd is not None and not tty:
        _set_nonblocking(stdin_fd)
    mp._exit_watch = asyncio.ensure_future(mp._watch_exit())
    return mp
