"""Server→client approval requests: a core approval event becomes
`item/commandExecution/requestApproval` or `item/fileChange/requestApproval`, the client's
`{decision}` becomes the core decision.

Order, as the official server: `thread/status/changed` (waitingOnApproval), `item/started`
for the command or patch, the request, then after the answer `serverRequest/resolved`, the
item's `item/completed` when it will not run (declined), and `thread/status/changed` (active).

A thread whose `approvalsReviewer` is not "user" (the SDK's default "auto_review": the official
server has a reviewer model answer) is never asked for: codex-py has no reviewer, so the request
is declined rather than handed to a client that would approve it blindly.

Whatever the client does, the turn goes on: a decision we cannot read (nonsense, `{}`, an
error answer) declines and marks the item failed; a client that disconnects declines (the
official server cancels the turn's pending approvals the same way). Nothing is ever approved
on the client's behalf.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.app_server.connection import ClientError, ConnectionLost
from codex.app_server.item_shapes import command_text
from codex.app_server.notifications import ACTIVE, WAITING, note

if TYPE_CHECKING:
    from codex.app_server.live import LiveThread

_SIMPLE = {
    "accept": "approved",
    "acceptForSession": "approved_for_session",
    "decline": "denied",
    "cancel": "abort",
}


def core_decision(answer: Any) -> tuple[Any, str | None]:
    """(core decision, item status when it will not run: None / "declined" / "failed")."""
    from codex.protocol.ops import ApprovedExecpolicyAmendment, ReviewDecision

    decision = answer.get("decision") if isinstance(answer, dict) else None
    if isinstance(decision, str) and decision in _SIMPLE:
        core = ReviewDecision(_SIMPLE[decision])
        declined = core in (ReviewDecision.DENIED, ReviewDecision.ABORT)
        return core, "declined" if declined else None
    if isinstance(decision, dict) and len(decision) == 1:
        ((key, value),) = decision.items()
        if key == "acceptWithExecpolicyAmendment" and isinstance(value, dict):
            prefix = value.get("execpolicy_amendment")
            if isinstance(prefix, list) and all(isinstance(w, str) for w in prefix) and prefix:
                return ApprovedExecpolicyAmendment(tuple(prefix)), None
        if key == "applyNetworkPolicyAmendment":
            return ReviewDecision.APPROVED, None
    return ReviewDecision.DENIED, "failed"


def _asker(live: LiveThread) -> Any:
    return live.subscribers[0] if live.subscribers else None


async def ask_elicitation(live: LiveThread, msg: Any) -> None:
    """An MCP elicitation (upstream 0.169 asks MCP tool approvals so) as the server request
    `mcpServer/elicitation/request`; the client's `{action}` (accept/decline/cancel) answers it,
    anything else cancels."""
    from codex.protocol.ops import ResolveElicitation

    form = dict(msg.request or {})
    params = {
        "threadId": live.thread_id,
        "turnId": live.mapper.turn_id,
        "serverName": msg.server_name,
        "mode": form.get("mode", "form"),
        "_meta": form.get("_meta"),
        "message": form.get("message", ""),
        "requestedSchema": form.get("requested_schema") or {"type": "object", "properties": {}},
    }
    conn = _asker(live) if live.reviewer == "user" else None
    decision, request_id, meta = "cancel", None, None
    if conn is not None:
        try:
            request_id, answer = await conn.request("mcpServer/elicitation/request", params)
            action = answer.get("action") if isinstance(answer, dict) else None
            if action in ("accept", "decline", "cancel"):
                decision, meta = action, answer.get("_meta")
        except ConnectionLost:
            pass
        except ClientError as exc:
            request_id = exc.request_id
    if request_id is not None:
        live.broadcast(
            [note("serverRequest/resolved", {"threadId": live.thread_id, "requestId": request_id})]
        )
    await live.session.submit(
        ResolveElicitation(
            server_name=msg.server_name, request_id=msg.id, decision=decision, meta=meta
        )
    )


async def ask(live: LiveThread, msg: Any) -> None:
    from codex.protocol.ops import ExecApproval, PatchApproval, ReviewDecision

    if msg.TAG == "elicitation_request":
        await ask_elicitation(live, msg)
        return
    mapper = live.mapper
    is_exec = msg.TAG == "exec_approval_request"
    call_id = str(msg.call_id)
    announce = mapper.announce_command(msg) if is_exec else mapper.announce_patch(msg)
    live.broadcast([mapper.status(WAITING), *announce])
    started = announce[0]["params"]["startedAtMs"] if announce else None
    base = {
        "threadId": live.thread_id,
        "turnId": mapper.turn_id,
        "itemId": call_id,
        "startedAtMs": started,
    }
    if is_exec:
        method = "item/commandExecution/requestApproval"
        amendment = msg.proposed_execpolicy_amendment
        available: list[Any] = ["accept"]
        if amendment:
            available.append(
                {"acceptWithExecpolicyAmendment": {"execpolicy_amendment": list(amendment)}}
            )
        available.append("cancel")
        params = {
            "kind": "command",
            **base,
            "environmentId": "local",
            "reason": msg.reason,
            "command": command_text(msg.command),
            "cwd": str(msg.cwd),
            "commandActions": announce[0]["params"]["item"]["commandActions"] if announce else [],
            "proposedExecpolicyAmendment": list(amendment) if amendment else None,
            "availableDecisions": available,
        }
    else:
        method = "item/fileChange/requestApproval"
        params = {**base, "reason": msg.reason, "grantRoot": msg.grant_root}
    conn = _asker(live) if live.reviewer == "user" else None
    request_id: int | None = None
    status: str | None
    if conn is None:
        decision, status = ReviewDecision.DENIED, "declined"
    else:
        try:
            request_id, answer = await conn.request(method, params)
            decision, status = core_decision(answer)
        except ConnectionLost:
            decision, status = ReviewDecision.DENIED, "declined"
        except ClientError as exc:
            request_id = exc.request_id
            decision, status = ReviewDecision.DENIED, "failed"
    approval_id = (getattr(msg, "approval_id", None) or call_id) if is_exec else call_id
    out: list[dict[str, Any]] = []
    if request_id is not None:
        out.append(
            note("serverRequest/resolved", {"threadId": live.thread_id, "requestId": request_id})
        )
    if status is not None:
        out += (
            mapper.decline_command(call_id, status)
            if is_exec
            else mapper.decline_patch(call_id, status)
        )
        mapper.ignore(call_id)
    out.append(mapper.status(ACTIVE))
    live.broadcast(out)
    if is_exec:
        await live.session.submit(ExecApproval(id=approval_id, decision=decision))
    else:
        await live.session.submit(PatchApproval(id=approval_id, decision=decision))
