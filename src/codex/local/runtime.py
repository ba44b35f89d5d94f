"""Start and stop the embedded model server (codex.local.server) as a child process.

`EmbeddedServer(model_path).start()` spawns the child on 127.0.0.1 with port 0 (the kernel picks
a free one), reads the address it announces once the model is loaded (a spinner on a TTY stderr
meanwhile), then checks `GET /health` and asks `GET /props` for the context it serves
(`context_window`, what the session's window and compaction limit come from). `stop()` closes
the child's stdin, then SIGTERM, then SIGKILL, and always reaps it. Use it as a context
manager; a SIGTERM to codex is turned into an ordinary exit while a server runs so that `stop()`
still happens, and the child's parent-death signal covers SIGKILL.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from types import FrameType
from typing import Any

from codex.errors import CodexError
from codex.local.progress import Spinner

DEFAULT_START_TIMEOUT = 180.0


def xllamacpp_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("xllamacpp") is not None


def _tail(path: Path, lines: int = 3) -> str:
    try:
        text = path.read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return " | ".join(line.strip() for line in text[-lines:])


class EmbeddedServer:
    """One llama.cpp server child serving one GGUF model."""

    def __init__(
        self,
        model_path: Path,
        *,
        alias: str | None = None,
        log_path: Path | None = None,
        ctx: int = 8192,
        threads: int = 0,
        start_timeout: float = DEFAULT_START_TIMEOUT,
    ) -> None:
        self.model_path = Path(model_path)
        self.alias = alias
        self.log_path = log_path
        self.ctx = ctx
        self.threads = threads
        self.start_timeout = start_timeout
        self.address: str | None = None
        self.load_seconds: float | None = None
        # The context window the server reports (llama.cpp may not grant `ctx` exactly).
        self.context_window: int | None = None
        self.process: subprocess.Popen[bytes] | None = None
        self._old_sigterm: Any = None

    @property
    def base_url(self) -> str:
        assert self.address is not None, "server not started"
        return f"{self.address}/v1"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    # -- lifecycle

    def start(self) -> EmbeddedServer:
        if not xllamacpp_available():
            raise CodexError(
                "the embedded runtime needs xllamacpp: pip install 'codex-py[local]' "
                "(or pip install xllamacpp)"
            )
        cmd = [
            sys.executable,
            "-m",
            "codex.local.server",
            "--model",
            str(self.model_path),
            "--ctx",
            str(self.ctx),
            "--threads",
            str(self.threads),
            "--parent-pid",
            str(os.getpid()),
        ]
        if self.alias:
            cmd += ["--alias", self.alias]
        # Trap SIGTERM before the child exists: a SIGTERM that lands between the spawn and the trap
        # would kill codex with the default action and skip stop(). If it lands inside Popen, the
        # child's stdin pipe closes with us and the server exits on EOF.
        self._trap_sigterm()
        try:
            self.process = self._spawn(cmd)
            self._wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, cmd: list[str]) -> subprocess.Popen[bytes]:
        log = None
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            log = self.log_path.open("wb")
        try:
            return subprocess.Popen(
                cmd,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=log if log is not None else subprocess.DEVNULL,
                close_fds=True,
            )
        finally:
            if log is not None:
                log.close()

    def _wait_ready(self) -> None:
        proc = self.process
        assert proc is not None and proc.stdout is not None
        spinner = Spinner(f"Starting the local model {self.alias or self.model_path.name}")
        deadline = time.monotonic() + self.start_timeout
        buf = b""
        try:
            while b"\n" not in buf:
                if time.monotonic() > deadline:
                    raise CodexError(
                        f"the embedded model server did not start within {self.start_timeout:.0f}s"
                    )
                ready, _, _ = select.select([proc.stdout], [], [], 0.1)
                spinner.tick()
                if not ready:
                    continue
                chunk = os.read(proc.stdout.fileno(), 4096)
                if not chunk:
                    proc.wait()
                    detail = _tail(self.log_path) if self.log_path else ""
                    raise CodexError(
                        f"the embedded model server exited (status {proc.returncode}) while "
                        f"loading {self.model_path}" + (f": {detail}" if detail else "")
                    )
                buf += chunk
        finally:
            spinner.clear()
        info = json.loads(buf.split(b"\n", 1)[0])
        self.address = str(info["address"]).rstrip("/")
        self.load_seconds = float(info.get("load_seconds", 0.0))
        self._check_health()
        from codex.local.window import llama_cpp_props_window

        self.context_window = llama_cpp_props_window(self.address) or self.ctx

    def _check_health(self) -> None:
        try:
            with urllib.request.urlopen(f"{self.address}/health", timeout=10) as resp:
                if resp.status == 200:
                    return
        except (urllib.error.URLError, OSError) as err:
            raise CodexError(
                f"the embedded model server at {self.address} is not healthy: {err}"
            ) from None
        raise CodexError(f"the embedded model server at {self.address} is not healthy")

    def stop(self, timeout: float = 5.0) -> None:
        """Close stdin (the child exits on EOF), then SIGTERM, then SIGKILL; always reap.

        A SIGTERM that arrives meanwhile is held until the child is reaped, then ends codex with
        status 143 as one during the session does (the default action would skip the reaping)."""
        proc = self.process
        if proc is None:
            self._restore_sigterm()
            return
        self.process = None
        held = self._hold_sigterm()
        try:
            _reap(proc, timeout)
        finally:
            self._restore_sigterm()
        if held:
            raise SystemExit(128 + signal.SIGTERM)

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- SIGTERM: leave through `finally` blocks so the child is stopped

    def _trap_sigterm(self) -> None:
        try:
            self._old_sigterm = signal.signal(signal.SIGTERM, _raise_exit)
        except ValueError:  # not the main thread: the parent-death signal still covers us
            self._old_sigterm = None

    def _hold_sigterm(self) -> list[int]:
        """While the trap is ours, replace it by one that only notes the signal (in the list)."""
        held: list[int] = []
        if self._old_sigterm is not None:
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGTERM, lambda signum, frame: held.append(signum))
        return held

    def _restore_sigterm(self) -> None:
        if self._old_sigterm is not None:
            with contextlib.suppress(ValueError):
                signal.signal(signal.SIGTERM, self._old_sigterm)
            self._old_sigterm = None


def _reap(proc: subprocess.Popen[bytes], timeout: float) -> None:
    if proc.stdin is not None:
        with contextlib.suppress(OSError):
            proc.stdin.close()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if proc.stdout is not None:
        proc.stdout.close()


def _raise_exit(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)
