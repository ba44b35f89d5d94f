"""`codex.sdk`: the official Python SDK's API (`openai-codex` 0.163: `Codex`, `AsyncCodex`,
`thread_start`, `thread.run`, `turn().stream()`, `thread_resume`, `thread_list`, typed items and
notifications, approvals through a callback), running the agent in this process on core
(codex.api): no `codex app-server` child, no JSON-RPC. Switching is one import::

    from codex import Codex, Sandbox          # was: from openai_codex import Codex, Sandbox

    with Codex() as codex:
        thread = codex.thread_start(sandbox=Sandbox.workspace_write)
        print(thread.run("Describe this project.").final_response)

Names load on first use, so `import codex` stays free for `codex --version` and `codex exec`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codex._lazy import lazy_exports

if TYPE_CHECKING:
    from codex.sdk.async_api import AsyncCodex, AsyncThread, AsyncTurnHandle
    from codex.sdk.sync_api import Codex, Thread, TurnHandle
    from codex.sdk.types import (
        AgentMessageDeltaNotification,
        AgentMessageThreadItem,
        ApprovalHandler,
        ApprovalMode,
        CodexConfig,
        CommandExecutionThreadItem,
        ErrorNotification,
        ExternalMessage,
        FileChangeThreadItem,
        ImageInput,
        Input,
        InputItem,
        ItemCompletedNotification,
        ItemStartedNotification,
        LocalImageInput,
        MentionInput,
        MessagePhase,
        Notification,
        ReasoningThreadItem,
        RunInput,
        Sandbox,
        SkillInput,
        TextInput,
        ThreadInfo,
        ThreadItem,
        ThreadListResponse,
        ThreadTokenUsage,
        ThreadTokenUsageUpdatedNotification,
        TokenUsageBreakdown,
        Turn,
        TurnCompletedNotification,
        TurnError,
        TurnResult,
        TurnStartedNotification,
        TurnStatus,
        UserMessageThreadItem,
    )

_TYPES = (
    "AgentMessageDeltaNotification",
    "AgentMessageThreadItem",
    "ApprovalHandler",
    "ApprovalMode",
    "CodexConfig",
    "CommandExecutionThreadItem",
    "ErrorNotification",
    "ExternalMessage",
    "FileChangeThreadItem",
    "ImageInput",
    "Input",
    "InputItem",
    "ItemCompletedNotification",
    "ItemStartedNotification",
    "LocalImageInput",
    "MentionInput",
    "MessagePhase",
    "Notification",
    "ReasoningThreadItem",
    "RunInput",
    "Sandbox",
    "SkillInput",
    "TextInput",
    "ThreadInfo",
    "ThreadItem",
    "ThreadListResponse",
    "ThreadTokenUsage",
    "ThreadTokenUsageUpdatedNotification",
    "TokenUsageBreakdown",
    "Turn",
    "TurnCompletedNotification",
    "TurnError",
    "TurnResult",
    "TurnStartedNotification",
    "TurnStatus",
    "UserMessageThreadItem",
)
_LAZY = {
    "AsyncCodex": "codex.sdk.async_api",
    "AsyncThread": "codex.sdk.async_api",
    "AsyncTurnHandle": "codex.sdk.async_api",
    "Codex": "codex.sdk.sync_api",
    "Thread": "codex.sdk.sync_api",
    "TurnHandle": "codex.sdk.sync_api",
    **dict.fromkeys(_TYPES, "codex.sdk.types"),
}
__all__ = [
    "AgentMessageDeltaNotification",
    "AgentMessageThreadItem",
    "ApprovalHandler",
    "ApprovalMode",
    "AsyncCodex",
    "AsyncThread",
    "AsyncTurnHandle",
    "Codex",
    "CodexConfig",
    "CommandExecutionThreadItem",
    "ErrorNotification",
    "ExternalMessage",
    "FileChangeThreadItem",
    "ImageInput",
    "Input",
    "InputItem",
    "ItemCompletedNotification",
    "ItemStartedNotification",
    "LocalImageInput",
    "MentionInput",
    "MessagePhase",
    "Notification",
    "ReasoningThreadItem",
    "RunInput",
    "Sandbox",
    "SkillInput",
    "TextInput",
    "Thread",
    "ThreadInfo",
    "ThreadItem",
    "ThreadListResponse",
    "ThreadTokenUsage",
    "ThreadTokenUsageUpdatedNotification",
    "TokenUsageBreakdown",
    "Turn",
    "TurnCompletedNotification",
    "TurnError",
    "TurnHandle",
    "TurnResult",
    "TurnStartedNotification",
    "TurnStatus",
    "UserMessageThreadItem",
]

__getattr__ = lazy_exports(globals(), _LAZY)
