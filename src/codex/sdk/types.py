"""The vocabulary of `codex.sdk`: the names and shapes of the official Python SDK
(`openai-codex` 0.163: `Sandbox`, `ApprovalMode`, `TextInput`..., `TurnResult`, `Notification`
with typed payloads, thread items), as plain dataclasses instead of its generated pydantic
models, so a program written against the official SDK runs here after changing one import.

Field names are the official models' Python names (`turn_id`, `final_response`,
`aggregated_output`); `type` and notification methods are the app-server's wire names
(`agentMessage`, `item/completed`).
Nothing here does I/O.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import field
from enum import StrEnum
from typing import Any, Literal, TypeAlias

from codex._dataclass import dataclass

JsonObject: TypeAlias = dict[str, Any]

__all__ = [
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
]


class Sandbox(StrEnum):
    """Preset filesystem access for threads and turns (official values)."""

    read_only = "read-only"
    workspace_write = "workspace-write"
    full_access = "full-access"

    @property
    def sandbox_mode(self) -> str:
        """The config's `sandbox_mode` value for this preset."""
        return "danger-full-access" if self is Sandbox.full_access else self.value


class ApprovalMode(StrEnum):
    """What happens when a command or an edit asks for more than the sandbox allows.

    `auto_review`: the session asks (approval policy `on-request`) and the client's approval
    handler answers (the default handler accepts, as the official SDK's does); `deny_all`: nobody
    is asked (policy `never`), the request fails."""

    deny_all = "deny_all"
    auto_review = "auto_review"

    @property
    def approval_policy(self) -> str:
        return "never" if self is ApprovalMode.deny_all else "on-request"


# ---- inputs ------------------------------------------------------------------------------------


@dataclass(slots=True)
class TextInput:
    text: str


@dataclass(slots=True)
class ImageInput:
    """An image by URL (a data: URL or https)."""

    url: str


@dataclass(slots=True)
class LocalImageInput:
    path: str


@dataclass(slots=True)
class SkillInput:
    name: str
    path: str


@dataclass(slots=True)
class MentionInput:
    name: str
    path: str


@dataclass(slots=True)
class ExternalMessage:
    """Content from another tool or agent (tool-level authority, not the user's)."""

    tool_name: str
    content: str | Sequence[JsonObject]
    namespace: str | None = None


InputItem: TypeAlias = TextInput | ImageInput | LocalImageInput | SkillInput | MentionInput
Input: TypeAlias = list[InputItem] | InputItem
RunInput: TypeAlias = Input | str | ExternalMessage


# ---- thread items ------------------------------------------------------------------------------


class MessagePhase(StrEnum):
    commentary = "commentary"
    final_answer = "final_answer"


@dataclass(slots=True)
class UserMessageThreadItem:
    id: str
    content: list[JsonObject]
    type: Literal["userMessage"] = "userMessage"


@dataclass(slots=True)
class AgentMessageThreadItem:
    id: str
    text: str
    phase: MessagePhase | None = None
    type: Literal["agentMessage"] = "agentMessage"


@dataclass(slots=True)
class ReasoningThreadItem:
    id: str
    summary: list[str] = field(default_factory=list)
    content: list[str] = field(default_factory=list)
    type: Literal["reasoning"] = "reasoning"


@dataclass(slots=True)
class CommandExecutionThreadItem:
    id: str
    command: str
    cwd: str
    status: Literal["inProgress", "completed", "failed", "declined"]
    aggregated_output: str | None = None
    exit_code: int | None = None
    duration_ms: int | None = None
    type: Literal["commandExecution"] = "commandExecution"


@dataclass(slots=True)
class FileChangeThreadItem:
    id: str
    changes: list[JsonObject]
    status: Literal["inProgress", "completed", "failed", "declined"]
    type: Literal["fileChange"] = "fileChange"


ThreadItem: TypeAlias = (
    UserMessageThreadItem
    | AgentMessageThreadItem
    | ReasoningThreadItem
    | CommandExecutionThreadItem
    | FileChangeThreadItem
)


# ---- turns and usage ---------------------------------------------------------------------------


class TurnStatus(StrEnum):
    completed = "completed"
    interrupted = "interrupted"
    failed = "failed"
    in_progress = "inProgress"


@dataclass(slots=True)
class TurnError:
    message: str


