"""core.threads.ThreadIndex, which serves `thread/list`: a day directory's listing is reused
while the directory is unchanged, and never trusted while its mtime is too fresh to tell a
later change apart; file timestamps parse as time.strptime parses them."""

from __future__ import annotations

import calendar
import os
import time
import uuid
from pathlib import Path

import orjson
import pytest

from codex.core.threads import ThreadIndex, _stamp_seconds


def _rollout(day: Path, stamp: str, text: str) -> str:
    thread_id = str(uuid.uuid4())
    lines = [
        {"timestamp": "t", "type": "session_meta", "payload": {"id": thread_id, "cwd": "/x"}},
        {
            "timestamp": "t",
            "type": "event_msg",
            "payload": {"type": "user_message", "message": text},
        },
    ]
    path = day / f"rollout-{stamp}-{thread_id}.jsonl"
    path.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    return thread_id


def _listed(index: ThreadIndex) -> list[str]:
    items, _ = index.page(limit=100)
    return [item.preview for item in items]


def _age(day: Path, seconds: int) -> int:
    """Set the directory's mtime `seconds` into the past; returns it (ns)."""
    stamp = time.time_ns() - seconds * 1_000_000_000
    os.utime(day, ns=(stamp, stamp))
    return stamp


def test_a_listed_day_sees_files_added_and_removed_later(tmp_path: Path) -> None:
    day = tmp_path / "sessions" / "2026" / "12" / "06"
    day.mkdir(parents=True)
    _rollout(day, "2026-12-06T10-00-00", "first")
    _age(day, 60)
    index = ThreadIndex(tmp_path)
    assert _listed(index) == ["first"]
    assert _listed(index) == ["first"]  # from the cached listing
    second = _rollout(day, "2026-12-06T11-00-00", "second")
    assert _listed(index) == ["second", "first"]
    _age(day, 30)
    assert _listed(index) == ["second", "first"]
    next(day.glob(f"*{second}.jsonl")).unlink()
    assert _listed(index) == ["first"]


def test_a_freshly_changed_day_is_listed_again_even_with_the_same_mtime(tmp_path: Path) -> None:
    """Two changes within one clock tick leave the same mtime: a listing taken between them
    must not be reused."""
    day = tmp_path / "sessions" / "2026" / "12" / "06"
    day.mkdir(parents=True)
    _rollout(day, "2026-12-06T10-00-00", "first")
    fresh = time.time_ns()
    os.utime(day, ns=(fresh, fresh))
    index = ThreadIndex(tmp_path)
    assert _listed(index) == ["first"]
    _rollout(day, "2026-12-06T11-00-00", "second")
    os.utime(day, ns=(fresh, fresh))  # the same mtime as when it was listed
    assert _listed(index) == ["second", "first"]


@pytest.mark.parametrize(
    "stamp",
    [
        "2026-12-06T23-59-07",
        "1970-01-01T00-00-00",
        "2024-02-29T12-30-45",
        "2026-02-29T12-30-45",
        "2026-02-31T00-00-00",
        "2026-13-01T00-00-00",
        "2026-12-06T24-00-00",
        "2026-12-06T23-60-00",
        "2026-12-06X23-59-07",
        "2026-12-0623-59-07",
        "abcd-12-06T23-59-07",
    ],
)
def test_file_timestamps_parse_as_strptime_parses_them(stamp: str) -> None:
    try:
        expected: float | None = float(calendar.timegm(time.strptime(stamp, "%Y-%m-%dT%H-%M-%S")))
    except ValueError:
        expected = None
    assert _stamp_seconds(stamp) == expected
