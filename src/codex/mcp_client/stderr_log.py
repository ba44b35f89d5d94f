"""A stdio MCP server's stderr, kept in `<log_dir>/mcp-<server>.log` up to a size cap (the
config's one log folder rule, `codex.config.log_dir`: `$CODEX_HOME/log` unless `log_dir` says).

The child writes into a pipe; a thread drains it (so a chatty server never blocks on a full
pipe) and keeps the first `CAP` bytes of each session, then one truncation line.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO

CAP = 256 * 1024


class StderrLog:
    def __init__(self, file: IO[str], read_fd: int, target: Path | None) -> None:
        self.file = file  # the pipe's write end, handed to the child
        self._read_fd = read_fd
        self._target = target
        self._thread = threading.Thread(target=self._drain, name="mcp-stderr", daemon=True)

    @classmethod
    @contextlib.contextmanager
    def open(cls, log_dir: Path | None, server: str) -> Iterator[StderrLog]:
        read_fd, write_fd = os.pipe()
        target = None
        if log_dir is not None:
            safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in server)
            target = log_dir / f"mcp-{safe}.log"
        log = cls(os.fdopen(write_fd, "w"), read_fd, target)
        log._thread.start()
        try:
            yield log
        finally:
            with contextlib.suppress(OSError):
                log.file.close()

    def spawned(self) -> None:
        """The child holds its copy of the write end now; ours closes so EOF comes with it."""
        with contextlib.suppress(OSError):
            self.file.close()

    def _drain(self) -> None:
        out = None
        if self._target is not None:
            with contextlib.suppress(OSError):
                self._target.parent.mkdir(parents=True, exist_ok=True)
                out = open(self._target, "ab")  # noqa: SIM115 - closed below
        kept = 0
        truncated = False
        try:
            while chunk := os.read(self._read_fd, 65536):
                if out is None:
                    continue
                if kept < CAP:
                    piece = chunk[: CAP - kept]
                    out.write(piece)
                    out.flush()
                    kept += len(piece)
                elif not truncated:
                    out.write(b"\n[stderr truncated]\n")
                    out.flush()
                    truncated = True
        except OSError:
            pass
        finally:
            os.close(self._read_fd)
            if out is not None:
                out.close()
