"""Opening the model client for a session: provider from config (built-ins merged by
codex.client), credentials from codex.auth, the session's originator and conversation id.

The turn loop consumes `codex.client` events directly (no wrapper object per delta). Anything
with a compatible `stream(prompt)` async iterator can stand in for the client (tests, replay).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, Protocol

from codex.client import ModelClient, Prompt, provider_for_config
from codex.client.events import ResponseEvent

__all__ = ["ModelStreamer", "Prompt", "event_batches", "open_model", "provider_for"]


class ModelStreamer(Protocol):
    model: str

    def stream(self, prompt: Prompt) -> AsyncIterator[ResponseEvent]: ...


def event_batches(client: ModelStreamer, prompt: Prompt) -> AsyncIterator[list[ResponseEvent]]:
    """The request's events a list at a time: `client.batches(prompt)` where the client has
    it (codex.client.ModelClient: a generator step per network read, not per event), else
    its `stream()` one event per list."""
    batches = getattr(client, "batches", None)
    if batches is not None:
        return batches(prompt)
    return _one_by_one(client.stream(prompt))


async def _one_by_one(events: AsyncIterator[ResponseEvent]) -> AsyncIterator[list[ResponseEvent]]:
    async for event in events:
        yield [event]


def provider_for(config: Any) -> Any:
    """`model_provider` among the built-ins and `model_providers` (and `openai_base_url`)."""
    return provider_for_config(config)


def _auth_for(config: Any) -> Any:
    """Stored credentials for a session opened without any (a bare `Session(config)`): never
    `CODEX_API_KEY`, which only a front end that says so honours (codex.core.open_session)."""
    from codex.core.auth import session_auth

    return session_auth(config, enable_codex_api_key_env=False)


def open_model(
    config: Any,
    *,
    model: str,
    originator: str,
    conversation_id: str,
    auth: Any = None,
    provider: Any = None,
) -> ModelClient:
    return ModelClient(
        provider if provider is not None else provider_for(config),
        model,
        conversation_id=conversation_id,
        auth=auth if auth is not None else _auth_for(config),
        originator=originator,
    )
