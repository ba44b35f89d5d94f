"""The Op vocabulary: everything a front end asks of a session, as `Submission{id, op}`.

Ops serialize as upstream's `{"type": "<snake_case_name>", ...}`. Approval answers carry a
`ReviewDecision` (`approved`, `approved_for_session`, `denied`, `abort`, ...). Sandbox policies
parse to `codex.protocol.sandbox_policy.SandboxPolicy` (JSON it does not model exactly stays a
dict); either form may be passed when building an op.
Pure data, no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from enum import StrEnum
from typing import Any

from codex._dataclass import dataclass
from codex.protocol._record import record
from codex.protocol._wire import (
    RawWire,
    WireModel,
    absent_field,
    extra_field,
    parse_list,
    parse_sandbox_policy,
    tagged_parser,
    wire,
)
from codex.protocol.user_input import UserInputAnswer  # the request_user_input answer

__all__ = [
    "OP_TYPES",
    "AddToHistory",
    "ApprovedExecpolicyAmendment",
    "Compact",
    "ExecApproval",
    "GetHistoryEntryRequest",
    "InputImageUrl",
    "InputLocalImage",
    "InputSkill",
    "InputText",
    "Interrupt",
    "ListCustomPrompts",
    "ListMcpTools",
    "Op",
    "OverrideTurnContext",
    "PatchApproval",
    "RawOp",
    "ResolveElicitation",
    "Review",
    "ReviewDecision",
    "RunUserShellCommand",
    "Shutdown",
    "Submission",
    "Undo",
    "UserInput",
    "UserInputAnswer",
    "UserInputItem",
    "UserTurn",
    "parse_decision",
    "parse_op",
]


# ---- user input items -----------------------------------------------------------------------


@wire("text", omit_none=("text_elements",))
@record
class InputText(WireModel):
    text: str
    text_elements: list[Any] | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("image")
@record
class InputImageUrl(WireModel):
    """An image already encoded as a URL (typically a `data:` URL)."""

    image_url: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("local_image")
@record
class InputLocalImage(WireModel):
    """A local image file; the session reads, resizes and encodes it."""

    path: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("skill")
@record
class InputSkill(WireModel):
    """A skill the user picked: its SKILL.md goes to the model with the turn (codex.core.skills
    resolves it by path; the name is what the user saw)."""

    name: str
    path: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@dataclass(slots=True)
class _RawInput:
    data: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return self.data


UserInputItem = InputText | InputImageUrl | InputLocalImage | InputSkill
_parse_input = tagged_parser(
    {
        "text": InputText,
        "image": InputImageUrl,
        "local_image": InputLocalImage,
        "skill": InputSkill,
    },
    _RawInput,
)
_parse_inputs = parse_list(_parse_input)


# ---- approval decisions ---------------------------------------------------------------------


class ReviewDecision(StrEnum):
    """The user's answer to an approval request (snake_case on the wire)."""

    APPROVED = "approved"
    APPROVED_FOR_SESSION = "approved_for_session"
    DENIED = "denied"
    ABORT = "abort"
    TIMED_OUT = "timed_out"


@dataclass(slots=True, frozen=True)
class ApprovedExecpolicyAmendment:
    """Approved, and allow commands starting with this prefix from now on."""

    proposed_execpolicy_amendment: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "approved_execpolicy_amendment": {
                "proposed_execpolicy_amendment": list(self.proposed_execpolicy_amendment)
            }
        }


def parse_decision(value: Any) -> ReviewDecision | ApprovedExecpolicyAmendment | Any:
    if isinstance(value, str):
        try:
            return ReviewDecision(value)
        except ValueError:
            return value
    if isinstance(value, Mapping) and "approved_execpolicy_amendment" in value:
        inner = value["approved_execpolicy_amendment"] or {}
        return ApprovedExecpolicyAmendment(tuple(inner.get("proposed_execpolicy_amendment", ())))
    return value


# ---- ops ------------------------------------------------------------------------------------


@wire("interrupt")
@record
class Interrupt(WireModel):
    """Abort the running turn; the session answers with `turn_aborted`."""

    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("user_input", parse={"items": _parse_inputs})
