"""Auto-compaction through the real `codex exec --json` against the loopback mock model server,
compared with what the official CLI 0.169.0 does in the same scenarios (issue 15, item 7).

Facts captured from the official binary live in tests/fixtures/compaction/<scenario>.json, so the
comparison runs without it; with the binary present, a live test checks that the official CLI
still produces exactly those facts and that ours produces the same. What is compared, per
scenario (a thread run, then resumed with `exec resume --last`):

- every `--json` stream, thread id normalised: compaction shows nothing in it (no agent message,
  no `error` item), and `turn.completed` reports the thread's usage (compaction included);
- every request the mock receives, as a normalised shape: which are compaction requests (no
  tools, the compact prompt last), and what replaces the history in the next one (the initial
  context, the kept user messages, the summary, the new input);
- the `compacted` rollout lines' replacement history, in the same shape.

Prompt texts differ on purpose (ours are our own words): the shapes name them, never quote them.
The provider is a custom one (`model_provider = "mock"`), for which 0.169 summarises locally over
`POST /v1/responses`, never `/responses/compact`.

Recapture (official binary needed): `python -m tests.exec.test_compaction_stream --capture`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.exec.harness import codex_env, rollout_files, write_config
from tests.support.mock_model_server import MockModelServer, RecordedRequest
from tests.support.model_stream import FunctionCall, HttpError, Message, Reply, Turn, Usage
from tests.support.official import INSTALL_HINT, official_binary

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "compaction"
OURS = [sys.executable, "-m", "codex"]
LIMIT = 100  # model_auto_compact_token_limit: usage 120 + 6 crosses it, 40 + 4 does not
SUMMARIES = ("the summary", "summary one", "summary two")
# A command whose output is the same for both CLIs (no login shell: no profile noise).
ECHO = FunctionCall("call_1", "exec_command", {"cmd": "echo hi", "login": False})


@dataclass(frozen=True)
class Scenario:
    """Prompts (the first starts the thread, the others resume it) and the model's replies."""

    prompts: tuple[str, ...]
    replies: tuple[Reply, ...]


SCENARIOS = {
    # The first answer crosses the limit: nothing happens until the resumed turn, which
    # compacts first; the third run stays under the limit and does not compact again.
    "resume": Scenario(
        ("work hard", "next", "third"),
        (
            Turn([Message("big answer")], usage=Usage(120, 0, 6)),
            Turn([Message("the summary")], usage=Usage(50, 0, 5)),
            Turn([Message("continued")], usage=Usage(40, 0, 4)),
            Turn([Message("third answer")], usage=Usage(30, 0, 3)),
        ),
    ),
    # A tool call crosses the limit: the turn compacts between its two requests.
    "mid_turn": Scenario(
        ("work hard", "next"),
        (
            Turn([ECHO], usage=Usage(120, 0, 6)),
            Turn([Message("the summary")], usage=Usage(50, 0, 5)),
            Turn([Message("done")], usage=Usage(40, 0, 4)),
            Turn([Message("after")], usage=Usage(30, 0, 3)),
        ),
    ),
    # The limit is crossed again after a compaction: each resumed turn compacts once, and the
    # second summary keeps both user messages, the initial context before the last one.
    "again": Scenario(
        ("work hard", "next", "third"),
        (
            Turn([Message("big answer")], usage=Usage(120, 0, 6)),
            Turn([Message("summary one")], usage=Usage(50, 0, 5)),
            Turn([Message("big again")], usage=Usage(110, 0, 5)),
            Turn([Message("summary two")], usage=Usage(50, 0, 5)),
            Turn([Message("third answer")], usage=Usage(30, 0, 3)),
        ),
    ),
    # The compaction request fails: the resumed turn fails with the provider's error (exit 1),
    # and its input never reaches the model.
    "failed": Scenario(
        ("work hard", "next"),
        (
            Turn([Message("big answer")], usage=Usage(120, 0, 6)),
            HttpError(400, {"error": {"message": "bad compaction", "type": "invalid_request"}}),
        ),
    ),
}


