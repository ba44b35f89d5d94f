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
