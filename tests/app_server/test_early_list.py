"""`thread/list` answered during the server's start-up (codex.app_server.early), before asyncio,
orjson or the handlers are imported: byte for byte what the full server answers, for every
kind of params; anything else (and everything after it) is left to the full server."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import pytest
from tests.app_server.rpc_client import scratch_env
from tests.app_server.test_fast_start import INIT, _both, _line, _run
from tests.support.mock_model_server import MockModelServer, scenario


def _rollout(home: Path, stamp: str, text: str, *, provider: str = "mock", cwd: str = "/w") -> str:
    thread_id = str(uuid.uuid4())
    day = home / "sessions" / stamp[0:4] / stamp[5:7] / stamp[8:10]
    day.mkdir(parents=True, exist_ok=True)
    lines = [
        {
            "timestamp": "t",
            "type": "session_meta",
            "payload": {
                "id": thread_id,
                "cwd": cwd,
                "originator": "codex-tui",
                "cli_version": "0.169.0",
                "source": "vscode",  # listed by default: an interactive (TUI) session
                "model_provider": provider,
                "base_instructions": {"text": "long " * 100},
            },
        },
        {
            "timestamp": "t",
            "type": "event_msg",
            "payload": {"type": "user_message", "message": text},
        },
    ]
    path = day / f"rollout-{stamp}-{thread_id}.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    return thread_id


@pytest.fixture
def listed_home(home: Path) -> Path:
    """Recorded threads of several days, providers and cwds; a name; an archived thread; a
    thread without a user message (not listed)."""
    for n in range(30):
        _rollout(home, f"2026-12-0{1 + n % 3}T10-{n:02d}-00", f'task {n} é \u2028 "q" \\ \x01')
    named = _rollout(home, "2026-11-30T09-00-00", "old", provider="other", cwd="/elsewhere")
    (home / "session_index.jsonl").write_text(
        json.dumps({"id": named, "thread_name": "nämed", "updated_at": "x"}) + "\n"
    )
    archived = home / "archived_sessions"
    archived.mkdir()
    moved = _rollout(home, "2026-10-01T00-00-00", "archived one")
    for path in (home / "sessions" / "2026" / "10" / "01").iterdir():
        path.rename(archived / path.name)
    assert moved
    day = home / "sessions" / "2026" / "12" / "01"
    (day / f"rollout-2026-12-01T23-00-00-{uuid.uuid4()}.jsonl").write_text(
        '{"timestamp":"t","type":"session_meta","payload":{"id":"x","cwd":"/w"}}\n'
    )
    return home


LISTS = [
    None,
    {},
    {"limit": 7},
    {"limit": 0},
    {"limit": 1000},
    {"cursor": "2026-12-02T10-28-00|ffffffff-ffff-ffff-ffff-ffffffffffff", "limit": 3},
    {"sortKey": "updated_at", "sortDirection": "asc", "limit": 4},
    {"sortDirection": "asc", "cursor": "at:2"},
    {"archived": True},
    {"modelProviders": ["other"]},
    {"cwd": ["/elsewhere", "/nowhere"]},
    {"cwd": "/w", "searchTerm": "TASK 1"},
    # Errors: worded by the full server in both runs.
    {"cursor": "bogus"},
    {"limit": -1},
    {"limit": "5"},
    {"sortKey": "name"},
]


@pytest.mark.parametrize("params", LISTS)
def test_an_early_list_is_byte_identical_to_the_full_servers(
    params: dict[str, object] | None, listed_home: Path, repo: Path
) -> None:
    request: dict[str, object] = {"id": "l", "method": "thread/list"}
    if params is not None:
        request["params"] = params
    again = {**request, "id": 3}
    lines = (
        _line(INIT)
        + _line({"method": "initialized"})
        + _line(request)
        + _line(again)
        + _line({"id": 4, "method": "thread/loaded/list", "params": {}})
    )
    fast, full = _both(["app-server"], lines, scratch_env(listed_home), repo)
    assert fast.returncode == full.returncode == 0, (fast.stderr, full.stderr)
    assert fast.stdout == full.stdout
    replies = [json.loads(line) for line in fast.stdout.splitlines()]
    assert [r["id"] for r in replies] == [1, "l", 3, 4]


def test_the_default_list_shows_the_recorded_threads(listed_home: Path, repo: Path) -> None:
    lines = _line(INIT) + _line({"id": 2, "method": "thread/list", "params": {"limit": 100}})
    done = _run(["app-server"], lines, scratch_env(listed_home), repo)
    data = json.loads(done.stdout.splitlines()[1])["result"]["data"]
    assert len(data) == 31  # 30 tasks + the named one; not the archived, not the unstarted
    assert data[-1]["name"] == "nämed" and data[-1]["modelProvider"] == "other"
    assert data[0]["preview"].startswith("task ") and data[0]["source"] == "vscode"


# Blocks what the full server needs before it can read a request: a `thread/list` answered
# while they are unimportable was answered by the start-up phase.
_BLOCKING = """
import sys
for name in ("asyncio", "uvloop", "orjson", "codex.app_server.server", "codex.config.paths"):
    sys.modules[name] = None
