"""Model providers and wire APIs: turn a prompt into a stream of typed response events.

Its one job: talk to the model. It builds the Responses / Chat Completions requests the official
CLI sends, streams the reply through the C SSE parser into typed events, retries and classifies
failures, and parses rate-limit headers. It never runs tools, never touches history and never
prints: the agent loop (codex.core) decides what events mean.

    from codex.client import ModelClient, Prompt, resolve_provider, run

    provider = resolve_provider("openai", config_model_providers)
    client = ModelClient(provider, "gpt-5.5", conversation_id=thread_id, auth=auth_manager)
    async for event in client.stream(Prompt(input=history, tools=tools)):
        ...
"""

from codex.client.errors import (
    ConnectionFailed,
    ContextWindowExceeded,
    EnvVarError,
    InternalServerError,
    ModelError,
    QuotaExceeded,
    RetryLimit,
    StreamDisconnected,
    Unauthorized,
    UnexpectedStatus,
    UnsupportedOperation,
    UsageLimitReached,
)
from codex.client.events import (
    Completed,
    Created,
    Failed,
    Incomplete,
    OutputItemAdded,
    OutputItemDone,
    OutputTextDelta,
    RateLimits,
    ReasoningSummaryDelta,
    ReasoningSummaryPartAdded,
    ReasoningTextDelta,
    ResponseEvent,
    Retrying,
)
from codex.client.model_client import ModelClient
from codex.client.providers import (
    ModelProvider,
    built_in_providers,
    merge_providers,
    provider_for_config,
    resolve_provider,
)
from codex.client.rate_limits import parse_rate_limits
from codex.client.request import Prompt, chat_messages, user_agent
from codex.client.retry import RetryPolicy
from codex.client.runtime import run
from codex.client.transport import aclose_shared, shared_client

__all__ = [
    "Completed",
    "ConnectionFailed",
    "ContextWindowExceeded",
    "Created",
    "EnvVarError",
    "Failed",
    "Incomplete",
    "InternalServerError",
    "ModelClient",
    "ModelError",
    "ModelProvider",
    "OutputItemAdded",
    "OutputItemDone",
    "OutputTextDelta",
    "Prompt",
    "QuotaExceeded",
    "RateLimits",
    "ReasoningSummaryDelta",
    "ReasoningSummaryPartAdded",
    "ReasoningTextDelta",
    "ResponseEvent",
    "RetryLimit",
    "RetryPolicy",
    "Retrying",
    "StreamDisconnected",
    "Unauthorized",
    "UnexpectedStatus",
    "UnsupportedOperation",
    "UsageLimitReached",
    "aclose_shared",
    "built_in_providers",
    "chat_messages",
    "merge_providers",
    "parse_rate_limits",
    "provider_for_config",
    "resolve_provider",
    "run",
    "shared_client",
    "user_agent",
]
