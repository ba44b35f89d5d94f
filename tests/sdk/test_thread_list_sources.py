"""`thread_list` by session source, as the official SDK gets it from 0.169's app-server
(tests/fixtures/thread_list_sources_official.json): no `source_kinds` lists the interactive
sessions (the TUI's, the SDK's own, those recorded without a source), not `codex exec` runs;
`source_kinds` picks kinds; an unknown kind is the server's invalid-request error. Before, the
in-process SDK listed every session and ignored `source_kinds`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.sdk.test_sdk import make_home
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn
from tests.support.seed_sessions import seed_sessions

from codex import Codex
from codex.sdk.errors import InvalidRequestError


def test_thread_list_filters_by_source_as_0169(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    config = make_home(tmp_path, mock_model_server)
    home, work = Path(config.codex_home or ""), Path(config.cwd or "")
    env = {"PATH": os.environ["PATH"], "HOME": str(tmp_path), "CODEX_HOME": str(home)}
    seed_sessions(
        home,
        work,
        mock_model_server,
        [("an exec run", "exec"), ("a tui session", "vscode"), ("old, no source", None)],
        env,
    )
    mock_model_server.enqueue(Turn([Message("ok")]))
    with Codex(config) as client:
        client.thread_start().run("from the sdk")
        default = [t.preview for t in client.thread_list().data]
        exec_only = [t.preview for t in client.thread_list(source_kinds=["exec"]).data]
        with pytest.raises(InvalidRequestError, match="unknown variant `tui`"):
            client.thread_list(source_kinds=["tui"])
    # (The seeded files carry later timestamps than the SDK's own: compare without order.)
    assert sorted(default) == ["a tui session", "from the sdk", "old, no source"]
    assert exec_only == ["an exec run"]
