"""Big rollouts read without copies: multi-MiB lines across the page-release boundary, blank and
malformed lines, a torn tail, and the backwards probes (last timestamp, last token usage)."""

from __future__ import annotations

from pathlib import Path

import orjson

from codex.core.setup import last_total_usage
from codex.rollout.listing import _last_timestamp
from codex.rollout.reader import iter_rollout


def _line(ts: str, kind: str, payload: object) -> bytes:
    return orjson.dumps({"timestamp": ts, "type": kind, "payload": payload}) + b"\n"


def test_iter_rollout_big_lines_blank_malformed_and_torn(tmp_path: Path) -> None:
    big = "x" * (3 * 1024 * 1024)
    path = tmp_path / "r.jsonl"
    path.write_bytes(
        _line("t1", "session_meta", {"id": "a"})
        + b"   \t\n"
        + _line("t2", "event_msg", {"type": "agent_message", "message": big})
        + b"{not json\n"
        + b"  " + _line("t3", "response_item", {"type": "message", "text": big})
        + _line("t4", "turn_context", {"model": "m"})[:-5]
    )  # fmt: skip
    warnings: list[str] = []
    lines = list(iter_rollout(path, warnings))
    assert [(line.timestamp, line.type) for line in lines] == [
        ("t1", "session_meta"),
        ("t2", "event_msg"),
        ("t3", "response_item"),
    ]
    assert lines[1].payload["message"] == big and lines[2].payload["text"] == big
    assert len(warnings) == 2
    assert "unparsable line 4" in warnings[0]
    assert "torn last line" in warnings[1]


def test_iter_rollout_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")
    assert list(iter_rollout(path)) == []


def test_last_timestamp_behind_a_megabyte_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(
        _line("t1", "session_meta", {"id": "a"})
        + _line("2026-01-02T03:04:05.678Z", "event_msg", {"message": "y" * (1024 * 1024)})
    )
    assert _last_timestamp(path) == "2026-01-02T03:04:05.678Z"
    empty = tmp_path / "e.jsonl"
    empty.write_bytes(b"")
    assert _last_timestamp(empty) is None


def test_last_total_usage_reads_the_last_token_count(tmp_path: Path) -> None:
    def usage(n: int) -> object:
        return {"type": "token_count", "info": {"total_token_usage": {"input_tokens": n}}}

    path = tmp_path / "r.jsonl"
    path.write_bytes(
        _line("t1", "event_msg", usage(1))
        + _line("t2", "event_msg", usage(2))
        + b'{"broken": "token_count"\n'
        + _line("t3", "response_item", {"type": "message", "text": "z" * (2 * 1024 * 1024)})
    )
    assert last_total_usage(path) == {"input_tokens": 2}
    none = tmp_path / "n.jsonl"
    none.write_bytes(_line("t1", "session_meta", {"id": "a"}))
    assert last_total_usage(none) is None
    empty = tmp_path / "e.jsonl"
    empty.write_bytes(b"")
    assert last_total_usage(empty) is None
