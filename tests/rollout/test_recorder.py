"""Recording, resuming, listing, archiving sessions: real files under a temporary CODEX_HOME."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from tests.support.official import SAMPLES as OFFICIAL_SAMPLES

from codex.errors import CodexError
from codex.rollout import (
    RolloutRecorder,
    SessionMetaParams,
    archive_session,
    find_session_path,
    iter_rollout,
    list_sessions,
    load_rollout,
    unarchive_session,
)
from codex.rollout.paths import parse_rollout_name

SAMPLES = OFFICIAL_SAMPLES / "rollouts"
TS_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")
NAME_RE = re.compile(r"^rollout-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}\.jsonl$")

META = SessionMetaParams(
    cwd="/repo",
    originator="codex_exec",
    cli_version="0.169.0",
    source="exec",
    model_provider="mock",
    git={"commit_hash": "abc", "branch": "main"},
)


def user_msg(text: str) -> dict[str, object]:
    return {"type": "message", "role": "user", "content": [{"type": "input_text", "text": text}]}


def assistant_msg(text: str) -> dict[str, object]:
    return {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text}],
    }


def record_turn(rec: RolloutRecorder, text: str, answer: str, model: str = "gpt-5.5") -> None:
    rec.record_response_item(user_msg(text))
    rec.record_event({"type": "user_message", "message": text, "images": []})
    rec.record_turn_context(
        {
            "cwd": "/repo",
            "approval_policy": "never",
            "sandbox_policy": {"type": "read-only"},
            "model": model,
            "summary": "auto",
        }
    )
    rec.record_event({"type": "agent_message_delta", "delta": answer[:1]})  # dropped
    rec.record_event({"type": "exec_command_begin", "call_id": "c"})  # dropped
    rec.record_event({"type": "agent_message", "message": answer})
    rec.record_response_item(assistant_msg(answer))
    rec.record_response_item({"type": "other"})  # never persisted
    rec.turn_end()


def lines(path: Path) -> list[dict]:  # type: ignore[type-arg]
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def test_new_session_file_layout_and_line_format(tmp_path: Path) -> None:
    rec = RolloutRecorder.create(tmp_path, META)
    record_turn(rec, "hi", "hello")
    rec.close()
    rel = rec.path.relative_to(tmp_path / "sessions")
    assert len(rel.parts) == 4 and NAME_RE.match(rel.name)
    assert rel.parts[:3] == (rel.name[8:12], rel.name[13:15], rel.name[16:18])
    assert parse_rollout_name(rel.name) == (rel.name[8:27], rec.conversation_id)
    assert rec.path.stat().st_mode & 0o777 == 0o600
    got = lines(rec.path)
    assert [(d["type"], d["payload"].get("type")) for d in got] == [
        ("session_meta", None),
        ("response_item", "message"),
        ("event_msg", "item_completed"),  # 0.169 writes the messages as completed items
        ("turn_context", None),
        ("event_msg", "item_completed"),
        ("response_item", "message"),
    ]
    items = [d["payload"]["item"] for d in got if d["payload"].get("type") == "item_completed"]
    assert [(i["type"], i["content"][0]["text"]) for i in items] == [
        ("UserMessage", "hi"),
        ("AgentMessage", "hello"),
    ]
    for d in got:
        assert list(d) == ["timestamp", "type", "payload"]
        assert TS_RE.match(d["timestamp"])
    meta = got[0]["payload"]
    assert meta["id"] == rec.conversation_id
    assert TS_RE.match(meta["timestamp"])
    assert meta["git"] == {"commit_hash": "abc", "branch": "main"}
    assert {"cwd", "originator", "cli_version", "instructions", "source", "model_provider"} <= set(
        meta
    )
    # UUIDv7
    assert rec.conversation_id[14] == "7"


def test_session_meta_is_on_disk_before_the_first_turn_ends(tmp_path: Path) -> None:
    # The file is made by the first turn's first flush, as 0.169 makes it (not at create).
    rec = RolloutRecorder.create(tmp_path, META)
    rec.record_response_item(user_msg("initial context"))
    rec.flush()
    assert not rec.path.exists()
    rec.record_event({"type": "task_started", "turn_id": "t1"})
    rec.flush()
    assert [d["type"] for d in lines(rec.path)] == ["session_meta", "event_msg"]
    rec.close()
    assert [d["type"] for d in lines(rec.path)][2] == "response_item"


def test_new_file_lines_keep_their_order_and_a_dropped_recorder_leaves_its_file(
    tmp_path: Path,
) -> None:
    # Every line recorded follows session_meta, in order, across flushes; a recorder dropped
    # without close() with a line queued still leaves its file, session_meta first (one with
    # nothing to write leaves none: its file is made by a line to write).
    rec = RolloutRecorder.create(tmp_path, META)
    rec.materialize()  # made at once (else by the first turn; these items are of none)
    for i in range(50):
        rec.record_response_item(user_msg(f"m{i}"))
    rec.flush()
    rec.record_response_item(user_msg("after"))
    rec.close()
    got = lines(rec.path)
    assert got[0]["type"] == "session_meta"
    texts = [d["payload"]["content"][0]["text"] for d in got if d["type"] == "response_item"]
    assert texts == [f"m{i}" for i in range(50)] + ["after"]
    assert rec.path.stat().st_mode & 0o777 == 0o600

    dropped = RolloutRecorder.create(tmp_path, META)
    dropped.record_item("note", {"text": "never flushed"})
    path = dropped.path
    del dropped
    import gc

    gc.collect()
    got = lines(path)
    assert [d["type"] for d in got] == ["session_meta", "note"]


def test_resume_rebuilds_history_and_appends_without_rewriting(tmp_path: Path) -> None:
    rec = RolloutRecorder.create(tmp_path, META)
    record_turn(rec, "first", "one", model="gpt-5.5")
    rec.close()
    before = rec.path.read_bytes()

    resumed = load_rollout(rec.path, keep_events=True)
    assert resumed.conversation_id == rec.conversation_id
    assert resumed.history == [user_msg("first"), assistant_msg("one")]
    assert resumed.last_turn_context is not None and resumed.last_model == "gpt-5.5"
    assert [e["item"]["type"] for e in resumed.events] == ["UserMessage", "AgentMessage"]
    assert resumed.model_change_warning("gpt-5.5") is None
    assert "recorded with model `gpt-5.5` but is resuming with `o3`" in (
        resumed.model_change_warning("o3") or ""
    )

    rec2 = RolloutRecorder.open_existing(resumed.path, resumed.conversation_id)
    record_turn(rec2, "second", "two")
    rec2.close()
    after = rec.path.read_bytes()
    assert after.startswith(before)  # nothing before the resume point changed
    assert [d["type"] for d in lines(rec.path)].count("session_meta") == 1
    assert load_rollout(rec.path).history == [
        user_msg("first"),
        assistant_msg("one"),
        user_msg("second"),
        assistant_msg("two"),
    ]


def test_resume_skips_a_torn_last_line_with_a_warning(tmp_path: Path, caplog) -> None:  # type: ignore[no-untyped-def]
    rec = RolloutRecorder.create(tmp_path, META)
    record_turn(rec, "a", "b")
    rec.close()
    with open(rec.path, "ab") as f:
        f.write(b'{"timestamp":"2025-01-01T00:00:00.000Z","type":"response_item","payload":{"ty')
    resumed = load_rollout(rec.path)
    assert resumed.history == [user_msg("a"), assistant_msg("b")]
    assert len(resumed.warnings) == 1 and "torn last line" in resumed.warnings[0]
    assert "torn last line" in caplog.text
    rec2 = RolloutRecorder.open_existing(rec.path, resumed.conversation_id)
    assert rec2.repaired_bytes > 0
    record_turn(rec2, "c", "d")
    rec2.close()
    assert all(isinstance(d, dict) for d in lines(rec.path))  # every line parses again


def test_compaction_replaces_history(tmp_path: Path) -> None:
    rec = RolloutRecorder.create(tmp_path, META)
    record_turn(rec, "old question", "old answer")
    rec.record_compacted("summary!", replacement_history=[user_msg("kept")])
    record_turn(rec, "next", "reply")
    rec.record_compacted("local summary")
    rec.close()
    resumed = load_rollout(
        rec.path,
        initial_context=lambda: [user_msg("<environment_context>now</environment_context>")],
        summary_prefix="SUMMARY:",
    )
    texts = [c["content"][0]["text"] for c in resumed.history]
    assert texts == [
        "<environment_context>now</environment_context>",
        "kept",
        "next",
        "SUMMARY:\nlocal summary",
    ]


def test_empty_or_metaless_files_are_errors(tmp_path: Path) -> None:
    empty = tmp_path / "e.jsonl"
    empty.write_bytes(b"")
    with pytest.raises(CodexError, match="empty"):
        load_rollout(empty)
    nometa = tmp_path / "n.jsonl"
    nometa.write_bytes(b'{"timestamp":"x","type":"response_item","payload":{"type":"message"}}\n')
    with pytest.raises(CodexError, match="session_meta"):
        load_rollout(nometa)


@pytest.mark.parametrize("name", ["B", "D", "appserver"])
def test_official_samples_load(name: str) -> None:
    path = SAMPLES / f"{name}.rollout.jsonl"
    resumed = load_rollout(path, keep_events=True)
    meta0 = orjson.loads(path.read_bytes().splitlines()[0])["payload"]
    assert resumed.conversation_id == meta0["id"]
    assert resumed.warnings == []
    kinds = [i["type"] for i in resumed.history]
    assert kinds[0] == "message" and kinds[-1] == "message"
    assert {"function_call", "custom_tool_call"} & set(kinds)
    assert resumed.last_model == "gpt-5.5"
    assert any(e["type"] == "task_complete" for e in resumed.events)


def test_official_samples_are_listed(tmp_path: Path) -> None:
    day = tmp_path / "sessions" / "2026" / "11" / "24"
    day.mkdir(parents=True)
    for i, name in enumerate(["B", "D", "appserver"]):
        raw = (SAMPLES / f"{name}.rollout.jsonl").read_bytes()
        sid = orjson.loads(raw.splitlines()[0])["payload"]["id"]
        (day / f"rollout-2026-11-24T20-48-0{i}-{sid}.jsonl").write_bytes(raw)
    page = list_sessions(tmp_path, page_size=10)
    assert len(page.items) == 3
    assert page.items[0].file_timestamp == "2026-11-24T20-48-02"
    assert page.items[2].first_user_message == "run a command"
    assert all(TS_RE.match(s.updated_at or "") for s in page.items)


def _make_sessions(tmp_path: Path, n: int) -> list[RolloutRecorder]:
    recs = []
    for i in range(n):
        rec = RolloutRecorder.create(tmp_path, META)
        record_turn(rec, f"question {i}", f"answer {i}")
        rec.close()
        recs.append(rec)
    return recs


def test_listing_is_newest_first_and_paginates_with_a_cursor(tmp_path: Path) -> None:
    recs = _make_sessions(tmp_path, 7)
    # One session without a user message (aborted start) is never listed.
    RolloutRecorder.create(tmp_path, META).close()
    expected = sorted(
        (parse_rollout_name(r.path.name) for r in recs), reverse=True
    )  # (ts, uuid) descending
    seen: list[tuple[str, str]] = []
    cursor = None
    pages = 0
    while True:
        page = list_sessions(tmp_path, page_size=3, cursor=cursor)
        pages += 1
        seen += [(s.file_timestamp, s.conversation_id) for s in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected
    assert pages == 3
    first = list_sessions(tmp_path, page_size=1).items[0]
    assert first.first_user_message is not None and first.source == "exec"
    assert first.created_at and first.updated_at and first.created_at <= first.updated_at


def test_listing_filters_by_provider_and_source(tmp_path: Path) -> None:
    _make_sessions(tmp_path, 2)
    other = RolloutRecorder.create(
        tmp_path,
        SessionMetaParams("/r", "codex_cli_rs", "0.169.0", "cli", None),
    )
    record_turn(other, "q", "a")
    other.close()
    assert len(list_sessions(tmp_path, model_providers=["mock"]).items) == 2
    assert len(list_sessions(tmp_path, model_providers=["openai"]).items) == 0
    # A session with no provider matches when the default provider is among the filters.
    assert (
        len(list_sessions(tmp_path, model_providers=["openai"], default_provider="openai").items)
        == 1
    )
    assert len(list_sessions(tmp_path, allowed_sources=["cli"]).items) == 1


def test_find_by_id_and_archive_roundtrip(tmp_path: Path) -> None:
    recs = _make_sessions(tmp_path, 3)
    target = recs[1]
    assert find_session_path(tmp_path, target.conversation_id) == target.path
    assert find_session_path(tmp_path, target.conversation_id.upper()) == target.path
    assert find_session_path(tmp_path, "not-a-uuid") is None
    assert find_session_path(tmp_path, "00000000-0000-7000-8000-000000000000") is None
    dest = archive_session(tmp_path, target.path)
    assert dest == tmp_path / "archived_sessions" / target.path.name
    assert not target.path.exists()
    assert find_session_path(tmp_path, target.conversation_id) is None
    assert len(list_sessions(tmp_path).items) == 2
    back = unarchive_session(tmp_path, dest.name)
    assert back.exists() and find_session_path(tmp_path, target.conversation_id) == back


def test_secrets_are_never_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "live-key-from-env-123456")
    rec = RolloutRecorder.create(tmp_path, META, secrets=["my-provider-secret-value"])
    rec.materialize()  # made at once (else by the first turn; this item is of none)
    rec.add_secret('quote"and\\slash-secret')
    leaks = [
        "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789",
        "ghp_" + "a1" * 18,
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        "AKIAABCDEFGHIJKLMNOP",
        "live-key-from-env-123456",
        "my-provider-secret-value",
        'quote"and\\slash-secret',
    ]
    output = (
        "env:\n"
        + "\n".join(f"X={s}" for s in leaks)
        + "\nAuthorization: Bearer abcdef0123456789xyz"
    )
    rec.record_response_item({"type": "function_call_output", "call_id": "c", "output": output})
    rec.close()
    raw = rec.path.read_bytes()
    for secret in [*leaks, "abcdef0123456789xyz"]:
        assert orjson.dumps(secret)[1:-1] not in raw, secret
    assert raw.count(b"[REDACTED]") == len(leaks) + 1
    # Still valid JSON lines, and ordinary text survives.
    out = lines(rec.path)[1]["payload"]["output"]
    assert out.startswith("env:\nX=[REDACTED]") and "Bearer [REDACTED]" in out


def test_resume_continues_ordinals_of_a_paginated_file(tmp_path: Path) -> None:
    day = tmp_path / "sessions" / "2026" / "11" / "24"
    day.mkdir(parents=True)
    raw = (SAMPLES / "B.rollout.jsonl").read_bytes()
    sid = orjson.loads(raw.splitlines()[0])["payload"]["id"]
    path = day / f"rollout-2026-11-24T20-48-07-{sid}.jsonl"
    path.write_bytes(raw)
    resumed = load_rollout(path)
    assert resumed.last_ordinal == 18
    with RolloutRecorder.resume(resumed) as rec:
        record_turn(rec, "again", "sure")
    assert path.read_bytes().startswith(raw)
    new = lines(path)[19:]
    assert [d["ordinal"] for d in new] == list(range(19, 19 + len(new)))
    assert list(new[0]) == ["timestamp", "ordinal", "type", "payload"]
    # open_existing finds the ordinal on its own (the last line is read from the end).
    with RolloutRecorder.open_existing(path, resumed.conversation_id) as rec:
        record_turn(rec, "more", "ok")
    ords = [d["ordinal"] for d in lines(path)]
    assert ords == list(range(len(ords)))
    # A legacy file (ours, no ordinals) stays without them.
    legacy = RolloutRecorder.create(tmp_path, META)
    legacy.materialize()  # a new file is made by its first turn: made here without one
    legacy.close()
    with RolloutRecorder.resume(load_rollout(legacy.path)) as rec:
        record_turn(rec, "q", "a")
    assert all("ordinal" not in d for d in lines(legacy.path))


@pytest.mark.parametrize("chunk", [1, 7, 64, 65536])
def test_last_line_ordinal_reads_backwards_across_chunks(tmp_path: Path, chunk: int) -> None:
    from codex.rollout.reader import last_line_ordinal

    path = tmp_path / "r.jsonl"
    path.write_bytes(b'{"ordinal":1,"x":"aaaa"}\n{"ordinal":22,"x":"' + b"b" * 100 + b'"}\n{"tor')
    assert last_line_ordinal(path, chunk) == 22
    path.write_bytes(b'{"ordinal":5}\n')
    assert last_line_ordinal(path, chunk) == 5
    path.write_bytes(b'{"type":"session_meta"}\n')
    assert last_line_ordinal(path, chunk) is None
    path.write_bytes(b"")
    assert last_line_ordinal(path, chunk) is None


def _compact(raw: bytes) -> bytes:
    """The same lines as the official writer puts them on disk (no spaces after separators)."""
    return b"".join(orjson.dumps(orjson.loads(line)) + b"\n" for line in raw.splitlines())


@pytest.mark.parametrize("name", ["B", "D", "appserver"])
@pytest.mark.parametrize("compact", [False, True])
def test_skimmed_event_lines_keep_every_envelope_field(
    name: str, compact: bool, tmp_path: Path
) -> None:
    raw = (SAMPLES / f"{name}.rollout.jsonl").read_bytes()
    path = tmp_path / "r.jsonl"
    path.write_bytes(_compact(raw) if compact else raw)
    full = list(iter_rollout(path))
    skimmed = list(iter_rollout(path, skim=frozenset({"event_msg"})))
    assert [(x.timestamp, x.type, x.ordinal) for x in skimmed] == [
        (x.timestamp, x.type, x.ordinal) for x in full
    ]
    assert any(x.type == "event_msg" and x.payload is None for x in skimmed)
    assert [x.payload for x in skimmed if x.type != "event_msg"] == [
        x.payload for x in full if x.type != "event_msg"
    ]
    resumed, with_events = load_rollout(path), load_rollout(path, keep_events=True)
    assert resumed.history == with_events.history
    assert resumed.last_ordinal == with_events.last_ordinal
    assert resumed.last_turn_context == with_events.last_turn_context


def test_skimming_still_reports_a_torn_event_line(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    meta = {"timestamp": "t", "type": "session_meta", "payload": {"id": "abc"}}
    torn = b'{"timestamp":"t","type":"event_msg","payload":{"type":"agent_mess'
    path.write_bytes(orjson.dumps(meta) + b"\n" + torn)
    resumed = load_rollout(path)
    assert resumed.conversation_id == "abc"
    assert len(resumed.warnings) == 1 and "torn last line" in resumed.warnings[0]


def test_skimming_a_line_with_bytes_that_are_not_utf8_skips_it_with_a_warning(
    tmp_path: Path,
) -> None:
    # A damaged event line (a bad byte in its timestamp) is reported and skipped, as the full
    # decode does; it must not end the resume with a UnicodeDecodeError.
    path = tmp_path / "r.jsonl"
    meta = {"timestamp": "t", "type": "session_meta", "payload": {"id": "abc"}}
    damaged = b'{"timestamp":"2025-10-\xff","type":"event_msg","payload":{"type":"x"}}\n'
    user = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "q"}]}
    item = {"timestamp": "t", "type": "response_item", "payload": user}
    path.write_bytes(orjson.dumps(meta) + b"\n" + damaged + orjson.dumps(item) + b"\n")
    full = load_rollout(path, keep_events=True)
    resumed = load_rollout(path)
    assert resumed.history == full.history == [user]
    assert len(resumed.warnings) == 1 and "unparsable line 2" in resumed.warnings[0]
