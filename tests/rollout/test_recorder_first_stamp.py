"""A new thread's rollout is made by its first turn: the lines that turn queued before the file
existed follow `session_meta`, so `session_meta` must not be stamped after them. Listings read a
thread's `created_at` from the first line and `updated_at` from the last; a first line stamped
a millisecond after the rest made a thread look updated before it was created."""

from __future__ import annotations

import itertools
from pathlib import Path

import orjson
import pytest
from tests.rollout.test_recorder import META, record_turn

from codex.rollout import RolloutRecorder, list_sessions
from codex.rollout import recorder as recorder_module


def test_no_line_is_stamped_before_session_meta(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every stamp taken is one millisecond later than the one before: the order lines are
    # stamped in shows in their timestamps, however fast this machine is.
    clock = itertools.count(0)

    def stamp() -> str:
        ms = next(clock)
        return f"2026-12-07T12:00:{ms // 1000:02d}.{ms % 1000:03d}Z"

    monkeypatch.setattr(recorder_module, "_now_timestamp", stamp)
    rec = RolloutRecorder.create(tmp_path, META)
    record_turn(rec, "question", "answer")
    rec.close()
    lines = [orjson.loads(line) for line in rec.path.read_bytes().splitlines()]
    assert lines[0]["type"] == "session_meta" and len(lines) > 2
    stamps = [line["timestamp"] for line in lines]
    assert stamps[0] == min(stamps), stamps
    listed = list_sessions(tmp_path, page_size=1).items[0]
    assert listed.created_at is not None and listed.updated_at is not None
    assert listed.created_at <= listed.updated_at
