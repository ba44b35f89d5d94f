"""One turn as a front end sees it: `Session.run_turn(op)` returns a `TurnHandle` whose
`events()` yields that turn's events (ending with its turn end) and whose `result` then holds
what most front ends want at the end: the last agent message, the usage, the error if any.

`SessionSettings` is the read-only snapshot of the settings the next turn runs with, so a front
end can build a `UserTurn` (or send a plain `UserInput`) without rebuilding them from config.

Approvals: with an `on_approval` callback, the handle answers each approval request of its
turn itself (the callback gets the request event and returns a decision); without one, the
front end answers with `Session.submit(ExecApproval(...) / PatchApproval(...))` as before. A
`request_user_input` question goes to the same callback, which returns the answers
(`{"answers": {id: {"answers": [...]}}}`) instead of a decision.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex._dataclass import dataclass
from codex.core.subscribe import EventsDropped, Subscription, is_turn_end
from codex.protocol.events import Event
from codex.protocol.usage import TokenUsage

if TYPE_CHECKING:
    from codex.protocol.ops import UserTurn
    from codex.protocol.sandbox_policy import SandboxPolicy

__all__ = ["ApprovalCallback", "SessionSettings", "TurnHandle", "TurnResult"]

# An approval request event's msg -> the decision ("approved", "approved_for_session",
# "denied", "abort", or a ReviewDecision).
ApprovalCallback = Callable[[Any], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class SessionSettings:
    """What the next turn runs with (a snapshot: later overrides do not change it)."""

    cwd: Path
    approval_policy: str
    sandbox_policy: SandboxPolicy
    model: str
    effort: str | None
    summary: str
    service_tier: str | None = None  # the tier requests ask for (codex.core.service_tier)

    def user_turn(self, items: list[Any], *, final_output_json_schema: Any = None) -> UserTurn:
        """A `UserTurn` op carrying these settings unchanged (for the per-turn output schema,
        which a plain `UserInput` cannot carry)."""
        from codex.protocol.ops import UserTurn

        return UserTurn(
            items=items,
            cwd=str(self.cwd),
            approval_policy=self.approval_policy,
            sandbox_policy=self.sandbox_policy,
            model=self.model,
            effort=self.effort,
            summary=self.summary,
            final_output_json_schema=final_output_json_schema,
        )


@dataclass(frozen=True, slots=True)
class TurnResult:
    """How a turn ended: its final agent message (None if it gave none), the thread's usage
    so far, the last error message (None if none), and whether it was aborted."""

    last_agent_message: str | None
    usage: TokenUsage | None
    error: str | None
    aborted: bool = False


class TurnHandle:
    """A running turn (made by `Session.run_turn`). Read `events()` to its end, or `await
    wait()`; either way `result` is set once the turn ended."""

    def __init__(
        self,
        sub_id: str,
        subscription: Subscription,
        submit: Callable[[Any], Awaitable[str]],
        on_approval: ApprovalCallback | None = None,
    ) -> None:
        self.sub_id = sub_id
        self._subscription = subscription
        self._submit = submit
        self._on_approval = on_approval
        self._result: TurnResult | None = None
        self._usage: TokenUsage | None = None
        self._error: str | None = None

    @property
    def result(self) -> TurnResult | None:
        """The outcome, or None while the turn runs (or its events were not read yet)."""
        return self._result

    async def events(self) -> AsyncIterator[Event]:
        """This turn's events, in order, ending with its turn end (or the session's end). A
        reader that stops early leaves the rest to a later `events()` or `wait()`; until the
        turn end is read, the handle's subscription stays open (bounded, codex.core.subscribe)."""
        if self._result is not None:
            return
        async for event in self._subscription:
            # A drop marker stands for events of any turn, this one's included.
            if event.id != self.sub_id and not _is_marker(event):
                continue
            request = self._observe(event)
            if request is not None:  # an approval request this handle answers
                await self._answer(request)
            yield event
            if is_turn_end(event):
                break
        self._finish()

    async def read(self, each: Callable[[Event], object] | None = None) -> TurnResult:
        """Read the turn to its end and return its result, handing each of its events to
        `each`: what `events()` yields, without an async generator step per event (`run()` of
        the Python API reads every turn this way)."""
        if self._result is None:
            subscription = self._subscription
            while (event := await subscription.next()) is not None:
                if event.id != self.sub_id and not _is_marker(event):
                    continue
                request = self._observe(event)
                if request is not None:
                    await self._answer(request)
                if each is not None:
                    each(event)
                if is_turn_end(event):
                    break
            self._finish()
        assert self._result is not None
        return self._result

    async def wait(self) -> TurnResult:
        """Read the turn to its end (events not yielded to anyone) and return its result."""
        return await self.read()

    def _finish(self) -> None:
        self._subscription.close()
        if self._result is None:  # the session shut down before the turn ended
            self._result = TurnResult(None, self._usage, self._error, aborted=True)

    def close(self) -> None:
        """Stop receiving the session's events (those queued are still read): for a handle
        whose reader went away before the turn end (a cancelled caller) once its turn is
        over, else its subscription kept copying every later event of the session."""
        self._subscription.close()

    def _observe(self, event: Event) -> Any:
        """Take in what `event` says about the outcome; an approval request this handle must
        answer is returned (answered by the caller: most events need no coroutine)."""
        msg: Any = event.msg
        tag = getattr(msg, "TAG", None)
        if tag == "token_count":
            info = getattr(msg, "info", None)
            if info is not None:
                self._usage = info.total_token_usage
        elif tag == "error":
            self._error = msg.message
        elif tag == "task_complete" or tag == "turn_complete":
            last = getattr(msg, "last_agent_message", None)
            self._result = TurnResult(last, self._usage, self._error)
        elif tag == "turn_aborted":
            self._result = TurnResult(None, self._usage, self._error, aborted=True)
        elif self._on_approval is not None and tag in (
            "exec_approval_request",
            "apply_patch_approval_request",
            "request_user_input",  # the callback returns the answers dict
        ):
            return msg
        return None

    async def _answer(self, request: Any) -> None:
        from codex.protocol.ops import ExecApproval, PatchApproval, ReviewDecision

        assert self._on_approval is not None
        decision = await self._on_approval(request)
        if request.TAG == "request_user_input":
            from codex.protocol.ops import UserInputAnswer

            answer = decision if isinstance(decision, dict) else {}
            await self._submit(UserInputAnswer(id=request.call_id, response=answer))
            return
        if isinstance(decision, str):
            decision = ReviewDecision(decision)
        if request.TAG == "exec_approval_request":
            approval_id = getattr(request, "approval_id", None) or request.call_id
            await self._submit(ExecApproval(id=approval_id, decision=decision))
        else:
            await self._submit(PatchApproval(id=request.call_id, decision=decision))


def _is_marker(event: Event) -> bool:
    msg: Any = event.msg
    return isinstance(msg, EventsDropped)
