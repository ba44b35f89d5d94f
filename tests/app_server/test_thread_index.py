"""The thread indexes (core.threads.ThreadIndex, and the app-server's saved one,
codex.app_server.thread_index): a day directory's listing is reused while the directory is
unchanged, and never trusted while its mtime is too fresh to tell a later change apart; file
timestamps and names parse as time.strptime and the rollout name rule parse them; the saved
index is only used where the file system agrees with it."""

from __future__ import annotations

import calendar
import os
import time
import uuid
from pathlib import Path

import orjson
import pytest

from codex.app_server import thread_index as saved
from codex.core.threads import ThreadIndex, _stamp_seconds
from codex.rollout.paths import parse_rollout_name

INDEXES = pytest.mark.parametrize("make", [ThreadIndex, saved.ThreadIndex], ids=["core", "saved"])


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


def _listed(index: ThreadIndex | saved.ThreadIndex) -> list[str]:
    items, _ = index.page(limit=100)
    return [item.preview for item in items]


def _age(day: Path, seconds: int) -> int:
    """Set the directory's mtime `seconds` into the past; returns it (ns)."""
    stamp = time.time_ns() - seconds * 1_000_000_000
    os.utime(day, ns=(stamp, stamp))
    return stamp


@INDEXES
def test_a_listed_day_sees_files_added_and_removed_later(tmp_path: Path, make: type) -> None:
    day = tmp_path / "sessions" / "2026" / "12" / "06"
    day.mkdir(parents=True)
    _rollout(day, "2026-12-06T10-00-00", "first")
    _age(day, 60)
    index = make(tmp_path)
    assert _listed(index) == ["first"]
    assert _listed(index) == ["first"]  # from the cached listing
    second = _rollout(day, "2026-12-06T11-00-00", "second")
    assert _listed(index) == ["second", "first"]
    _age(day, 30)
    assert _listed(index) == ["second", "first"]
    next(day.glob(f"*{second}.jsonl")).unlink()
    assert _listed(index) == ["first"]


@INDEXES
def test_a_freshly_changed_day_is_listed_again_even_with_the_same_mtime(
    tmp_path: Path, make: type
) -> None:
    """Two changes within one clock tick leave the same mtime: a listing taken between them
    must not be reused."""
    day = tmp_path / "sessions" / "2026" / "12" / "06"
    day.mkdir(parents=True)
    _rollout(day, "2026-12-06T10-00-00", "first")
    fresh = time.time_ns()
    os.utime(day, ns=(fresh, fresh))
    index = make(tmp_path)
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
    assert saved.stamp_seconds(stamp) == expected


@pytest.mark.parametrize(
    "name",
    [
        "rollout-2026-12-06T10-00-00-0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b.jsonl",
        "rollout-2026-12-06T10-00-00-0190A2B3-C4D5-7E6F-8A9B-0C1D2E3F4A5B.jsonl",
        "rollout-2026-12-06T10-00-00-0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5.jsonl",
        "rollout-2026-12-06T10-00-00-0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5g.jsonl",
        "rollout-2026-12-06T10-00-00-0190a2b3_c4d5-7e6f-8a9b-0c1d2e3f4a5b.jsonl",
        "rollout-2026-12-06T10-00-00-0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a_b.jsonl",
        "rollout-2026-12-06T10-00-00-+190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b.jsonl",
        "rollout-2026-12-06T10-00-00-0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b.json",
        "rollout-2026-12-0６T10-00-00-0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b.jsonl",
        "rollout-2026-12-0²T10-00-00-0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b.jsonl",
        "rollout-2026-12-06T10:00:00-0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b.jsonl",
        "xrollout-2026-12-06T10-00-00-0190a2b3-c4d5-7e6f-8a9b-0c1d2e3f4a5b.jsonl",
    ],
)
def test_rollout_names_parse_as_the_rollout_name_rule(name: str) -> None:
    assert saved.parse_name(name) == parse_rollout_name(name)


def _summaries(index: saved.ThreadIndex) -> dict[str, tuple[str, str]]:
    items, _ = index.page(limit=100)
    return {item.thread_id: (item.preview, str(item.meta.get("cwd"))) for item in items}


def _aged_day(tmp_path: Path) -> Path:
    day = tmp_path / "sessions" / "2026" / "12" / "06"
    day.mkdir(parents=True, exist_ok=True)
    return day


