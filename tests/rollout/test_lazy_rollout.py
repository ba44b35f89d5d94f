"""A new session's rollout file is made by its first turn, as 0.169 makes it
(tests/fixtures/rollout_lazy_official.json): `create()` names the path and nothing touches the
disk until a flush has a line of a turn (or of no turn) to write; a recorder closed with only
its initial context leaves no file and no day folders."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import orjson

from codex.rollout.recorder import RolloutRecorder, SessionMetaParams

META = SessionMetaParams(
    cwd="/repo", originator="codex_exec", cli_version="0.0.0", source="exec", model_provider="m"
)
CONTEXT = {
    "type": "message",
    "role": "user",
    "content": [{"type": "input_text", "text": "<environment_context>x</environment_context>"}],
}


def _turn(rec: RolloutRecorder, flush_before_request: bool = True) -> None:
    rec.record_event({"type": "task_started", "turn_id": "t1"})
    rec.record_turn_context(
        {
            "cwd": "/repo",
            "approval_policy": "never",
            "sandbox_policy": {"type": "read-only"},
            "model": "gpt-5.5",
            "summary": "auto",
        }
    )
    user = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]}
    rec.record_response_item(user)
    if flush_before_request:
        rec.flush()  # core: before the model request
    text = [{"type": "output_text", "text": "ok"}]
    answer = {"type": "message", "role": "assistant", "content": text}
    rec.record_response_item(answer)
    rec.record_event({"type": "task_complete", "turn_id": "t1", "last_agent_message": "ok"})
    rec.turn_end()


def _scrub(value: Any) -> Any:
    """Without ids and times (minted afresh by each run)."""
    if isinstance(value, dict):
        return {
            k: _scrub(v)
            for k, v in value.items()
            if k not in ("id", "timestamp", "turn_attribution")
            and not k.endswith(("_at", "_id", "_ms"))
        }
    if isinstance(value, list):
        return [_scrub(v) for v in value]
    return value


def _shape(path: Path) -> list[Any]:
    """Each line's kind and payload, ids and times left out."""
    return [
        (line["type"], _scrub(line["payload"]))
        for line in map(orjson.loads, path.read_bytes().splitlines())
    ]


def test_create_touches_no_disk_and_a_close_without_a_turn_leaves_nothing(tmp_path: Path) -> None:
    rec = RolloutRecorder.create(tmp_path, META)
    assert rec.path.parent.parent.parent.parent == tmp_path / "sessions"
    assert not (tmp_path / "sessions").exists() and not rec.materialized
    rec.record_response_item(CONTEXT)  # the initial context waits for the first turn
    rec.flush()
    rec.turn_end()
    rec.close()
    assert not (tmp_path / "sessions").exists()

    async def aclosed() -> RolloutRecorder:
        other = RolloutRecorder.create(tmp_path, META)
        other.record_response_item(CONTEXT)
        await other.aclose()
        return other

    other = asyncio.run(aclosed())
    assert not other.path.exists() and not (tmp_path / "sessions").exists()
    other.materialize()  # closed: nothing is made any more
    assert not other.path.exists()


def test_the_first_turn_makes_the_file_before_its_request_with_the_same_lines(
    tmp_path: Path,
) -> None:
    rec = RolloutRecorder.create(tmp_path / "lazy", META)
    rec.record_response_item(CONTEXT)
    rec.record_event({"type": "task_started", "turn_id": "t1"})
    rec.record_turn_context(
        {"cwd": "/r", "approval_policy": "never", "sandbox_policy": {}, "model": "m"}
    )
    rec.flush()  # the first request's write-through: everything the model is sent is on disk
    on_disk = [orjson.loads(x)["type"] for x in rec.path.read_bytes().splitlines()]
    assert on_disk[:2] == ["session_meta", "event_msg"] and "response_item" in on_disk
    assert "turn_context" in on_disk
    rec.close()

    # One whole turn: the same lines as a file made at once (the eager behaviour before).
    lazy = RolloutRecorder.create(tmp_path / "a", META)
    lazy.record_response_item(CONTEXT)
    _turn(lazy)
    lazy.close()
    eager = RolloutRecorder.create(tmp_path / "b", META)
    eager.materialize()
    eager.record_response_item(CONTEXT)
    _turn(eager)
    eager.close()
    assert _shape(lazy.path) == _shape(eager.path)
    assert lazy.path.stat().st_mode & 0o777 == 0o600


def test_session_meta_payload_keeps_the_create_time_and_the_line_its_write_time(
    tmp_path: Path,
) -> None:
    from codex.rollout.recorder import utc_timestamp

    before = utc_timestamp()
    rec = RolloutRecorder.create(tmp_path, META)
    after_create = utc_timestamp()
    rec.record_response_item(CONTEXT)
    turn_at = utc_timestamp()
    while turn_at == after_create:  # the next millisecond (stamps are ms): the two differ
        turn_at = utc_timestamp()
    _turn(rec)
    rec.close()
    first = orjson.loads(rec.path.read_bytes().splitlines()[0])
    assert first["type"] == "session_meta"
    # As 0.169: the payload says when the thread started, the line when the file was written.
    assert before <= first["payload"]["timestamp"] <= after_create
    assert first["timestamp"] >= turn_at


def test_a_turn_that_never_flushes_before_its_end_still_makes_the_file(tmp_path: Path) -> None:
    rec = RolloutRecorder.create(tmp_path, META)
    rec.record_response_item(CONTEXT)
    _turn(rec, flush_before_request=False)
    assert rec.materialized
    rec.close()
    kinds = [orjson.loads(x)["type"] for x in rec.path.read_bytes().splitlines()]
    assert kinds[0] == "session_meta" and kinds.count("session_meta") == 1
