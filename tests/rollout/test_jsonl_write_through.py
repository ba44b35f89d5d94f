"""JsonlWriter skips the native call of a flush with nothing queued, and knows when an append
left nothing queued (lines longer than its buffer go out at once): a write-through writer (the
rollout recorder's, buffer of 1 byte) puts each append on disk in one call, and a later flush or
turn end still writes whatever a normal-sized append queued. Both engines (C and the twin)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codex._native.jsonl import JsonlWriter


@pytest.fixture(params=["native", "twin"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "twin":
        monkeypatch.setattr("codex._native.jsonl.load_extension", lambda name: None)
    return str(request.param)


def test_write_through_append_is_on_disk_at_once(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "a.jsonl"
    w = JsonlWriter(path, buffer_size=1)
    assert w.native == (engine == "native")
    w.append(b'{"a":1}\n{"b":2}\n')
    assert path.read_bytes() == b'{"a":1}\n{"b":2}\n' and w.pending == 0
    w.flush()  # nothing queued: no call, nothing changes
    w.turn_end()
    w.append(b'{"c":3}\n')
    assert path.read_bytes().endswith(b'{"c":3}\n')
    w.close()
    assert path.read_bytes() == b'{"a":1}\n{"b":2}\n{"c":3}\n'


def test_buffered_lines_still_reach_disk_at_flush_and_turn_end(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "b.jsonl"
    w = JsonlWriter(path, buffer_size=64)
    w.append(b'{"a":1}\n')
    assert path.read_bytes() == b"" and w.pending == 8
    w.flush()
    assert path.read_bytes() == b'{"a":1}\n'
    w.flush()  # clean: skipped
    w.append(b'{"b":2}\n')
    w.append(b"x" * 100 + b"\n")  # longer than the buffer: out with the queued line
    assert path.read_bytes() == b'{"a":1}\n{"b":2}\n' + b"x" * 100 + b"\n" and w.pending == 0
    w.append(b'{"c":3}\n')
    w.turn_end()
    assert path.read_bytes().endswith(b'{"c":3}\n')
    w.append(b'{"d":4}\n')
    w.close()
    assert path.read_bytes().endswith(b'{"c":3}\n{"d":4}\n')


def test_close_if_synced_closes_only_what_is_synced(tmp_path: Path, engine: str) -> None:
    path = tmp_path / "c.jsonl"
    w = JsonlWriter(path, buffer_size=1)
    assert not w.close_if_synced()  # nothing was ever synced: close() must fsync
    w.append(b'{"a":1}\n')
    w.turn_end()
    w.wait_synced()
    w.append(b'{"b":2}\n')  # written after the fsync: not synced
    assert not w.close_if_synced() and not w.closed
    w.turn_end()
    w.wait_synced()
    assert w.close_if_synced() and w.closed
    assert w.close_if_synced()  # closed already: nothing to do
    assert path.read_bytes() == b'{"a":1}\n{"b":2}\n'


def test_close_if_synced_leaves_other_policies_to_close(tmp_path: Path, engine: str) -> None:
    for policy in ("never", "every_flush"):
        w = JsonlWriter(tmp_path / f"{policy}.jsonl", fsync=policy)  # type: ignore[arg-type]
        w.append(b"{}\n")
        w.turn_end()
        assert not w.close_if_synced()  # no background fsync to rely on: close() decides
        w.close()
