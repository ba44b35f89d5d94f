"""Helpers for driving ModelClient against the loopback mock server."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from tests.support.mock_model_server import MockModelServer

from codex.client import ModelClient, ModelError, ModelProvider, Prompt, RetryPolicy, run
from codex.client.transport import aclose_shared
from codex.protocol.items import user_message

CONVERSATION_ID = "01a20f50-dc4c-7d73-8148-8a9882982f12"


@dataclass
class Sleeps:
    """An injected sleep that records delays instead of waiting."""

    delays: list[float] = field(default_factory=list)

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@dataclass
class Outcome:
    events: list[Any]
    error: ModelError | None

    def of(self, kind: type) -> list[Any]:
        return [e for e in self.events if isinstance(e, kind)]


def mock_provider(server: MockModelServer, wire: str = "responses", **extra: Any) -> ModelProvider:
    table = {
        "name": "mock",
        "base_url": server.base_url,
        "wire_api": wire,
        "env_key": "MOCK_KEY",
        **extra,
    }
    return ModelProvider.from_mapping("mock", table)


def stream_all(client: ModelClient, prompt: Prompt | None = None) -> Outcome:
    """Run one `client.stream` to the end on a fresh (uvloop) loop."""
    prompt = prompt or Prompt(input=[user_message("hi")])

    async def go() -> Outcome:
        events: list[Any] = []
        try:
            async for event in client.stream(prompt):
                events.append(event)
        except ModelError as err:
            return Outcome(events, err)
        finally:
            await aclose_shared()
        return Outcome(events, None)

    return run(go())


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def make_client(mock_model_server: MockModelServer, sleeps: Sleeps) -> Callable[..., ModelClient]:
    """`make_client(wire="responses", **provider_table_overrides)`: no jitter, no real sleeps."""

    def make(wire: str = "responses", *, env: dict[str, str] | None = None, **extra: Any):
        provider = mock_provider(mock_model_server, wire, **extra)
        return ModelClient(
            provider,
            "gpt-5.5",
            conversation_id=CONVERSATION_ID,
            originator="codex_exec",
            retry=RetryPolicy(sleep=sleeps, jitter=lambda: 1.0),
            env={"MOCK_KEY": "sk-mock-123"} if env is None else env,
        )

    return make
