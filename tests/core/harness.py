"""Drive a real Session against the real loopback mock model server.

`make_config(tmp_path, server, ...)` writes a config.toml in a temporary CODEX_HOME whose provider
points at the mock server; `run_turn(session, text)` submits a user turn, answers approval
requests with the scripted decisions and returns the turn's events.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from tests.support.mock_model_server import MockModelServer

from codex.config import ConfigOverrides, load_config
from codex.core import Session, is_turn_end
from codex.protocol import ops

TURN_TIMEOUT_S = 60


def make_config(
    tmp_path: Path,
    server: MockModelServer,
    *,
    approval: str = "never",
    sandbox: str = "workspace-write",
    model: str = "gpt-5.5",
    extra: str = "",
    cwd: Path | None = None,
    wire: str = "responses",
) -> Any:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    work = cwd or tmp_path / "work"
    work.mkdir(exist_ok=True)
    (home / "config.toml").write_text(
        f'model = "{model}"\n'
        'model_provider = "mock"\n'
        f'approval_policy = "{approval}"\n'
        f'sandbox_mode = "{sandbox}"\n'
        f"{extra}\n"
        "[model_providers.mock]\n"
        'name = "mock"\n'
        f'base_url = "{server.base_url}"\n'
        f'wire_api = "{wire}"\n'
        'env_key = "PATH"\n'
        "stream_max_retries = 2\n"
    )
    return load_config(ConfigOverrides(config_home=str(home)), cwd=work)


Decider = Callable[[Any], Any]


async def run_turn(
    session: Session,
    text: str,
    *,
    decide: Decider | None = None,
    on_event: Callable[[Any], Any] | None = None,
    op: Any = None,
) -> list[Any]:
    """Submit one turn and collect its events until its turn end (codex.core.is_turn_end)."""
    sub_id = await session.submit(op or ops.UserInput([ops.InputText(text)]))
    events: list[Any] = []

    async def collect() -> None:
        while True:
            ev = await session.next_event()
            events.append(ev)
            tag = ev.msg.TAG
            if on_event is not None:
                result = on_event(ev)
                if asyncio.iscoroutine(result):
                    await result
            if tag == "exec_approval_request":
                decision = decide(ev.msg) if decide else "denied"
                if isinstance(decision, str):
                    decision = ops.ReviewDecision(decision)
                await session.submit(ops.ExecApproval(ev.msg.call_id, decision))
            elif tag == "apply_patch_approval_request":
                decision = decide(ev.msg) if decide else "denied"
                await session.submit(
                    ops.PatchApproval(ev.msg.call_id, ops.ReviewDecision(decision))
                )
            if ev.id == sub_id and is_turn_end(ev):
                return

    await asyncio.wait_for(collect(), TURN_TIMEOUT_S)
    return events


def of_type(events: Sequence[Any], tag: str) -> list[Any]:
    return [ev.msg for ev in events if tag == ev.msg.TAG]


class ListRecorder:
    """A recorder with the hook's shape that keeps everything in memory."""

    def __init__(self):
        self.items, self.events, self.contexts, self.flushes, self.closed = [], [], [], 0, False

    def record_response_item(self, item):
        self.items.append(item)

    def record_event(self, msg):
        self.events.append(msg)

    def record_turn_context(self, ctx):
        self.contexts.append(ctx)

    def record_compacted(self, message, replacement_history=None):
        self.events.append({"type": "compacted", "message": message})

    def flush(self):
        self.flushes += 1

    def turn_end(self):
        self.flushes += 1

    def close(self):
        self.closed = True