@dataclass(slots=True)
class Turn:
    id: str
    status: TurnStatus
    items: list[ThreadItem] = field(default_factory=list)
    error: TurnError | None = None
    started_at: int | None = None
    completed_at: int | None = None
    duration_ms: int | None = None


@dataclass(slots=True)
class TokenUsageBreakdown:
    input_tokens: int = 0
    cached_input_tokens: int = 0
    output_tokens: int = 0
    reasoning_output_tokens: int = 0
    total_tokens: int = 0


@dataclass(slots=True)
class ThreadTokenUsage:
    total: TokenUsageBreakdown
    last: TokenUsageBreakdown
    model_context_window: int | None = None


@dataclass(slots=True)
class TurnResult:
    """A finished turn, as the official SDK's `TurnResult` (same fields)."""

    id: str
    status: TurnStatus
    error: TurnError | None
    started_at: int | None
    completed_at: int | None
    duration_ms: int | None
    final_response: str | None
    items: list[ThreadItem]
    usage: ThreadTokenUsage | None


# ---- notifications -----------------------------------------------------------------------------


@dataclass(slots=True)
class TurnStartedNotification:
    thread_id: str
    turn: Turn


@dataclass(slots=True)
class TurnCompletedNotification:
    thread_id: str
    turn: Turn


@dataclass(slots=True)
class ItemStartedNotification:
    thread_id: str
    turn_id: str
    item: ThreadItem


@dataclass(slots=True)
class ItemCompletedNotification:
    thread_id: str
    turn_id: str
    item: ThreadItem


@dataclass(slots=True)
class AgentMessageDeltaNotification:
    thread_id: str
    turn_id: str
    item_id: str
    delta: str


@dataclass(slots=True)
class ThreadTokenUsageUpdatedNotification:
    thread_id: str
    turn_id: str
    token_usage: ThreadTokenUsage


@dataclass(slots=True)
class ErrorNotification:
    thread_id: str
    turn_id: str
    error: TurnError
    will_retry: bool = False


NotificationPayload: TypeAlias = (
    TurnStartedNotification
    | TurnCompletedNotification
    | ItemStartedNotification
    | ItemCompletedNotification
    | AgentMessageDeltaNotification
    | ThreadTokenUsageUpdatedNotification
    | ErrorNotification
)


@dataclass(slots=True)
class Notification:
    """One event of a turn: the app-server method name and its typed payload."""

    method: str
    payload: NotificationPayload


# ---- threads -----------------------------------------------------------------------------------


@dataclass(slots=True)
class ThreadInfo:
    """A recorded thread as `thread_list` shows it (times in seconds since the epoch)."""

    id: str
    preview: str
    created_at: int
    updated_at: int
    cwd: str
    path: str | None
    model_provider: str | None = None
    # What `read()` adds (the official Thread's fields): the user-facing name, the model of an
    # open thread, its runtime status, the thread it was forked from, and its turns when asked.
    name: str | None = None
    model: str | None = None
    status: Literal["notLoaded", "idle", "active"] = "notLoaded"
    forked_from_id: str | None = None
    ephemeral: bool = False
    turns: list[Turn] = field(default_factory=list)


@dataclass(slots=True)
class ThreadListResponse:
    data: list[ThreadInfo]
    next_cursor: str | None = None


# ---- the client ---------------------------------------------------------------------------------

# (method, params) -> {"decision": "accept" | "acceptForSession" | "decline" | "cancel"}: the
# official SDK's approval handler signature; an async handler works with AsyncCodex.
ApprovalHandler: TypeAlias = Callable[
    [str, "JsonObject | None"], "JsonObject | Awaitable[JsonObject]"
]


@dataclass(slots=True)
class CodexConfig:
    """How the in-process runtime is set up (the official `CodexConfig`'s fields, so existing
    code constructs it unchanged). `config_overrides` are `-c key=value`s and `cwd` the threads'
    default working directory, as there; `codex_home` (ours) is `--config-home` (default
    `$CODEX_HOME`, else ~/.codex). `codex_bin`, `launch_args_override` and `env` are accepted and
    ignored: nothing is launched, so there is no child environment."""

    codex_bin: str | None = None
    launch_args_override: tuple[str, ...] | None = None
    config_overrides: tuple[str, ...] = ()
    cwd: str | None = None
    env: Mapping[str, str] | None = None
    client_name: str = "codex_python_sdk"
    client_title: str = "Codex Python SDK"
    client_version: str | None = None
    experimental_api: bool = True
    codex_home: str | None = None
