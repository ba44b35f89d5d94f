"""The turn metadata scenarios (codex.core.turn_metadata), run the same way against either CLI:
each runs `codex exec` (or the app-server) against the loopback mock in a scratch repo and
returns the model requests' headers, normalised so two runs compare: every UUID becomes `<idN>`
by first appearance (equal ids stay equal), times `<ms>`, the scratch dir `<root>`, the HEAD
commit `<HEAD>`.

`python -m tests.core.turn_metadata_cases` captures 0.169's answers into
tests/fixtures/turn_metadata_official.json.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import FunctionCall, Message, Turn, Usage

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "turn_metadata_official.json"
REVIEW_ANSWER = (
    '{"findings":[],"overall_correctness":"patch is correct","overall_explanation":"ok",'
    '"overall_confidence_score":0.9}'
)
# The headers compared: 0.169's own plus the ids the request already carried (user-agent is
# another test's business).
HEADERS = (
    "x-codex-beta-features",
    "x-codex-window-id",
    "x-codex-turn-metadata",
    "x-codex-parent-thread-id",
    "x-openai-subagent",
    "x-client-request-id",
    "session-id",
    "thread-id",
    "originator",
)
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
EXEC = ["exec", "--skip-git-repo-check"]
COMPACT_LIMIT = "model_auto_compact_token_limit = 100\n"
ECHO = FunctionCall("call_1", "exec_command", {"cmd": "echo hi", "login": False})


class _Normaliser:
    def __init__(self, root: Path, head: str | None) -> None:
        self.root = str(root)
        self.head = head
        self.ids: dict[str, str] = {}

    def text(self, value: str) -> str:
        value = value.replace(self.root, "<root>")
        if self.head:
            value = value.replace(self.head, "<HEAD>")
        return _UUID.sub(self._id, value)

    def _id(self, match: re.Match[str]) -> str:
        return self.ids.setdefault(match.group(0), f"<id{len(self.ids) + 1}>")

    def value(self, key: str, value: Any) -> Any:
        if key == "turn_started_at_unix_ms":
            return "<ms>" if isinstance(value, int) else value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k): self.value(k, v) for k, v in value.items()}
        return value

    def headers(self, raw: dict[str, str]) -> dict[str, Any]:
        lower = {k.lower(): v for k, v in raw.items()}
        out: dict[str, Any] = {}
        for name in HEADERS:
            if name not in lower:
                continue
            if name == "x-codex-turn-metadata":
                meta = json.loads(lower[name])
                out[name] = {k: self.value(k, v) for k, v in meta.items()}
            else:
                out[name] = self.text(lower[name])
        return out

    def request(self, request: Any) -> dict[str, Any]:
        """The headers, then the body's `client_metadata` (keys sorted: 0.169 writes them in
        hash-map order, which varies; its turn metadata string parsed like the header's)."""
        out = self.headers(dict(request.headers.items()))
        body = request.json if isinstance(request.json, dict) else {}
        metadata = body.get("client_metadata")
        if isinstance(metadata, dict):
            plain = {}
            for key in sorted(metadata):
                value = metadata[key]
                if key == "x-codex-turn-metadata":
                    value = {k: self.value(k, v) for k, v in json.loads(value).items()}
                plain[key] = self.value(key, value)
            out["client_metadata"] = plain
        return out


def _git(cwd: Path, script: str) -> None:
    subprocess.run(script, shell=True, cwd=cwd, check=True, capture_output=True)


GIT_REPO = (
    "git init -q && git config user.email a@b && git config user.name a && echo a > f && "
    "git add f && git commit -qm init && echo b >> f && "
    "git remote add origin https://example.com/x.git && git remote add up git@h:y.git"
)


