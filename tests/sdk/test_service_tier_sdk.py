"""The SDK's `service_tier` keywords do what our app-server does with the same calls from the
official SDK (which sends `serviceTier` only when given): thread_start's and thread_fork's
become the thread's tier ("fast" is "priority", "default" or a tier the model does not
advertise means none), run()/turn()'s holds for this and the later turns, and
`turn_service_tier` (turn/start's `serviceTierForTurn`) changes nothing, as 0.169 (facts in
tests/fixtures/service_tier_official.json); thread_resume's is the tier of a thread reopened
from its rollout. Asserted on the mock model server's request bodies,
and compared with openai-codex 0.163 driving our `codex app-server` through the same calls."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest
from tests.sdk.test_sdk import make_home
from tests.support.mock_model_server import MockModelServer
from tests.support.model_stream import Message, Turn

from codex import Codex

# (what the scenario did, the `service_tier` its turn's request carried: None = absent)
EXPECTED: list[tuple[str, str | None]] = [
    ("start none", None),
    ("start fast", "priority"),
    ("start priority", "priority"),
    ("start flex", "flex"),
    ("start default", None),
    ("start bogus", None),
    ("run fast", "priority"),
    ("run next without", "priority"),
    ("run flex", "flex"),
    ("run bogus", None),
    ("run turn_service_tier fast", None),
    ("run after turn_service_tier", None),
    ("turn() fast", "priority"),
    ("turn() next without", "priority"),
    ("fork flex", "flex"),
    ("resume (another client) flex", "flex"),
]


def _turn(
    seen: list[tuple[str, str | None]], mock: MockModelServer, label: str, thread: Any, **kw: Any
) -> None:
    before = len(mock.requests)
    thread.run("hi", **kw)
    tiers = [r.json.get("service_tier") for r in mock.requests[before:]]
    assert len(tiers) == 1, (label, tiers)
    seen.append((label, tiers[0]))


def _scenario(client: Any, mock: MockModelServer) -> list[tuple[str, str | None]]:
    """The same calls on either SDK; each turn's request tier."""
    seen: list[tuple[str, str | None]] = []

    def turn(label: str, thread: Any, **kw: Any) -> None:
        _turn(seen, mock, label, thread, **kw)

    for name in ("none", "fast", "priority", "flex", "default", "bogus"):
        kw = {} if name == "none" else {"service_tier": name}
        turn(f"start {name}", client.thread_start(**kw))
    thread = client.thread_start()
    turn("run fast", thread, service_tier="fast")
    turn("run next without", thread)
    turn("run flex", thread, service_tier="flex")
    turn("run bogus", thread, service_tier="bogus")
    turn("run turn_service_tier fast", thread, turn_service_tier="fast")
    turn("run after turn_service_tier", thread)
    other = client.thread_start()
    before = len(mock.requests)
    other.turn("hi", service_tier="fast").run()
    seen.append(("turn() fast", mock.requests[before].json.get("service_tier")))
    turn("turn() next without", other)
    turn("fork flex", client.thread_fork(thread.id, service_tier="flex"))
    seen.append(("thread", thread.id))  # resumed by another client (_resume)
    return seen


def _resume(client: Any, mock: MockModelServer, seen: list[tuple[str, str | None]]) -> None:
    """A thread reopened from its rollout by a new client takes thread_resume's tier."""
    _label, thread_id = seen.pop()
    thread = client.thread_resume(thread_id, service_tier="flex")
    _turn(seen, mock, "resume (another client) flex", thread)


def test_sdk_service_tiers(tmp_path: Path, mock_model_server: MockModelServer) -> None:
    mock_model_server.repeat(Turn([Message("ok")]))
    config = make_home(tmp_path, mock_model_server)
    with Codex(config) as client:
        seen = _scenario(client, mock_model_server)
    with Codex(config) as client:
        _resume(client, mock_model_server, seen)
    assert seen == EXPECTED


def _codex_bin() -> str:
    found = Path(sys.executable).with_name("codex")
    if found.is_file():
        return str(found)
    which = shutil.which("codex")
    if which is None:
        pytest.skip("no `codex` console script installed (pip install -e .)")
    return which


def test_official_sdk_on_our_app_server_agrees(
    tmp_path: Path, mock_model_server: MockModelServer
) -> None:
    official = pytest.importorskip("openai_codex", reason="openai-codex (test extra) not installed")
    mock_model_server.repeat(Turn([Message("ok")]))
    ours = make_home(tmp_path, mock_model_server)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CODEX_")}
    fake_home = tmp_path / "fakehome"
    fake_home.mkdir()
    env.update(CODEX_HOME=str(ours.codex_home), HOME=str(fake_home))
    config = official.CodexConfig(codex_bin=_codex_bin(), cwd=ours.cwd, env=env)
    with official.Codex(config) as client:
        seen = _scenario(client, mock_model_server)
    with official.Codex(config) as client:
        _resume(client, mock_model_server, seen)
    assert seen == EXPECTED
