"""The in-process SDK makes a thread's rollout file when its first turn runs, as 0.169's
app-server does (tests/fixtures/rollout_lazy_official.json): a started thread is not listed
and has no file; resuming or forking one that never ran is refused as the official server
refuses it; closing the client leaves no file for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.sdk.test_sdk import make_home
from tests.support.model_stream import Message, Turn

from codex import Codex
from codex.sdk.errors import InvalidRequestError, MethodNotFoundError

OFFICIAL = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "rollout_lazy_official.json").read_text()
)


def _rollouts(home: Path) -> list[Path]:
    return sorted((home / "sessions").rglob("*.jsonl"))


def test_thread_start_writes_no_file_and_the_first_turn_does(tmp_path, mock_model_server):
    config = make_home(tmp_path, mock_model_server)
    home = Path(config.codex_home)
    mock_model_server.enqueue(Turn([Message("ok")]))
    with Codex(config) as client:
        thread = client.thread_start()
        path = Path(thread.read().thread.path)
        assert _rollouts(home) == [] and not (home / "sessions").exists()
        assert client.thread_list().data == []
        assert thread.run("hello").final_response == "ok"
        assert _rollouts(home) == [path]  # the path named at the start
        kinds = [json.loads(x)["type"] for x in path.read_text().splitlines()]
        assert kinds[0] == OFFICIAL["first_line"] and kinds.count("session_meta") == 1
        assert [t.id for t in client.thread_list().data] == [thread.id]


def test_a_thread_that_never_ran_is_not_resumable_and_leaves_no_file(tmp_path, mock_model_server):
    config = make_home(tmp_path, mock_model_server)
    home = Path(config.codex_home)
    with Codex(config) as client:
        thread = client.thread_start()
        for call in (client.thread_resume, client.thread_fork):
            with pytest.raises(InvalidRequestError) as info:
                call(thread.id)
            want = OFFICIAL["resume_never_run_same_server"]
            assert info.value.code == want["code"]
            assert info.value.message == want["message"].replace("<id>", thread.id)
        assert thread.read().thread.id == thread.id  # still open, still readable
    assert not (home / "sessions").exists()
    with Codex(config) as again, pytest.raises(InvalidRequestError, match="no rollout found"):
        again.thread_resume(thread.id)
    assert mock_model_server.requests == []


def test_reading_turns_of_a_thread_that_never_ran_is_refused_and_makes_its_file(
    tmp_path, mock_model_server
):
    config = make_home(tmp_path, mock_model_server)
    with Codex(config) as client:
        thread = client.thread_start()
        path = Path(thread.read().thread.path)
        with pytest.raises(MethodNotFoundError) as info:
            thread.read(include_turns=True)
        want = OFFICIAL["read_include_turns_never_run"]
        assert (info.value.code, info.value.message) == (want["code"], want["message"])
        assert path.exists() is OFFICIAL["read_include_turns_never_run_made_file"]