# ---- normalising ------------------------------------------------------------------------------


def _text(item: dict[str, Any]) -> str:
    content = item.get("content")
    if isinstance(content, str):
        return content
    return "".join(p.get("text", "") for p in content or () if isinstance(p, dict))


def _is_context(item: dict[str, Any]) -> bool:
    """Initial-context items: developer messages, the environment, AGENTS.md."""
    if item.get("type") != "message":
        return False
    if item.get("role") == "developer":
        return True
    text = _text(item)
    return item.get("role") == "user" and text.startswith(("<environment_context>", "# AGENTS.md"))


def item_shape(item: dict[str, Any], *, compact_prompt: bool = False) -> str:
    """One input item as a short label; runs of initial-context items become one label."""
    if _is_context(item):
        return "<initial context>"
    kind = item.get("type")
    if kind == "message":
        text = _text(item)
        if item.get("role") == "user":
            if compact_prompt:
                return "<compact prompt>"
            for summary in SUMMARIES:
                if text.endswith(f"\n{summary}"):
                    return f"<summary: {summary}>"
        return f"{item.get('role')}: {text}"
    return str(kind)


def history_shape(items: list[dict[str, Any]], *, compaction: bool = False) -> list[str]:
    out: list[str] = []
    for i, item in enumerate(items):
        label = item_shape(item, compact_prompt=compaction and i == len(items) - 1)
        if label == "<initial context>" and out and out[-1] == label:
            continue
        out.append(label)
    return out


def request_shape(request: RecordedRequest) -> dict[str, Any]:
    body = request.json or {}
    compaction = body.get("tools") == []
    items = request.input()
    if not body.get("instructions") and items and items[0].get("role") == "developer":
        # 0.169 sends the base instructions as the first input item, not as `instructions`.
        items = items[1:]
    return {
        "path": request.path,
        "kind": "compaction" if compaction else "turn",
        "input": history_shape(items, compaction=compaction),
    }


def stream_shape(stdout: bytes) -> list[dict[str, Any]]:
    events = [orjson.loads(line) for line in stdout.splitlines()]
    for event in events:
        if event.get("type") == "thread.started":
            event["thread_id"] = "<thread>"
    return events


def compacted_shapes(home: Path) -> list[list[str]]:
    out = []
    for path in rollout_files(home):
        for line in path.read_bytes().splitlines():
            obj = orjson.loads(line)
            if obj.get("type") == "compacted":
                out.append(history_shape(obj["payload"].get("replacement_history") or []))
    return out


def run_scenario(argv: list[str] | list[list[str]], name: str, tmp: Path) -> dict[str, Any]:
    """The facts of one scenario run by the CLI `argv` (ours or the official binary), or by one
    CLI per run (a list of argvs: the thread changes hands on resume)."""
    scenario = SCENARIOS[name]
    argvs = argv if argv and isinstance(argv[0], list) else [argv] * len(scenario.prompts)
    home, repo = tmp / "home", tmp / "repo"
    repo.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    with MockModelServer() as server:
        write_config(home, server.base_url)
        config = home / "config.toml"
        # A top-level key: it must come before the provider's table.
        config.write_text(f"model_auto_compact_token_limit = {LIMIT}\n" + config.read_text())
        server.enqueue(*scenario.replies)
        streams, exit_codes = [], []
        for i, prompt in enumerate(scenario.prompts):
            tail = ["exec", "--json", prompt] if i == 0 else ["exec", "--json", "resume", "--last"]
            if i:
                tail.append(prompt)
            proc = subprocess.run(
                [*argvs[i], *tail],
                cwd=repo,
                env=codex_env(home),
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=120,
                check=False,
            )
            exit_codes.append(proc.returncode)
            streams.append(stream_shape(proc.stdout))
        requests = [request_shape(r) for r in server.requests]
        unused = server.pending
    return {
        "exit_codes": exit_codes,
        "streams": streams,
        "requests": requests,
        "compacted": compacted_shapes(home),
        "unused_replies": unused,
    }