from codex.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_thread_list_is_answered_before_asyncio_orjson_or_the_server_load(
    listed_home: Path, repo: Path
) -> None:
    lines = _line(INIT) + _line({"method": "initialized"})
    lines += _line({"id": 2, "method": "thread/list", "params": {"limit": 2}})
    lines += _line({"id": 3, "method": "thread/list", "params": {"limit": 2, "archived": True}})
    prefix = [sys.executable, "-c", _BLOCKING]
    done = _run(["app-server"], lines, scratch_env(listed_home), repo, prefix=prefix)
    replies = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["id"] for r in replies] == [1, 2, 3], done.stderr
    assert len(replies[1]["result"]["data"]) == 2
    assert replies[2]["result"]["data"][0]["preview"] == "archived one"


def test_the_early_list_saves_the_index_the_next_server_opens(
    listed_home: Path, repo: Path
) -> None:
    lines = _line(INIT) + _line({"id": 2, "method": "thread/list", "params": {"limit": 100}})
    first = _run(["app-server"], lines, scratch_env(listed_home), repo)
    saved = json.loads((listed_home / "cache" / "app-server" / "threads.v1.json").read_text())
    assert len(saved["heads"]) == 31
    assert all("base_instructions" not in head[2] for head in saved["heads"].values())
    second = _run(["app-server"], lines, scratch_env(listed_home), repo)
    assert first.stdout == second.stdout


def test_a_rename_by_another_program_shows_in_the_next_list(listed_home: Path, repo: Path) -> None:
    """The official CLI (or a second server) renames a thread by appending to
    session_index.jsonl: a running server's next list shows the new name."""
    from tests.app_server.rpc_client import RpcClient, ours_argv

    client = RpcClient(ours_argv(), scratch_env(listed_home), repo)
    try:
        client.initialize()
        params = {"modelProviders": ["other"]}
        (named,) = client.call("thread/list", params)["data"]  # answered during start-up
        assert named["name"] == "nämed"
        client.call("thread/loaded/list", {})  # the full server is up
        assert client.call("thread/list", params)["data"][0]["name"] == "nämed"
        with (listed_home / "session_index.jsonl").open("a") as f:
            f.write(json.dumps({"id": named["id"], "thread_name": "renamed", "updated_at": "y"}))
            f.write("\n")
        assert client.call("thread/list", params)["data"][0]["name"] == "renamed"
        read = client.call("thread/read", {"threadId": named["id"]})["thread"]
        assert read["name"] == "renamed"
    finally:
        client.close()


def test_threads_a_server_ran_are_in_the_index_it_leaves(
    home: Path, repo: Path, mock: MockModelServer
) -> None:
    """The next server lists them from the saved heads, parsing no rollout."""
    from tests.app_server.rpc_client import RpcClient, ours_argv

    mock.repeat(scenario("message"))
    client = RpcClient(ours_argv(), scratch_env(home), repo)
    client.initialize()
    started = client.call("thread/start", {"cwd": str(repo), "approvalPolicy": "never"})
    client.turn(started["thread"]["id"], "indexed")
    ephemeral = client.call("thread/start", {"cwd": str(repo), "ephemeral": True})
    client.turn(ephemeral["thread"]["id"], "not on disk")
    assert client.close() == 0
    saved = json.loads((home / "cache" / "app-server" / "threads.v1.json").read_text())
    heads = {Path(path).name: head for path, head in saved["heads"].items()}
    (name,) = heads
    assert started["thread"]["id"] in name and heads[name][3] == "indexed"
