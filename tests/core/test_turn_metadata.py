"""The per-turn request headers (codex.core.turn_metadata) against 0.169's, captured into
tests/fixtures/turn_metadata_official.json by tests/core/turn_metadata_cases.py: our CLI runs
the same scenarios as real subprocesses against the mock, and the normalised header sets must
be equal.

Known differences, dropped before comparing (each says why in turn_metadata's docstring):
- `has_changes` needs a `git status`, which no turn of ours runs;
- on resume 0.169 reuses the context window (its id in the rollout's `session_meta`, its
  number and id after a compaction in the `compacted` line); our rollouts record neither, so a
  resumed process starts a new window id, numbered from 0.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from tests.core.turn_metadata_cases import FIXTURE, SCENARIOS, run_app_server, run_exec
from tests.support.model_stream import Message, Turn, Usage
from tests.support.official import official_binary

from codex.core import turn_metadata

OURS = [sys.executable, "-m", "codex"]
OFFICIAL = json.loads(FIXTURE.read_text())
_LABEL = re.compile(r"<id\d+>")


def _drop(value: Any, keys: tuple[str, ...]) -> Any:
    if isinstance(value, dict):
        return {k: _drop(v, keys) for k, v in value.items() if k not in keys}
    if isinstance(value, list):
        return [_drop(v, keys) for v in value]
    return value


def _comparable(requests: list[dict[str, Any]], keys: tuple[str, ...]) -> Any:
    """`requests` without `keys`, ids relabelled by first appearance (so dropping an id does not
    shift the others), metadata as (key order, values)."""
    text = json.dumps(_drop(requests, keys))
    labels: dict[str, str] = {}
    text = _LABEL.sub(lambda m: labels.setdefault(m.group(0), f"<id{len(labels) + 1}>"), text)
    out = json.loads(text)
    return [{**r, "meta_keys": list(r.get("x-codex-turn-metadata", {}))} for r in out]


UNMATCHED = ("has_changes",)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_exec_headers_equal_0169(name: str, tmp_path: Path) -> None:
    ours = run_exec(OURS, **SCENARIOS[name], base=tmp_path)
    official = OFFICIAL[name]
    assert ours["codes"] == official["codes"]
    resumed = name in ("exec_resume", "exec_compact_pre_turn")
    keys = UNMATCHED + (("context_window_id",) if resumed else ())
    ours_requests, official_requests = ours["requests"], official["requests"]
    if name == "exec_compact_pre_turn":
        # A third process resumes after the compaction: 0.169 goes on in window 1, which it
        # reads back from the rollout's `compacted` line; ours records no window there.
        ours_requests, official_requests = ours_requests[:3], official_requests[:3]
    assert _comparable(ours_requests, keys) == _comparable(official_requests, keys)
    assert ours["installation_id_mode"] == official["installation_id_mode"] == "0o644"
    assert uuid.UUID(ours["installation_id_file"]).version == 4
    assert len(ours["installation_id_file"]) == 36  # no newline, as 0.169 writes it


def test_resume_keeps_thread_window_and_installation(tmp_path: Path) -> None:
    ours = run_exec(OURS, **SCENARIOS["exec_resume"], base=tmp_path)
    first, second = (r["x-codex-turn-metadata"] for r in ours["requests"])
    assert first["history_initialization"] == "new"
    assert second["history_initialization"] == "cold_resume"
    for key in ("installation_id", "thread_id", "window_id", "session_id"):
        assert first[key] == second[key]
    assert first["turn_id"] != second["turn_id"]


@pytest.mark.parametrize("compact", [False, True])
def test_app_server_headers_equal_0169(compact: bool, tmp_path: Path) -> None:
    """No thread_source/turn_trigger; thread/compact/start's request says a manual compaction
    and the next turn is window 1."""
    ours = run_app_server([*OURS, "app-server"], base=tmp_path, compact=compact)
    official = OFFICIAL["app_server_compact" if compact else "app_server"]
    # the client names itself: originator "tests" on both sides
    assert _comparable(ours["requests"], UNMATCHED) == _comparable(official["requests"], UNMATCHED)


def test_installation_id_file_as_0169(tmp_path: Path) -> None:
    """0.169 keeps a valid id whatever its case and spacing (sent lowercase), replaces anything
    else with a new UUIDv4, and leaves the file mode 0644."""
    cases = {
        "upper": (
            "  DACD2D54-72AB-4CD9-9558-439E975CA8B0 \n",
            "dacd2d54-72ab-4cd9-9558-439e975ca8b0",
        ),
        "garbage": ("garbage", None),
        "missing": (None, None),
    }
    for name, (content, expected) in cases.items():
        home = tmp_path / name
        home.mkdir()
        path = home / "installation_id"
        if content is not None:
            path.write_text(content)
            os.chmod(path, 0o600)
        got = turn_metadata.installation_id(home)
        assert oct(path.stat().st_mode & 0o777) == "0o644"
        if expected is not None:
            assert got == expected
            assert path.read_text() == content  # left as it was
        else:
            assert uuid.UUID(got).version == 4
            assert path.read_text() == got


def test_remotes_and_head_from_git_files(tmp_path: Path) -> None:
    """Every remote by name, sorted; HEAD through a packed ref; the root of a worktree."""
    repo = tmp_path / "r"
    repo.mkdir()
    script = (
        "git init -q && git config user.email a@b && git config user.name a && "
        "echo a > f && git add f && git commit -qm i && git remote add zed z:z && "
        "git remote add alpha a:a && git pack-refs --all && git worktree add -q ../wt"
    )
    subprocess.run(script, shell=True, cwd=repo, check=True, capture_output=True)
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True
    ).stdout.strip()
    (repo / "deep" / "er").mkdir(parents=True)
    found = turn_metadata.workspace_git(repo / "deep" / "er")
    assert found == (
        str(repo),
        {"associated_remote_urls": {"alpha": "a:a", "zed": "z:z"}, "latest_git_commit_hash": head},
    )
    root, facts = turn_metadata.workspace_git(tmp_path / "wt") or ("", {})
    assert root == str(tmp_path / "wt")
    assert facts["latest_git_commit_hash"] == head
    assert facts["associated_remote_urls"] == {"alpha": "a:a", "zed": "z:z"}
    assert turn_metadata.workspace_git(tmp_path) is None


def test_one_installation_for_both_clis(tmp_path: Path) -> None:
    """0.169 then ours in one CODEX_HOME report the same installation id, and the reverse."""
    binary = official_binary()
    if binary is None:
        pytest.skip("the official codex 0.169 binary is not installed")
    args = SCENARIOS["exec_not_git"]["runs"][0]
    for n, argvs in enumerate([[[str(binary)], OURS], [OURS, [str(binary)]]]):
        metas = _run_pair(argvs, args, tmp_path / str(n))
        assert len(metas) == 2
        assert len({m["x-codex-turn-metadata"]["installation_id"] for m in metas}) == 1


def _run_pair(argvs: list[list[str]], args: list[str], base: Path) -> list[dict[str, Any]]:
    """Each argv runs `args` in turn in one home; every request's normalised headers."""
    from tests.support.mock_config import write_mock_config
    from tests.support.mock_model_server import MockModelServer
    from tests.support.model_stream import Message, Turn, Usage

    base.mkdir(parents=True)
    with MockModelServer() as mock:
        mock.repeat(Turn([Message("ok")], Usage(10, 0, 1)))
        home = write_mock_config(base / "home", mock.base_url)
        cwd = base / "work"
        cwd.mkdir()
        env = {"PATH": os.environ["PATH"], "HOME": str(base), "CODEX_HOME": str(home)}
        env["MOCK_KEY"] = "k"
        for argv in argvs:
            subprocess.run(
                [*argv, *args],
                cwd=cwd,
                env=env,
                capture_output=True,
                timeout=120,
                stdin=subprocess.DEVNULL,
                check=True,
            )
        return [
            {"x-codex-turn-metadata": json.loads(r.headers["x-codex-turn-metadata"])}
            for r in mock.requests
        ]