def load_fixture(name: str) -> dict[str, Any]:
    return orjson.loads((FIXTURES / f"{name}.json").read_bytes())


# ---- tests ------------------------------------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="needs git")


@needs_git
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_ours_matches_the_official_facts(name: str, tmp_path: Path) -> None:
    expected = load_fixture(name)
    got = run_scenario(OURS, name, tmp_path)
    assert got["exit_codes"] == expected["exit_codes"]
    assert got["streams"] == expected["streams"]
    assert got["requests"] == expected["requests"]
    assert got["compacted"] == expected["compacted"]
    assert got["unused_replies"] == expected["unused_replies"] == 0


def test_fixture_facts_say_what_the_issue_says() -> None:
    """The captured official facts themselves: silent compaction, usage counted once."""
    resume = load_fixture("resume")
    assert resume["exit_codes"] == [0, 0, 0]
    for stream in resume["streams"]:
        items = [e["item"] for e in stream if "item" in e]
        assert all(i["type"] == "agent_message" for i in items)
        assert "Compact task completed" not in [i.get("text") for i in items]
    usages = [stream[-1]["usage"]["input_tokens"] for stream in resume["streams"]]
    assert usages == [120, 120 + 50 + 40, 120 + 50 + 40 + 30]  # the thread's, once each
    kinds = [r["kind"] for r in resume["requests"]]
    assert kinds == ["turn", "compaction", "turn", "turn"]
    assert {r["path"] for r in resume["requests"]} == {"/v1/responses"}


@needs_git
@pytest.mark.skipif(official_binary() is None, reason=f"needs the official codex ({INSTALL_HINT})")
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_live_official_still_matches_the_fixture(name: str, tmp_path: Path) -> None:
    official = run_scenario([str(official_binary())], name, tmp_path)
    assert official == load_fixture(name)


@needs_git
@pytest.mark.skipif(official_binary() is None, reason=f"needs the official codex ({INSTALL_HINT})")
@pytest.mark.parametrize("compactor", ["ours", "official"])
def test_a_thread_compacted_by_one_cli_is_not_compacted_again_by_the_other(
    compactor: str, tmp_path: Path
) -> None:
    """Run 1 and the compacting resume by one CLI, the third run by the other: the other takes
    the `compacted` history as it is (no second compaction) and reports the same usage."""
    official = [str(official_binary())]
    first, other = (OURS, official) if compactor == "ours" else (official, OURS)
    got = run_scenario([first, first, other], "resume", tmp_path)
    expected = load_fixture("resume")
    assert got["exit_codes"] == [0, 0, 0]
    assert got["streams"] == expected["streams"]
    assert [r["kind"] for r in got["requests"]] == ["turn", "compaction", "turn", "turn"]
    assert got["compacted"] == expected["compacted"]


def capture() -> None:
    """Rewrite tests/fixtures/compaction/*.json from the official binary."""
    import tempfile

    binary = official_binary()
    if binary is None:
        raise SystemExit(f"official codex not found ({INSTALL_HINT})")
    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name in sorted(SCENARIOS):
        with tempfile.TemporaryDirectory() as tmp:
            facts = run_scenario([str(binary)], name, Path(tmp))
        (FIXTURES / f"{name}.json").write_bytes(
            orjson.dumps(facts, option=orjson.OPT_INDENT_2) + b"\n"
        )
        print(f"wrote {FIXTURES / f'{name}.json'}")


if __name__ == "__main__":
    if sys.argv[1:] != ["--capture"]:
        raise SystemExit("usage: python -m tests.exec.test_compaction_stream --capture")
    capture()
