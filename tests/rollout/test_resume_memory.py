"""Resume streams the file: peak memory follows the history kept, not the file's size."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import orjson

_PROBE = r"""
import resource, sys
from codex.rollout import load_rollout
import orjson  # noqa: F401  (imports done before the baseline)
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
r = load_rollout(sys.argv[1])
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(len(r.history), (peak - base) // 1024)
"""


def test_resume_of_a_64_mb_file_stays_small(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    big = "y" * (1 << 20)
    with open(path, "wb") as f:
        meta = {"id": "01a20f50-dc4c-7d73-8148-8a9882982f12", "cwd": "/", "timestamp": "t"}
        f.write(orjson.dumps({"timestamp": "t", "type": "session_meta", "payload": meta}) + b"\n")
        for i in range(64):
            # 1 MiB lines that resume must read but not keep: turn contexts and UI events.
            kind, payload = (
                ("turn_context", {"model": "m", "blob": big})
                if i % 2
                else ("event_msg", {"type": "token_count", "blob": big})
            )
            f.write(orjson.dumps({"timestamp": "t", "type": kind, "payload": payload}) + b"\n")
            item = {"type": "message", "role": "user", "content": [{"type": "input_text"}]}
            f.write(orjson.dumps({"timestamp": "t", "type": "response_item", "payload": item}))
            f.write(b"\n")
    assert path.stat().st_size > 64 << 20
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, str(path)], capture_output=True, check=True, text=True
    ).stdout.split()
    history, grown_mib = int(out[0]), int(out[1])
    assert history == 64
    assert grown_mib < 16, f"resume grew peak RSS by {grown_mib} MiB for a 64 MiB file"
