"""Recorded sessions of chosen `session_meta.source`s, for the listings that sort by it: one real
`codex exec` session against the mock, copied once per (prompt, source) with its own id, prompt,
a later file timestamp and mtime each (oldest first); source None: no source key."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn, Usage


def seed_sessions(
    home: Path,
    cwd: Path,
    mock: MockModelServer,
    sessions: Sequence[tuple[str, Any]],
    env: Mapping[str, str],
) -> list[Path]:
    """The rollouts of `sessions` ((first prompt, source) each), oldest first."""
    mock.enqueue(Turn([Message("seed reply")], Usage(10, 0, 1)))
    proc = subprocess.run(
        [sys.executable, "-m", "codex", "exec", "--skip-git-repo-check", "seed-prompt"],
        cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL, capture_output=True, text=True,
        timeout=90, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (seed,) = (home / "sessions").rglob("rollout-*.jsonl")
    text = seed.read_text()
    old_id = json.loads(text.splitlines()[0])["payload"]["id"]
    prefix = len("rollout-")
    stamp = dt.datetime.strptime(seed.name[prefix : prefix + 19], "%Y-%m-%dT%H-%M-%S")
    out = []
    for i, (prompt, source) in enumerate(sessions):
        new_id = str(uuid.uuid4())
        lines = text.replace(old_id, new_id).replace("seed-prompt", prompt).splitlines()
        first = json.loads(lines[0])
        if source is None:
            del first["payload"]["source"]
        else:
            first["payload"]["source"] = source
        lines[0] = json.dumps(first)
        when = (stamp + dt.timedelta(seconds=i + 1)).strftime("%Y-%m-%dT%H-%M-%S")
        path = seed.with_name(f"rollout-{when}-{new_id}.jsonl")
        path.write_text("\n".join(lines) + "\n")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
        out.append(path)
    seed.unlink()
    return out