@record
class UserInput(WireModel):
    """Input for the next turn, using the session's current turn context."""

    items: list[UserInputItem]
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "user_turn",
    omit_none=("effort", "collaboration_mode", "service_tier"),
    parse={"items": _parse_inputs, "sandbox_policy": parse_sandbox_policy},
    order=(
        "items",
        "cwd",
        "approval_policy",
        "sandbox_policy",
        "model",
        "effort",
        "summary",
        "final_output_json_schema",
        "collaboration_mode",
        "service_tier",
    ),
)
@record
class UserTurn(WireModel):
    """Input plus the full turn context (cwd, policies, model) for this and later turns."""

    items: list[UserInputItem]
    cwd: str
    approval_policy: str
    sandbox_policy: Any
    model: str
    summary: str = "auto"
    effort: str | None = None
    final_output_json_schema: Any = None
    collaboration_mode: str | None = None  # "default" / "plan" (codex.core.modes)
    # The tier requests ask for from now on (codex.core.service_tier): None leaves it, "" clears it.
    service_tier: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire(
    "override_turn_context",
    omit_none=(
        "cwd",
        "approval_policy",
        "sandbox_policy",
        "model",
        "effort",
        "summary",
        "collaboration_mode",
        "service_tier",
    ),
    parse={"sandbox_policy": parse_sandbox_policy},
)
@record
class OverrideTurnContext(WireModel):
    """Change parts of the turn context for later turns; None leaves a value as it is."""

    cwd: str | None = None
    approval_policy: str | None = None
    sandbox_policy: Any = None
    model: str | None = None
    effort: str | None = None
    summary: str | None = None
    collaboration_mode: str | None = None  # "default" / "plan" (codex.core.modes)
    # The tier requests ask for from now on (codex.core.service_tier): None leaves it, "" clears it.
    service_tier: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("exec_approval", omit_none=("turn_id",), parse={"decision": parse_decision})
@record
class ExecApproval(WireModel):
    """Answer to `exec_approval_request`; `id` is its approval_id, else its call_id."""

    id: str
    decision: ReviewDecision | ApprovedExecpolicyAmendment
    turn_id: str | None = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("patch_approval", parse={"decision": parse_decision})
@record
class PatchApproval(WireModel):
    """Answer to `apply_patch_approval_request`; `id` is its call_id."""

    id: str
    decision: ReviewDecision
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("resolve_elicitation", omit_none=("content", "meta"))
@record
class ResolveElicitation(WireModel):
    """Answer to `elicitation_request`: `decision` is "accept", "decline" or "cancel"."""

    server_name: str
    request_id: str
    decision: str
    content: Any = None
    meta: Any = None
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("add_to_history")
@record
class AddToHistory(WireModel):
    text: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("get_history_entry_request")
@record
class GetHistoryEntryRequest(WireModel):
    offset: int
    log_id: int
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("list_mcp_tools")
@record
class ListMcpTools(WireModel):
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("list_custom_prompts")
@record
class ListCustomPrompts(WireModel):
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("compact")
@record
class Compact(WireModel):
    """Summarize the conversation so far to free context."""

    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("undo")
@record
class Undo(WireModel):
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("review")
@record
class Review(WireModel):
    review_request: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("shutdown")
@record
class Shutdown(WireModel):
    """Stop the session; it answers with `shutdown_complete`."""

    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


@wire("run_user_shell_command")
@record
class RunUserShellCommand(WireModel):
    """A `!cmd` typed by the user: run in the user's shell, recorded in history."""

    command: str
    extra: dict[str, Any] | None = extra_field()
    absent: frozenset[str] = absent_field()


class RawOp(RawWire):
    """An op type we do not model; kept verbatim so it can be reported as unsupported."""

    __slots__ = ()


Op = (
    Interrupt
    | UserInput
    | UserTurn
    | OverrideTurnContext
    | ExecApproval
    | PatchApproval
    | ResolveElicitation
    | AddToHistory
    | GetHistoryEntryRequest
    | ListMcpTools
    | ListCustomPrompts
    | Compact
    | Undo
    | Review
    | Shutdown
    | RunUserShellCommand
    | UserInputAnswer
    | RawOp
)

OP_TYPES: dict[str, type[WireModel]] = {
    cls.TAG: cls  # type: ignore[misc]
    for cls in (
        Interrupt,
        UserInput,
        UserTurn,
        OverrideTurnContext,
        ExecApproval,
        PatchApproval,
        ResolveElicitation,
        AddToHistory,
        GetHistoryEntryRequest,
        ListMcpTools,
        ListCustomPrompts,
        Compact,
        Undo,
        Review,
        Shutdown,
        RunUserShellCommand,
        UserInputAnswer,
    )
}

parse_op = tagged_parser(OP_TYPES, lambda d: RawOp(dict(d)))


@dataclass(slots=True)
class Submission:
    """One entry of a session's submission queue; events answering it carry the same `id`."""

    id: str
    op: Op

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "op": self.op.to_dict()}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Submission:
        return cls(data["id"], parse_op(data["op"]))