def test_the_saved_index_is_reopened_and_checked_against_the_files(tmp_path: Path) -> None:
    """What another program does between two servers (the official CLI or `codex exec`
    recording, a rollout replaced or rewritten, a file removed) is seen by the next server,
    though its index comes from the saved file."""
    day = _aged_day(tmp_path)
    kept = _rollout(day, "2026-12-06T10-00-00", "kept")
    grown = _rollout(day, "2026-12-06T10-01-00", "grown")
    replaced = _rollout(day, "2026-12-06T10-02-00", "replaced")
    rewritten = _rollout(day, "2026-12-06T10-03-00", "rewritten")
    removed = _rollout(day, "2026-12-06T10-04-00", "removed")
    _age(day, 60)
    first = saved.ThreadIndex(tmp_path)
    before = _summaries(first)
    assert len(before) == 5
    first.save()
    assert Path(first.file).is_file()

    def path_of(thread_id: str) -> Path:
        return next(day.glob(f"*{thread_id}.jsonl"))

    with path_of(grown).open("ab") as f:  # appended: the head stands
        f.write(b'{"timestamp":"t","type":"event_msg","payload":{"type":"agent_message"}}\n')
    tmp = day / "tmp"
    tmp.write_bytes(path_of(replaced).read_bytes().replace(b'"/x"', b'"/new-cwd"'))
    tmp.rename(path_of(replaced))  # replaced by rename, the size kept
    path = path_of(rewritten)
    data = path.read_bytes()
    path.write_bytes(data.replace(b'"rewritten"', b'"REWRITTEN"'))  # in place, same size
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    path_of(removed).unlink()
    added = _rollout(day, "2026-12-06T10-05-00", "added")
    _age(day, 30)

    second = saved.ThreadIndex(tmp_path)
    assert second._heads  # opened from the file
    after = _summaries(second)
    assert after[kept] == before[kept] and after[grown] == before[grown]
    assert after[replaced] == ("replaced", "/new-cwd")
    assert after[rewritten] == ("REWRITTEN", "/x")
    assert removed not in after
    assert after[added] == ("added", "/x")
    second.save()
    saved_heads = orjson.loads(Path(second.file).read_bytes())["heads"]
    assert not any(removed in path for path in saved_heads)  # pruned


def test_a_saved_day_listing_is_used_only_while_the_directory_is_unchanged(
    tmp_path: Path,
) -> None:
    day = _aged_day(tmp_path)
    _rollout(day, "2026-12-06T10-00-00", "one")
    stamp = _age(day, 60)
    first = saved.ThreadIndex(tmp_path)
    assert _listed(first) == ["one"]
    first.save()
    assert str(day) in orjson.loads(Path(first.file).read_bytes())["days"]
    _rollout(day, "2026-12-06T11-00-00", "two")
    os.utime(day, ns=(stamp + 1, stamp + 1))  # changed, even by a nanosecond
    assert _listed(saved.ThreadIndex(tmp_path)) == ["two", "one"]


@pytest.mark.parametrize(
    "content",
    [b"", b"{", b"[]", b'{"version":2,"heads":{}}', b'{"version":1,"heads":{"/x":[1]}}', b"\xff"],
)
def test_an_unreadable_or_foreign_index_file_counts_as_empty(
    tmp_path: Path, content: bytes
) -> None:
    day = _aged_day(tmp_path)
    _rollout(day, "2026-12-06T10-00-00", "one")
    _age(day, 60)
    index_file = Path(saved.ThreadIndex(tmp_path).file)
    index_file.parent.mkdir(parents=True)
    index_file.write_bytes(content)
    index = saved.ThreadIndex(tmp_path)
    assert _listed(index) == ["one"]
    index.save()
    assert orjson.loads(index_file.read_bytes())["version"] == saved.INDEX_VERSION


def test_heads_are_read_as_the_core_index_reads_them(tmp_path: Path) -> None:
    """Unreadable lines (invalid UTF-8, a lone surrogate, not JSON) are skipped alike, and a
    0.169 rollout's user message (a completed UserMessage item) is its preview."""
    day = _aged_day(tmp_path)
    thread_id = str(uuid.uuid4())
    lines = [
        b'{"timestamp":"t","type":"event_msg","payload":{"type":"user_message","message":"\\ud800"}}',
        b'{"timestamp":"t","type":"session_meta","payload":{"id":"a","cwd":"\xff"}}',
        b'{"timestamp":"t","type":"session_meta","payload":{"id":"a","cwd":"/c","source":"cli"}}',
        b'{"timestamp":"t","type":"event_msg","payload":{"type":"item_completed","item":'
        b'{"type":"UserMessage","content":[{"type":"text","text":"hi \\ud83d\\ude00"},7]}}}',
    ]
    path = day / f"rollout-2026-12-06T10-00-00-{thread_id}.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    _age(day, 60)
    core = ThreadIndex(tmp_path).page(limit=10)[0][0]
    ours = saved.ThreadIndex(tmp_path).page(limit=10)[0][0]
    assert ours.preview == core.preview == "hi \U0001f600"
    assert (
        ours.meta
        == {"cwd": "/c", "source": "cli"}
        == {k: v for k, v in core.meta.items() if k in saved.META_KEYS}
    )


def test_removed_files_and_days_are_pruned_when_saved(tmp_path: Path) -> None:
    old_day = tmp_path / "sessions" / "2026" / "12" / "05"
    old_day.mkdir(parents=True)
    _rollout(old_day, "2026-12-05T10-00-00", "gone")
    day = _aged_day(tmp_path)
    _rollout(day, "2026-12-06T10-00-00", "kept")
    _age(old_day, 60)
    _age(day, 60)
    index = saved.ThreadIndex(tmp_path)
    assert _listed(index) == ["kept", "gone"]
    index.save()
    for path in old_day.iterdir():
        path.unlink()
    old_day.rmdir()
    assert _listed(index) == ["kept"]
    index.dirty = True
    index.save()
    data = orjson.loads(Path(index.file).read_bytes())
    assert list(data["days"]) == [str(day)]
    assert [Path(p).parent for p in data["heads"]] == [day]
