"""The RESULTS file: one JSON line per finished task, appended with one `os.write` on an
O_APPEND descriptor and fsynced, so a `kill -9` between tasks leaves only whole lines; a line
torn anyway (a crash mid-write) is skipped by `--resume` and gets its newline back first."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


class ResultSink:
    """Where result lines go: a file (`-o`) or fd 1."""

    def __init__(self, path: str | None) -> None:
        self.path = path
        if path is None:
            self._fd = 1
        else:
            self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)
            self._repair_tail(path)

    def _repair_tail(self, path: str) -> None:
        """A file whose last line lacks its newline (a writer killed mid-write on a filesystem
        that split the write) gets one, so the next line starts on its own."""
        size = os.path.getsize(path)
        if size:
            with open(path, "rb") as f:
                f.seek(size - 1)
                if f.read(1) != b"\n":
                    os.write(self._fd, b"\n")

    def write(self, record: dict[str, Any]) -> None:
        import orjson

        data = orjson.dumps(record) + b"\n"
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]
        if self._fd != 1:
            os.fsync(self._fd)

    def close(self) -> None:
        if self._fd != 1:
            os.close(self._fd)


def completed_ids(path: str | None) -> set[str]:
    """Ids with a `completed` line in a previous RESULTS file (`--resume`); a torn or foreign
    line is ignored, so a file cut by a crash still resumes."""
    if path is None or not Path(path).exists():
        return set()
    import orjson

    done: set[str] = set()
    for raw in Path(path).read_bytes().split(b"\n"):
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        if isinstance(obj, dict) and obj.get("status") == "completed":
            done.add(str(obj.get("id")))
    return done
