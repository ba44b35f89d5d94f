"""The official SDK's response objects for everything beside turns: the model list, the account,
login attempts, and the (mostly empty) answers of thread and turn controls. Plain dataclasses with
the official generated models' Python field names (`display_name`, `requires_openai_auth`,
`turn_id`), so code reading `codex.models().data[0].display_name` or `handle.steer(...).turn_id`
runs unchanged after switching the import. Nothing here does I/O.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Literal

from codex.sdk.types import ThreadInfo

__all__ = [
    "AccountLoginCompletedNotification",
    "ApiKeyAccount",
    "CancelLoginAccountResponse",
    "CancelLoginAccountStatus",
    "ChatgptAccount",
    "GetAccountResponse",
    "Model",
    "ModelListResponse",
    "ReasoningEffortOption",
    "ThreadArchiveResponse",
    "ThreadCompactStartResponse",
    "ThreadReadResponse",
    "ThreadRollbackResponse",
    "ThreadSetNameResponse",
    "TurnInterruptResponse",
    "TurnSteerResponse",
]


# ---- models ------------------------------------------------------------------------------------


@dataclass(slots=True)
class ReasoningEffortOption:
    reasoning_effort: str
    description: str


@dataclass(slots=True)
class Model:
    """One entry of `models()` (the official `Model`'s fields that a local CLI can know)."""

    id: str
    model: str
    display_name: str
    description: str
    hidden: bool
    is_default: bool
    default_reasoning_effort: str
    supported_reasoning_efforts: list[ReasoningEffortOption] = field(default_factory=list)
    input_modalities: list[str] = field(default_factory=lambda: ["text", "image"])
    supports_personality: bool = False  # always False, as the official server says now
    upgrade: str | None = None
    model_specialty: str | None = None
    default_service_tier: str | None = None
    service_tiers: list[str] = field(default_factory=list)
    additional_speed_tiers: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ModelListResponse:
    data: list[Model]
    next_cursor: str | None = None


# ---- account and login -------------------------------------------------------------------------


@dataclass(slots=True)
class ApiKeyAccount:
    type: Literal["apiKey"] = "apiKey"


@dataclass(slots=True)
class ChatgptAccount:
    email: str | None
    plan_type: str
    type: Literal["chatgpt"] = "chatgpt"


@dataclass(slots=True)
class GetAccountResponse:
    """What `account()` says: who is signed in (None: nobody) and whether the configured provider
    needs OpenAI credentials at all."""

    account: ApiKeyAccount | ChatgptAccount | None
    requires_openai_auth: bool


@dataclass(slots=True)
class AccountLoginCompletedNotification:
    """How a ChatGPT login attempt ended (`handle.wait()`)."""

    success: bool
    login_id: str | None = None
    error: str | None = None


class CancelLoginAccountStatus(StrEnum):
    canceled = "canceled"
    not_found = "notFound"


@dataclass(slots=True)
class CancelLoginAccountResponse:
    status: CancelLoginAccountStatus


# ---- thread and turn controls ------------------------------------------------------------------


@dataclass(slots=True)
class ThreadReadResponse:
    thread: ThreadInfo


@dataclass(slots=True)
class ThreadSetNameResponse:
    pass


@dataclass(slots=True)
class ThreadRollbackResponse:
    """`thread/rollback`'s answer: the thread as it is now (its turns included); with
    `restore_files`, what was put back: {"written": [...], "deleted": [...], "cwd": ...}."""

    thread: ThreadInfo
    restored_files: dict[str, object] | None = None


@dataclass(slots=True)
class ThreadArchiveResponse:
    pass


@dataclass(slots=True)
class ThreadCompactStartResponse:
    pass


@dataclass(slots=True)
class TurnInterruptResponse:
    pass


@dataclass(slots=True)
class TurnSteerResponse:
    turn_id: str
