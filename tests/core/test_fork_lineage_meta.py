"""codex.core.lineage: what a fork's session_meta records about its parent (0.169's keys and
place, tests/fixtures/fork_lineage_official.json), and that files without them (every older
rollout) read as having no lineage."""

from __future__ import annotations

import json
from pathlib import Path

from codex.core.lineage import fork_lineage, fork_origin, read_fork_origin
from codex.rollout import SessionMetaParams

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "fork_lineage_official.json"


def _rollout(path: Path, meta: dict[str, object], lines: int) -> Path:
    rows = [{"timestamp": "t", "type": "session_meta", "payload": meta}]
    rows += [
        {"timestamp": "t", "type": "event_msg", "payload": {"type": "x"}} for _ in range(lines - 1)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_a_fork_records_the_parent_id_and_its_length(tmp_path: Path) -> None:
    parent = _rollout(tmp_path / "p.jsonl", {"id": "parent-id", "cwd": "/"}, 7)
    lineage = fork_lineage(parent)
    assert lineage == {"forked_from_id": "parent-id", "forked_from_ordinal_exclusive": 7}
    meta = SessionMetaParams(
        cwd="/",
        originator="o",
        cli_version="v",
        source="vscode",
        model_provider=None,
        lineage=lineage,
    ).payload("fork-id", "2026-12-07T00:00:00.000Z")
    official = json.loads(FIXTURE.read_text())["session_meta"]["keys_before_timestamp"]
    keys = list(meta)[: list(meta).index("timestamp")]
    assert keys == [k for k in official if k != "account_scoped"]
    assert fork_origin(meta) == ("parent-id", 7)


def test_a_rollout_without_lineage_has_no_origin(tmp_path: Path) -> None:
    old = _rollout(tmp_path / "old.jsonl", {"id": "x", "cwd": "/"}, 3)
    assert read_fork_origin(old) is None
    assert read_fork_origin(tmp_path / "missing.jsonl") is None
    plain = SessionMetaParams(
        cwd="/", originator="o", cli_version="v", source="vscode", model_provider=None
    ).payload("id", "2026-12-07T00:00:00.000Z")
    assert "forked_from_id" not in plain


def test_an_unreadable_parent_gives_no_lineage(tmp_path: Path) -> None:
    assert fork_lineage(tmp_path / "gone.jsonl") == {}
