"""The session's approval gate: turns a tool's "may I?" into an approval-request event, waits for
the matching `exec_approval` / `patch_approval` Op, and remembers `approved_for_session` answers
(per command for exec, per file path for patches) so the same request is not asked twice.

The decisions of *whether* to ask live in codex.tools.runtime.orchestrator (commands) and the
apply_patch handler (patches); this module only asks and waits. Never answers on the user's
behalf: an interrupted turn cancels the wait.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from codex.protocol.events import (
    ApplyPatchApprovalRequest,
    ElicitationRequest,
    ExecApprovalRequest,
)
from codex.protocol.ops import ReviewDecision


def _decision_text(decision: Any) -> str:
    if isinstance(decision, str):
        return str(decision.value) if hasattr(decision, "value") else decision
    if hasattr(decision, "proposed_execpolicy_amendment"):
        return ReviewDecision.APPROVED.value
    return ReviewDecision.DENIED.value


class SessionApprovals:
    """Pending approval requests of one session and its approved-for-session memory."""

    def __init__(
        self,
        emit: Callable[[Any], None],
        on_amendment: Callable[[list[str]], None] | None = None,
    ) -> None:
        self._emit = emit
        self._on_amendment = on_amendment
        self._pending: dict[str, tuple[asyncio.Future[str], list[object]]] = {}
        self._approved: set[object] = set()
        # Whether the front end answers `elicitation_request` (the app-server sets it); when it
        # does not (exec, TUI), an MCP tool approval is cancelled without asking, as upstream
        # exec answers it (codex.mcp_client.approval).
        self.answers_elicitations = False
        # Whether a front end answers `request_user_input` questions (the app-server sets it);
        # when none does (exec), the tool answers the model with no answers, as 0.169's exec.
        self.answers_user_input = False
        # 0.169's `features.default_mode_request_user_input`: codex-py runs every turn in
        # Default mode, where the tool refuses unless this is on (set by the session).
        self.user_input_default_mode = False
        self._questions: dict[str, asyncio.Future[dict[str, Any]]] = {}

    def approved_for_session(self, key: object) -> bool:
        return key in self._approved

    async def request_exec(
        self,
        *,
        call_id: str,
        turn_id: str,
        command: list[str],
        cwd: Path,
        reason: str | None,
        cache_key: object | None,
        proposed_execpolicy_amendment: list[str] | None = None,
    ) -> str:
        request = ExecApprovalRequest(
            call_id,
            turn_id,
            list(command),
            str(cwd),
            reason=reason,
            proposed_execpolicy_amendment=proposed_execpolicy_amendment,
        )
        return await self._ask(call_id, request, [cache_key] if cache_key is not None else [])

    async def request_patch(
        self,
        *,
        call_id: str,
        turn_id: str,
        changes: dict[str, Any],
        reason: str | None,
        cache_keys: list[object],
    ) -> str:
        if cache_keys and all(key in self._approved for key in cache_keys):
            return ReviewDecision.APPROVED_FOR_SESSION
        request = ApplyPatchApprovalRequest(call_id, turn_id, changes, reason=reason)
        return await self._ask(call_id, request, cache_keys)

    async def request_mcp_tool(
        self,
        *,
        call_id: str,
        turn_id: str,
        server: str,
        tool: str,
        message: str,
        description: str | None,
        arguments: dict[str, Any] | None,
        remember: bool = True,
    ) -> str:
        """Ask approval of an MCP tool call as upstream 0.169 does: an MCP elicitation (form,
        `_meta.codex_approval_kind = "mcp_tool_call"`); "accept", "decline" or "cancel"."""
        if not self.answers_elicitations:
            return "cancel"
        key = ("mcp_tool", server, tool)
        if remember and key in self._approved:  # "allow for this session" answered before
            return "accept"
        request_id = f"mcp_tool_call_approval_{call_id}"
        meta: dict[str, Any] = {"codex_approval_kind": "mcp_tool_call"}
        if remember:
            # "Allow for this session" and "always" (0.169 with tool_call_mcp_elicitation);
            # codex-py keeps either for the session only. Not offered for approval_mode prompt.
            meta["persist"] = ["session", "always"]
        if description:
            meta["tool_description"] = description
        if arguments is not None:
            meta["tool_params"] = arguments
            meta["tool_params_display"] = [
                {"name": k, "value": v, "display_name": k} for k, v in sorted(arguments.items())
            ]
        form = {
            "mode": "form",
            "_meta": meta,
            "message": message,
            "requested_schema": {"type": "object", "properties": {}},
        }
        event = ElicitationRequest(server, request_id, form, turn_id=turn_id)
        answer = await self._ask(request_id, event, [key] if remember else [])
        return answer if answer in ("accept", "decline") else "cancel"

    def resolve_elicitation(self, request_id: str, decision: str, meta: Any = None) -> bool:
        """Deliver an elicitation's answer; an accept whose `_meta.persist` is "session" or
        "always" is remembered for the rest of the session."""
        entry = self._pending.get(request_id)
        if entry is None:
            return False
        future, keys = entry
        persist = meta.get("persist") if isinstance(meta, dict) else None
        if decision == "accept" and persist in ("session", "always"):
            self._approved.update(keys)
        if not future.done():
            future.set_result(str(decision))
        return True

    async def _ask(self, approval_id: str, request: Any, keys: list[object]) -> str:
        future: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        self._pending[approval_id] = (future, keys)
        self._emit(request)
        try:
            return await future
        finally:
            self._pending.pop(approval_id, None)

    def resolve(self, approval_id: str, decision: Any) -> bool:
        """Deliver the user's answer; False if nothing is waiting under that id."""
        entry = self._pending.get(approval_id)
        if entry is None:
            return False
        future, keys = entry
        text = _decision_text(decision)
        amendment = getattr(decision, "proposed_execpolicy_amendment", None)
        if amendment and self._on_amendment is not None:
            self._on_amendment(list(amendment))
        if text == ReviewDecision.APPROVED_FOR_SESSION:
            self._approved.update(keys)
        if not future.done():
            future.set_result(text)
        return True

    async def request_user_input(
        self, *, call_id: str, turn_id: str, questions: list[dict[str, Any]]
    ) -> dict[str, Any] | None:
        """Put `questions` to the front end and wait for its `UserInputAnswer`; None when no
        front end answers questions."""
        if not self.answers_user_input:
            return None
        from codex.protocol.user_input import RequestUserInput

        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._questions[call_id] = future
        self._emit(RequestUserInput(call_id, turn_id, questions))
        try:
            return await future
        finally:
            self._questions.pop(call_id, None)

    def answer(self, op: Any) -> bool:
        """Deliver a question's answer op: an MCP elicitation's (`resolve_elicitation`) or a
        request_user_input's (`user_input_answer`)."""
        if op.TAG == "user_input_answer":
            return self.resolve_user_input(op.id, op.response)
        return self.resolve_elicitation(op.request_id, op.decision, op.meta)

    def resolve_user_input(self, call_id: str, response: Any) -> bool:
        """Deliver a `request_user_input` answer; False if nothing waits under `call_id`."""
        future = self._questions.get(call_id)
        if future is None:
            return False
        if not future.done():
            future.set_result(response if isinstance(response, dict) else {})
        return True

    def cancel_all(self) -> None:
        for future, _ in list(self._pending.values()):
            if not future.done():
                future.cancel()
        self._pending.clear()
        for question in list(self._questions.values()):
            if not question.done():
                question.cancel()
        self._questions.clear()
