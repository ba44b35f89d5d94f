"""A byte progress bar and a spinner for a TTY stderr. Both do nothing when stderr is not a
terminal, so logs and tests see only the final one-line results."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

_FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class ProgressBar:
    """`label [#####.....]  42% 40.1/98.4 MB`, redrawn at most 20 times a second."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(total, 1)
        self.done = 0
        self._stream = stream or sys.stderr
        self._tty = _is_tty(self._stream)
        self._last = 0.0

    def advance(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if self._tty and (now - self._last >= 0.05 or self.done >= self.total):
            self._last = now
            self._draw()

    def _draw(self) -> None:
        frac = min(self.done / self.total, 1.0)
        width = 30
        filled = int(frac * width)
        bar = "#" * filled + "." * (width - filled)
        mb = 1024 * 1024
        self._stream.write(
            f"\r\x1b[2K{self.label} [{bar}] {frac * 100:3.0f}% "
            f"{self.done / mb:.1f}/{self.total / mb:.1f} MB"
        )
        self._stream.flush()

    def close(self) -> None:
        if self._tty:
            self._stream.write("\r\x1b[2K")
            self._stream.flush()


class Spinner:
    """`⠋ label (3s)`: call `tick()` in a polling loop, `clear()` when done."""

    def __init__(self, label: str, stream: TextIO | None = None) -> None:
        self.label = label
        self._stream = stream or sys.stderr
        self._tty = _is_tty(self._stream)
        self._began = time.monotonic()
        self._frame = 0
        self._shown = False

    def tick(self) -> None:
        if not self._tty:
            return
        elapsed = int(time.monotonic() - self._began)
        self._stream.write(f"\r\x1b[2K{_FRAMES[self._frame % 10]} {self.label} ({elapsed}s)")
        self._stream.flush()
        self._frame += 1
        self._shown = True

    def clear(self) -> None:
        if self._shown:
            self._stream.write("\r\x1b[2K")
            self._stream.flush()
            self._shown = False