def run_exec(
    argv0: list[str],
    runs: list[list[str]],
    *,
    git: bool = True,
    subdir: bool = False,
    extra_config: str = "",
    base: Path | None = None,
    prepare_home: Callable[[Path], None] | None = None,
    replies: list[Turn] | None = None,
    config_prefix: str = "",
    repo_name: str = "repo",
) -> dict[str, Any]:
    """`runs` (each an argument list after argv0) in one scratch home and repo, in order; the
    normalised requests, the exit codes and the installation id file's text."""
    with MockModelServer() as mock, tempfile.TemporaryDirectory(dir=base) as tmp:
        root = Path(tmp).resolve()
        if replies is not None:
            mock.enqueue(*replies)
        else:
            mock.repeat(Turn([Message(REVIEW_ANSWER)], Usage(10, 0, 1)))
        home = write_mock_config(root / "home", mock.base_url, extra_config)
        if config_prefix:  # top-level keys go before the provider's table
            config = home / "config.toml"
            config.write_text(config_prefix + config.read_text())
        if prepare_home is not None:
            prepare_home(home)
        repo = root / repo_name
        repo.mkdir()
        head = None
        if git:
            _git(repo, GIT_REPO)
            head = subprocess.run(
                ["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True
            ).stdout.strip()
        cwd = repo
        if subdir:
            cwd = repo / "sub"
            cwd.mkdir()
        env = {"PATH": os.environ["PATH"], "HOME": str(root), "CODEX_HOME": str(home)}
        env["MOCK_KEY"] = "k"
        codes = []
        for args in runs:
            proc = subprocess.run(
                [*argv0, *args],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                stdin=subprocess.DEVNULL,
            )
            codes.append(proc.returncode)
        norm = _Normaliser(root, head)
        requests = [norm.request(r) for r in mock.requests]
        id_file = home / "installation_id"
        return {
            "codes": codes,
            "requests": requests,
            "installation_id_file": id_file.read_text() if id_file.exists() else None,
            "installation_id_mode": oct(id_file.stat().st_mode & 0o777)
            if id_file.exists()
            else None,
        }


def run_app_server(
    argv: list[str], base: Path | None = None, *, compact: bool = False
) -> dict[str, Any]:
    """One thread, one turn through a raw JSON-RPC client (no git repo); `compact`: then
    thread/compact/start (the `compact` Op) and one more turn."""
    from tests.app_server.rpc_client import RpcClient, scratch_env

    with MockModelServer() as mock, tempfile.TemporaryDirectory(dir=base) as tmp:
        root = Path(tmp).resolve()
        mock.repeat(Turn([Message("ok")], Usage(10, 0, 1)))
        home = write_mock_config(root / "home", mock.base_url)
        repo = root / "repo"
        repo.mkdir()
        client = RpcClient(argv, scratch_env(home), repo)
        try:
            client.initialize()
            thread = client.call("thread/start", {"cwd": str(repo)})
            thread_id = thread["thread"]["id"]
            client.turn(thread_id, "hi")
            if compact:
                client.call("thread/compact/start", {"threadId": thread_id})
                client.until(lambda m: m.get("method") == "turn/completed")
                client.turn(thread_id, "after")
        finally:
            client.close()
        norm = _Normaliser(root, None)
        return {"requests": [norm.request(r) for r in mock.requests]}


SCENARIOS: dict[str, dict[str, Any]] = {
    # a first turn in a subfolder of a repo with two remotes and a changed file
    "exec_first": {"runs": [[*EXEC, "hi"]], "subdir": True},
    # a second process resuming it
    "exec_resume": {"runs": [[*EXEC, "hi"], [*EXEC, "resume", "--last", "again"]]},
    "exec_not_git": {"runs": [[*EXEC, "hi"]], "git": False},
    # a header value is ASCII: 0.169 escapes the path's é as \u00e9
    "exec_non_ascii_path": {"runs": [[*EXEC, "hi"]], "repo_name": "r\u00e9po"},
    "exec_review": {"runs": [["exec", "review", "--uncommitted"]]},
    "exec_analytics_off": {"runs": [[*EXEC, "-c", "analytics.enabled=false", "hi"]]},
    "exec_workspace_write": {"runs": [[*EXEC, "--sandbox", "workspace-write", "hi"]]},
    "exec_full_access": {"runs": [[*EXEC, "--dangerously-bypass-approvals-and-sandbox", "hi"]]},
    # a model the catalog does not list, no effort configured: no reasoning_effort key
    "exec_unknown_model": {"runs": [[*EXEC, "-m", "unknown-model", "hi"]]},
    # a tool call's request crosses the limit: compaction between the turn's two requests
    "exec_compact_mid_turn": {
        "runs": [[*EXEC, "hi"]],
        "config_prefix": COMPACT_LIMIT,
        "replies": [
            Turn([ECHO], usage=Usage(120, 0, 6)),
            Turn([Message("the summary")], usage=Usage(50, 0, 5)),
            Turn([Message("done")], usage=Usage(40, 0, 4)),
        ],
    },
    # the first answer crosses it: the resumed turn compacts first, the third run goes on
    "exec_compact_pre_turn": {
        "runs": [
            [*EXEC, "hi"],
            [*EXEC, "resume", "--last", "again"],
            [*EXEC, "resume", "--last", "third"],
        ],
        "config_prefix": COMPACT_LIMIT,
        "replies": [
            Turn([Message("big answer")], usage=Usage(120, 0, 6)),
            Turn([Message("the summary")], usage=Usage(50, 0, 5)),
            Turn([Message("continued")], usage=Usage(40, 0, 4)),
            Turn([Message("third answer")], usage=Usage(30, 0, 3)),
        ],
    },
}


def capture(argv0: list[str], base: Path | None = None) -> dict[str, Any]:
    out = {name: run_exec(argv0, **spec, base=base) for name, spec in SCENARIOS.items()}
    out["app_server"] = run_app_server([*argv0, "app-server"], base=base)
    out["app_server_compact"] = run_app_server([*argv0, "app-server"], base=base, compact=True)
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.support.official import official_binary

    binary = official_binary()
    if binary is None:
        raise SystemExit("the official binary is not installed")
    result = capture([str(binary)], base=Path.home() / ".cache")
    for scenario in result.values():
        raw = scenario.get("installation_id_file")
        if raw is not None:  # volatile: kept as its shape (tests check ours has the same)
            new_v4 = len(raw) == 36 and uuid.UUID(raw).version == 4
            scenario["installation_id_file"] = "<uuid4, 36 chars>" if new_v4 else raw
    result["_about"] = (
        "codex 0.169.0's model request headers (tests/core/turn_metadata_cases.py): ids as "
        "<idN> by first appearance, times <ms>, the scratch dir <root>, the HEAD commit <HEAD>"
    )
    FIXTURE.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n")
    print(FIXTURE)
