"""history.jsonl: upstream's line format, mode 0600, persistence = none, lookups by offset."""

from __future__ import annotations

import os
import time
from pathlib import Path

import orjson

from codex.rollout.history import (
    append_history,
    history_metadata,
    history_path,
    lookup_history_entry,
)


def test_append_format_mode_and_lookup(tmp_path: Path) -> None:
    assert history_metadata(tmp_path) == (0, 0)
    before = int(time.time())
    assert append_history(tmp_path, "sid-1", "first message")
    assert append_history(tmp_path, "sid-1", 'second "quoted"\nline')
    path = history_path(tmp_path)
    assert path.stat().st_mode & 0o777 == 0o600
    rows = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    assert [list(r) for r in rows] == [["session_id", "ts", "text"]] * 2
    assert rows[1]["text"] == 'second "quoted"\nline'
    assert before <= rows[0]["ts"] <= int(time.time())
    log_id, count = history_metadata(tmp_path)
    assert log_id == path.stat().st_ino and count == 2
    entry = lookup_history_entry(tmp_path, log_id, 1)
    assert entry is not None and entry.text == 'second "quoted"\nline'
    assert lookup_history_entry(tmp_path, log_id, 2) is None
    assert lookup_history_entry(tmp_path, log_id + 1, 0) is None


def test_loose_permissions_are_tightened(tmp_path: Path) -> None:
    path = history_path(tmp_path)
    path.write_bytes(b"")
    os.chmod(path, 0o644)
    append_history(tmp_path, "s", "t")
    assert path.stat().st_mode & 0o777 == 0o600


def test_persistence_none_writes_nothing(tmp_path: Path) -> None:
    assert not append_history(tmp_path, "s", "secret plans", persistence="none")
    assert not history_path(tmp_path).exists()
