"""The SDK's thread_fork records the fork's parent in its session_meta (0.169's
`forked_from_id` / `forked_from_ordinal_exclusive`, tests/fixtures/fork_lineage_official.json),
so a client that did not make the fork still reads `forked_from_id` from the file."""

from __future__ import annotations

import json
from pathlib import Path

from tests.sdk.test_sdk import make_home
from tests.support.model_stream import Message, Turn

from codex import Codex


def _meta(path: Path) -> dict[str, object]:
    with open(path, encoding="utf-8") as fh:
        return dict(json.loads(fh.readline())["payload"])


def test_a_fork_names_its_parent_on_record(tmp_path, mock_model_server):
    mock_model_server.repeat(Turn([Message("ok")]))
    config = make_home(tmp_path, mock_model_server)
    with Codex(config) as client:
        source = client.thread_start()
        source.run("one")
        source_path = Path(source.read().thread.path or "")
        lines = sum(1 for line in source_path.read_text().splitlines() if line.strip())
        fork = client.thread_fork(source.id)
        fork.run("two")
        fork_path = Path(fork.read().thread.path or "")
        fork_id = fork.id
    meta = _meta(fork_path)
    assert meta["forked_from_id"] == source.id
    assert meta["forked_from_ordinal_exclusive"] == lines
    assert "forked_from_id" not in _meta(source_path)
    with Codex(config) as again:  # a new client: the lineage comes from the file
        assert again.thread_resume(fork_id).read().thread.forked_from_id == source.id


def test_a_new_thread_reads_no_file_for_its_lineage(tmp_path, mock_model_server, monkeypatch):
    """A new thread's file is made by its first turn: starting it must not try to read one
    (an open() that can only fail, on every thread start), while a resumed fork still reads
    its parent from its file."""
    import codex.core.lineage as lineage

    reads: list[Path] = []
    real = lineage.read_fork_origin

    def counting(rollout: Path):  # type: ignore[no-untyped-def]
        reads.append(Path(rollout))
        return real(rollout)

    monkeypatch.setattr(lineage, "read_fork_origin", counting)
    mock_model_server.repeat(Turn([Message("ok")]))
    config = make_home(tmp_path, mock_model_server)
    with Codex(config) as client:
        source = client.thread_start()
        assert reads == []
        source.run("one")
        fork_id = client.thread_fork(source.id).id
    with Codex(config) as again:
        assert again.thread_resume(fork_id).read().thread.forked_from_id == source.id
    assert reads and all(path.exists() for path in reads)
