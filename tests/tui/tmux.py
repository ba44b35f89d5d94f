"""A private tmux server (its own socket under tmp) running one program in a pane of a fixed
size, and polling its screen: `wait_for(pred)` captures the pane until `pred(text)` holds or
the deadline passes. Shared by the end-to-end tests and bench/bench_tui.py."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path


def tmux_path() -> str | None:
    return shutil.which("tmux")


class Pane:
    def __init__(self, socket: Path, width: int = 100, height: int = 30) -> None:
        self.socket = str(socket)
        self.width = width
        self.height = height
        self.started = False

    def _tmux(self, *args: str, check: bool = True) -> str:
        proc = subprocess.run(
            ["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=False
        )
        if check and proc.returncode != 0:
            raise RuntimeError(f"tmux {args[0]} failed: {proc.stderr.strip()}")
        return proc.stdout

    def start(self, argv: list[str], *, cwd: Path, env: Mapping[str, str]) -> None:
        """Run `argv` in the pane; when it exits the pane prints `[exited N]` and stays."""
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        command = f'env {exports} {shlex.join(argv)}; echo "[exited $?]"; sleep 600'
        self._tmux(
            "-f", "/dev/null", "new-session", "-d", "-s", "e2e",
            "-x", str(self.width), "-y", str(self.height), "-c", str(cwd), command,
        )  # fmt: skip
        self.started = True

    def capture(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "e2e")

    def keys(self, *keys: str, literal: bool = False) -> None:
        self._tmux("send-keys", "-t", "e2e", *(["-l"] if literal else []), *keys)

    def type(self, text: str) -> None:
        self.keys(text, literal=True)

    def option(self, fmt: str) -> str:
        return self._tmux("display-message", "-p", "-t", "e2e", fmt).strip()

    def pane_pid(self) -> int:
        return int(self.option("#{pane_pid}"))

    def wait_for(
        self, pred: Callable[[str], bool], deadline: float = 60.0, poll: float = 0.01
    ) -> str:
        """The first captured screen for which `pred` holds; AssertionError with the last
        screen when `deadline` seconds pass first."""
        end = time.monotonic() + deadline
        text = ""
        while time.monotonic() < end:
            text = self.capture()
            if pred(text):
                return text
            time.sleep(poll)  # polling interval, not a timing assumption
        raise AssertionError(f"screen never matched; last screen:\n{text}")

    def pipe_output(self, path: Path) -> None:
        """Append everything the program writes from now on to `path` (tmux pipe-pane)."""
        self._tmux("pipe-pane", "-t", "e2e", f"cat >> {shlex.quote(str(path))}")

    def wait_drawn(self, pred: Callable[[str], bool], output: Path, deadline: float = 60.0) -> str:
        """As `wait_for`, but the pane is captured only when the program wrote something (the
        file of `pipe_output` grew) or 0.1 s passed: a `capture-pane` every 2 ms spawns 500
        tmux clients a second, CPU taken from the program being timed on a small machine."""
        end = time.monotonic() + deadline
        size, captured, text = -1, 0.0, ""
        while time.monotonic() < end:
            try:
                now_size = output.stat().st_size
            except FileNotFoundError:
                now_size = -1
            now = time.monotonic()
            if now_size != size or now - captured >= 0.1:
                size, captured = now_size, now
                text = self.capture()
                if pred(text):
                    return text
            time.sleep(0.001)  # polling interval, not a timing assumption
        raise AssertionError(f"screen never matched; last screen:\n{text}")

    def wait_text(self, needle: str, deadline: float = 60.0) -> str:
        return self.wait_for(lambda screen: needle in screen, deadline)

    def close(self) -> None:
        if self.started:
            self._tmux("kill-server", check=False)
            self.started = False
