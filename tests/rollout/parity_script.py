"""The conversation both CLIs record for the rollout parity test, and the capture of the official
0.169 file it is compared with (tests/fixtures/rollout_parity/).

Turn 1 (`exec "make a file"`): reasoning and a shell call, then an apply_patch, then the answer,
each response with its token usage. Turn 2 (`exec resume --last "again"`): a plain answer. The
official binary and ours run the same script against the loopback mock model server, each with a
throwaway CODEX_HOME, and the session file is read back.

Recapture (the official binary installed, see tests/support/official.py)::

    .venv/bin/python -m tests.rollout.parity_script
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import orjson
from tests.support.mock_config import write_mock_config
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import (
    FunctionCall,
    Message,
    Reasoning,
    Turn,
    Usage,
    apply_patch_call,
)

FIXTURE = (
    Path(__file__).resolve().parent.parent
    / "fixtures"
    / "rollout_parity"
    / "official-0.169-exec-resume.rollout.jsonl"
)
PATCH = "*** Begin Patch\n*** Add File: hello.txt\n+hi there\n*** End Patch\n"
# What the captured file says instead of the capture's scratch folder and of long prose.
ROOT_MARK = "/capture/codex-parity"
LONG = 400


def enqueue(server: MockModelServer) -> None:
    server.enqueue(
        Turn(
            [
                Reasoning(summary=["**Thinking** about it"]),
                FunctionCall("call_sh", "exec_command", {"cmd": "echo hello"}),
            ],
            usage=Usage(100, 0, 10, 5),
        ),
        Turn([apply_patch_call("call_ap", PATCH)], usage=Usage(120, 0, 12, 0)),
        Turn([Message("all done")], usage=Usage(140, 0, 14, 0)),
        Turn([Message("resumed reply")], usage=Usage(160, 0, 16, 0)),
    )


def run(argv0: list[str], root: Path, server: MockModelServer) -> Path:
    """Both turns through the CLI `argv0` (official binary or `python -m codex`) in `root`;
    the session file it wrote."""
    home, work = root / "home", root / "work"
    work.mkdir(parents=True)
    write_mock_config(home, server.base_url)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(root),
        "CODEX_HOME": str(home),
        "MOCK_KEY": "sk-mock",
    }
    flags = ["exec", "--json", "--skip-git-repo-check"]
    flags.append("--dangerously-bypass-approvals-and-sandbox")
    for extra in (["make a file"], ["resume", "--last", "again"]):
        done = subprocess.run(
            [*argv0, *flags, *extra],
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr.decode(errors="replace")[-2000:])
    (path,) = sorted((home / "sessions").rglob("rollout-*.jsonl"))
    return path


def lines(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(raw) for raw in path.read_bytes().splitlines() if raw.strip()]


def _scrub(value: Any, root: str) -> Any:
    if isinstance(value, str):
        value = value.replace(root, ROOT_MARK)
        return f"<{len(value)} chars omitted>" if len(value) > LONG else value
    if isinstance(value, list):
        return [_scrub(v, root) for v in value]
    if isinstance(value, dict):
        return {k.replace(root, ROOT_MARK): _scrub(v, root) for k, v in value.items()}
    return value


def capture(official: Path) -> None:
    with MockModelServer() as server, tempfile.TemporaryDirectory() as tmp:
        enqueue(server)
        root = Path(tmp).resolve()
        path = run([str(official)], root, server)
        out = b"".join(
            orjson.dumps(_scrub(line, str(root)), option=orjson.OPT_APPEND_NEWLINE)
            for line in lines(path)
        )
    FIXTURE.write_bytes(out)
    print(f"wrote {FIXTURE} ({len(out)} bytes)")


if __name__ == "__main__":
    from tests.support.official import official_binary

    binary = official_binary()
    if binary is None:
        sys.exit("the official codex binary is not installed (tests/support/official.py)")
    capture(binary)
