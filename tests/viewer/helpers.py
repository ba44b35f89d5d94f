"""Helpers for the viewer tests: the running viewer, and rollouts filed as the CLI files them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import orjson

SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples" / "rollouts"


class Viewer:
    def __init__(self, proc: subprocess.Popen[bytes], url: str) -> None:
        self.proc = proc
        self.url = url.rstrip("/")

    def rss_kb(self) -> int:
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise AssertionError("no VmRSS")


def place(
    home: Path, session_id: str, lines: list[dict], stamp: str = "2026-11-24T20-48-20"
) -> Path:
    """A rollout named and filed as the CLI files it."""
    year, month, day = stamp[:4], stamp[5:7], stamp[8:10]
    path = home / "sessions" / year / month / day / f"rollout-{stamp}-{session_id}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return path


def place_sample(home: Path, name: str) -> tuple[str, Path]:
    src = SAMPLES / name
    meta = orjson.loads(src.read_bytes().split(b"\n", 1)[0])
    sid = meta["payload"]["id"]
    path = home / "sessions" / "2026" / "11" / "24" / f"rollout-2026-11-24T20-48-20-{sid}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, path)
    return sid, path