@pytest.mark.parametrize(
    ("front_end", "expected"),
    [
        # 0.169's TUI (captured with tmux against the mock): thread_source and trigger "user"
        (("codex-tui", "vscode"), {"thread_source": "user", "turn_trigger": "user"}),
        (("codex_exec", "exec"), {"thread_source": "user", "turn_trigger": "exec"}),
        # an app-server client (0.169 sends neither), and a library front end
        (("my_client", "vscode"), {}),
        (("my_tool", "cli"), {}),
    ],
)
def test_thread_source_and_trigger_by_front_end(
    front_end: tuple[str, str], expected: dict[str, str], tmp_path: Path, mock_model_server: Any
) -> None:
    import asyncio

    from tests.core.harness import make_config, run_turn

    from codex.core.front_end import FrontEnd
    from codex.core.open import open_session

    mock_model_server.repeat(Turn([Message("ok")], Usage(10, 0, 1)))
    config = make_config(tmp_path, mock_model_server)

    async def main() -> None:
        async with open_session(config, FrontEnd(*front_end)) as session:
            await run_turn(session, "go")

    asyncio.run(main())
    meta = json.loads(mock_model_server.single_request().header("x-codex-turn-metadata"))
    got = {k: meta[k] for k in ("thread_source", "turn_trigger") if k in meta}
    assert got == expected
    assert list(meta).index("root_turn_id") < list(meta).index("sandbox")


def test_metadata_is_ascii_json() -> None:
    """A header value is ASCII: non-ASCII text is escaped as 0.169's is (the request with a
    raw UTF-8 value failed before: exit 1, no request)."""
    assert turn_metadata._json({"p": "/r\u00e9po", "n": 0}) == '{"p":"/r\\u00e9po","n":0}'
    assert turn_metadata._json({"p": "/repo"}) == '{"p":"/repo"}'
