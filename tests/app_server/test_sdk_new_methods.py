"""review/start, command/exec and fs/* through the official Python SDK 0.163 (`openai-codex`)
unchanged: its generic request path with its own generated response models, and a review
turn followed on the SDK's turn-notification router exactly as its turn_start does it."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn

sdk = pytest.importorskip("openai_codex", reason="openai-codex==0.163.0 is not installed")
models = pytest.importorskip("openai_codex.generated.v2_all")


def _codex_bin() -> str:
    found = Path(sys.executable).with_name("codex")
    if found.is_file():
        return str(found)
    which = shutil.which("codex")
    if which is None:
        pytest.skip("no `codex` console script installed (pip install -e .)")
    return which


@pytest.fixture
def client(home: Path, repo: Path) -> Iterator[Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEX_")}
    fake_home = home.parent / "fakehome"
    fake_home.mkdir(exist_ok=True)
    env.update(CODEX_HOME=str(home), MOCK_KEY="dummy", HOME=str(fake_home))
    config = sdk.CodexConfig(codex_bin=_codex_bin(), cwd=str(repo), env=env)
    with sdk.Codex(config) as codex:
        yield codex._client


def test_command_exec_and_fs_through_the_sdk(client: Any, repo: Path) -> None:
    result = client.request(
        "command/exec",
        {"command": ["sh", "-c", "echo out; exit 4"]},
        response_model=models.CommandExecResponse,
    )
    assert (result.exit_code, result.stdout) == (4, "out\n")
    target = repo / "f.bin"
    data = base64.b64encode(b"\x00\x01").decode()
    client.request(
        "fs/writeFile",
        {"path": str(target), "dataBase64": data},
        response_model=models.FsWriteFileResponse,
    )
    read = client.request(
        "fs/readFile", {"path": str(target)}, response_model=models.FsReadFileResponse
    )
    assert base64.b64decode(read.data_base64) == b"\x00\x01"


def test_review_turn_through_the_sdk(client: Any, repo: Path, mock: MockModelServer) -> None:
    subprocess.run(
        "git init -q && git config user.email a@b && git config user.name a && "
        "echo one > a.txt && git add . && git commit -qm init && echo two >> a.txt",
        shell=True,
        cwd=repo,
        check=True,
    )
    thread = client.thread_start({"cwd": str(repo), "sandbox": "read-only"})
    thread_id = thread.thread.id
    verdict = {"findings": [], "overall_correctness": "patch is correct",
               "overall_explanation": "Looks right.", "overall_confidence_score": 0.9}  # fmt: skip
    mock.enqueue(Turn([Message(json.dumps(verdict))]))
    params = {"threadId": thread_id, "target": {"type": "uncommittedChanges"}}
    with client._router.pending_turn(thread_id) as cursors:
        started = client.request("review/start", params, response_model=models.ReviewStartResponse)
        client._router.prepare_turn(started.turn.id, thread_id, cursors, for_handle=False)
    assert started.review_thread_id == thread_id
    completed = client.wait_for_turn_completed(started.turn.id)
    assert completed.turn.status.value == "completed"
    read = client.thread_read(thread_id, include_turns=True)
    items = [item.root for item in read.thread.turns[-1].items]
    kinds = [item.type for item in items]
    assert kinds == ["enteredReviewMode", "exitedReviewMode", "agentMessage"]
    assert items[1].review == "Looks right."
