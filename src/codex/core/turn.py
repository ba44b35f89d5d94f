"""One task (a user turn): sample the model, run the tool calls it makes, feed the outputs back,
and repeat until the model answers without calling a tool (spec-core Appendix C).

Tool calls start as soon as their `output_item.done` arrives and run concurrently (parallel-safe
tools share a lock, the others take it alone); their outputs are recorded in call order once the
response completes. Cancellation (interrupt) kills running commands through the handlers'
cleanup and leaves every call answered (`aborted`). Per-delta work is one event object, or
nothing at all when the session does not stream deltas (`Session(stream_deltas=False)`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import field
from typing import Any

from codex._dataclass import dataclass
from codex.client import ModelError, Prompt
from codex.client.events import (
    Completed,
    Incomplete,
    OutputItemAdded,
    OutputItemDone,
    OutputTextDelta,
    RateLimits,
    ReasoningSummaryDelta,
    ReasoningSummaryPartAdded,
    ReasoningTextDelta,
    Retrying,
)
from codex.core import checkpoints, modes, turn_metadata
from codex.core.compact import compact
from codex.core.goals.hooks import request_began, tool_done, turn_began, turn_ended
from codex.core.hook_events import (
    before_prompt,
    compacting,
    lifecycle_of,
    screen_steered,
    stop_continuation,
)
from codex.core.model import event_batches
from codex.core.recorder import start_file
from codex.core.service_tier import request_tier, tier_warning
from codex.core.session_state import SessionState, TurnSettings, announce_diff
from codex.protocol.events import (
    AgentMessage,
    AgentMessageDelta,
    AgentReasoning,
    AgentReasoningDelta,
    AgentReasoningRawContentDelta,
    AgentReasoningSectionBreak,
    ErrorEvent,
    StreamError,
    TaskComplete,
    TaskStarted,
    UserMessage,
    WarningEvent,
    WebSearchBegin,
    WebSearchEnd,
)
from codex.protocol.items import Message, Reasoning, ResponseItem, WebSearchCall
from codex.tools.output import aborted_output as aborted_text
from codex.tools.runtime.context import SHELL_TOOLS, ToolCall, ToolContext, ToolResult
from codex.tools.runtime.repeats import RepeatedCallGuard
from codex.tools.runtime.router import dispatch, is_parallel_safe, tool_call_from_item

__all__ = ["TurnRunner", "TurnSettings", "aborted_output", "end_task"]


class _RWLock:
    """Shared/exclusive lock for parallel tool execution. Its condition is made by the first
    tool call: most turns call none."""

    def __init__(self) -> None:
        self._readers = 0
        self._writer = False
        self._condition: asyncio.Condition | None = None

    @property
    def _cond(self) -> asyncio.Condition:
        if self._condition is None:
            self._condition = asyncio.Condition()
        return self._condition

    @contextlib.asynccontextmanager
    async def shared(self) -> AsyncIterator[None]:
        async with self._cond:
            await self._cond.wait_for(lambda: not self._writer)
            self._readers += 1
        try:
            yield
        finally:
            async with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextlib.asynccontextmanager
    async def exclusive(self) -> AsyncIterator[None]:
        async with self._cond:
            await self._cond.wait_for(lambda: not self._writer and self._readers == 0)
            self._writer = True
        try:
            yield
        finally:
            async with self._cond:
                self._writer = False
                self._cond.notify_all()


@dataclass(slots=True)
class _Running:
    call: ToolCall
    task: asyncio.Task[ToolResult]
    started: float = field(default_factory=time.monotonic)


def aborted_output(call: ToolCall, seconds: float) -> ToolResult:
    return ToolResult(aborted_text(seconds, shell_tool=call.name in SHELL_TOOLS), success=False)


def end_task(
    state: SessionState, sub_id: str, *, error: str | None = None, last_message: str | None = None
) -> None:
    """The one way a task ends, failed or not: the error event if any, then its
    `task_complete`, and the turn boundary on record."""
    if error is not None:
        state.emit(sub_id, ErrorEvent(error))
    state.emit(sub_id, TaskComplete(turn_id=sub_id, last_agent_message=last_message))
    state.flush_recorder()


class TurnRunner:
    """Runs one task for the submission `sub_id`, through the session's narrowed state."""

    def __init__(
        self,
        state: SessionState,
        sub_id: str,
        settings: TurnSettings,
        stream_deltas: bool | None = None,
    ) -> None:
        self.state = state
        self.sub_id = sub_id
        self.settings = settings
        # Decided once per turn (None: the session's), so a quiet turn never changes what
        # another turn of the same session streams.
        self.stream_deltas = state.stream_deltas if stream_deltas is None else stream_deltas
        self.lock = _RWLock()
        self.tool_ctx: ToolContext = state.make_tool_context(sub_id, settings, self.stream_deltas)
        self.pending_items: list[ResponseItem] = []  # output items of the current request
        self.running: list[_Running] = []
        self.repeats = RepeatedCallGuard()  # ends a turn stuck on one identical call
        self.checkpoints: checkpoints.TurnCheckpoints | None = None  # set by a writable turn
        self._headers: dict[str, str] | None = None  # codex.core.turn_metadata, once per window
        self._client_metadata: dict[str, str] | None = None
        self._started_ms: int | None = None  # when the turn's first request was built
        self.trigger: str | None = None  # "goal": a turn the session started for its goal
        self.stop_hook_active = False  # a Stop hook already continued this turn

    def emit(self, msg: Any) -> None:
        self.state.emit(self.sub_id, msg)

    async def run(self, user_items: list[ResponseItem], user_text: str, images: list[str]) -> None:
        sess = self.state
        attribution = {"turn_trigger": self.trigger} if self.trigger else None
        self.emit(
            TaskStarted(
                turn_id=self.sub_id,
                model_context_window=sess.context_window,
                turn_attribution=attribution,
                collaboration_mode_kind=modes.event_kind(self.settings.collaboration_mode),
            )
        )
        turn_began(sess, self.sub_id)
        start_file(sess.recorder)  # begun at submission (Session.submit), but not a goal turn's
        if tier_note := tier_warning(sess.service_tier, self.settings.model):
            self.emit(WarningEvent(tier_note))  # 0.169: the turn's requests go without it
        error_kind: str | None = None
        self.checkpoints = await checkpoints.before_turn(sess, self.sub_id, self.settings)
        last_message: str | None = None
        error: str | None = None
        try:
            # Pre-turn (0.169): the last request reached the limit (in this process, or before
            # a resume), so the history is summarized before the new input joins it.
            if sess.should_auto_compact():
                await self._auto_compact("pre_turn")
            hooks = lifecycle_of(sess)  # SessionStart / UserPromptSubmit / Stop hooks
            blocked, after = False, list[ResponseItem]()
            if hooks is not None:  # a goal turn has no prompt of the user's to submit
                prompt = user_text if self.trigger is None else None
                before, after, blocked = await before_prompt(
                    hooks, self.sub_id, self.settings, prompt
                )
                sess.record_items(before)
            if not blocked:  # a blocked prompt never joins the history: no request at all
                sess.record_items(user_items)
                sess.record_items(after)
            skills = sess.take_turn_skill_inputs()
            if not blocked and (user_text or images or skills):
                self.emit(UserMessage(user_text, images=images or None, skills=skills or None))
            while not blocked:
                if hooks is not None:  # UserPromptSubmit for input steered into the turn
                    await screen_steered(sess, hooks, self.sub_id, self.settings)
                sess.record_items(sess.take_pending_input())
                if self.tool_ctx.pending_input:
                    sess.record_items(self.tool_ctx.pending_input)
                    self.tool_ctx.pending_input.clear()
                told, sess.told = sess.told, []  # after the outputs of the calls in flight
                sess.record_items(told)
                needs_follow_up, last_message = await self._sample_once()
                if self.repeats.tripped:
                    self.emit(ErrorEvent(self.repeats.message()))
                    break
                if hooks is not None and not needs_follow_up:  # a blocked one asks nothing more
                    await screen_steered(sess, hooks, self.sub_id, self.settings)
                if not needs_follow_up and not sess.has_pending_input():
                    if hooks is not None and await self._stop_hook_continues(hooks, last_message):
                        continue  # a Stop hook gave the model more to do
                    break  # the final answer: no compaction after it (the next turn may)
                # Mid-turn (0.169): the model has more to do and the request reached the limit;
                # summarize (the items are recorded) before asking again.
                if sess.should_auto_compact():
                    await self._auto_compact("mid_turn")
        except ModelError as exc:
            error = str(exc)
            error_kind = exc.codex_error_info
        except BaseException:
            turn_ended(sess, aborted=True)  # an interrupt pauses the goal
            # Interrupted (or a bug): the tree the turn left is checkpointed all the same, on
            # record before the session reports the abort.
            if self.checkpoints is not None:
                with contextlib.suppress(BaseException):
                    await asyncio.shield(self.checkpoints.after_turn())
            raise
        if self.checkpoints is not None:
            await self.checkpoints.after_turn()  # on record before the turn's end
        turn_ended(sess, error_kind=error_kind)
        end_task(sess, self.sub_id, error=error, last_message=last_message)
        sess.notify_turn_complete(self.sub_id, self.settings, [user_text], last_message)

    async def _stop_hook_continues(self, hooks: Any, last_message: str | None) -> bool:
        """Run the Stop hooks; True when one blocked the end (its reason is now on record)."""
        message = await stop_continuation(
            hooks, self.sub_id, self.settings, last_message, active=self.stop_hook_active
        )
        if message is None:
            return False
        self.stop_hook_active = True
        self.state.record_items([message])
        return True

    async def run_compact(self) -> None:
        """The `compact` Op as its own task."""
        sess = self.state
        self.emit(TaskStarted(turn_id=self.sub_id, model_context_window=sess.context_window))
        headers = self._metadata_headers(turn_metadata.MANUAL_COMPACTION)
        try:
            work = compact(sess, self.sub_id, self.settings, extra_headers=headers)
            compacted = await compacting(sess, self.sub_id, self.settings, False, work)
        except Exception as exc:  # a model error, or any bug: the task still ends
            end_task(sess, self.sub_id, error=f"Error running compact task: {exc}")
            return
        if compacted:
            turn_metadata.next_window(sess)
        end_task(sess, self.sub_id)

    async def _auto_compact(self, phase: str) -> None:
        """An automatic compaction ("pre_turn" or "mid_turn"); the requests after it belong to
        the thread's next context window (codex.core.turn_metadata)."""
        sess = self.state
        headers = self._metadata_headers(turn_metadata.auto_compaction(phase))
        work = compact(sess, self.sub_id, self.settings, automatic=True, extra_headers=headers)
        if await compacting(sess, self.sub_id, self.settings, True, work):
            turn_metadata.next_window(sess)
            self._headers = None

    def _prompt(self) -> Prompt:
        sess = self.state
        headers = self._turn_headers()
        return Prompt(
            input=sess.history.for_prompt(freeform_exec_outputs=sess.setup.freeform_apply_patch),
            tools=sess.request_tools(self.emit),
            instructions=sess.base_instructions,
            parallel_tool_calls=sess.parallel_tool_calls,
            reasoning=sess.reasoning_for(self.settings),
            verbosity=sess.verbosity_for(self.settings.model),
            service_tier=request_tier(sess.service_tier, self.settings.model),
            output_schema=self.settings.output_schema,
            client_metadata=self._client_metadata,
            extra_headers=headers,
        )

    def _turn_headers(self) -> dict[str, str]:
        """0.169's per-turn request headers, built at the turn's first request and again
        after a compaction (a new context window), the same for the requests in between; the
        body's `client_metadata` with them."""
        headers = self._headers
        if headers is None:
            headers = self._headers = self._metadata_headers(None)
            self._client_metadata = turn_metadata.client_metadata(headers)
        return headers

    def _metadata_headers(self, compaction: dict[str, str] | None) -> dict[str, str]:
        if self._started_ms is None:
            self._started_ms = turn_metadata.now_ms()
        sess = self.state
        reasoning = sess.reasoning_for(self.settings) if compaction is None else None
        return turn_metadata.turn_headers(
            sess, self.sub_id, self.settings, reasoning, self._started_ms, compaction=compaction
        )

    async def _sample_once(self) -> tuple[bool, str | None]:
        """One model request and its tool calls; returns (needs follow-up, last agent message)."""
        sess = self.state
        sess.record_turn_context(self.settings)
        request_began(sess)
        prompt = self._prompt()
        self.pending_items = []
        self.running = []
        last_message: str | None = None
        emit = self.emit
        deltas = self.stream_deltas

        client = sess.client_for(self.settings.model)
        sess.write_through_recorder()  # what this request carries is on disk before it leaves
        # MCP servers start once the model answers: the request has left by then, so starting
        # them (seconds of CPU for the `mcp` SDK) never delays it (codex.mcp_client.manager).
        mcp = self.tool_ctx.mcp
        telemetry = sess.telemetry
        request = None
        if telemetry is not None:  # a span per model request (`[otel]`)
            request = telemetry.request_started(self.sub_id, self.settings.model)
        usage = None
        try:
            async for batch in event_batches(client, prompt):
                if mcp is not None:
                    mcp.model_answered()
                    mcp = None
                for event in batch:
                    if isinstance(event, OutputTextDelta):
                        if deltas:
                            emit(AgentMessageDelta(event.delta))
                    elif isinstance(event, OutputItemDone):
                        text = self._on_item_done(event.item)
                        if text is not None:
                            last_message = text
                    elif isinstance(event, ReasoningSummaryDelta):
                        if deltas:
                            emit(AgentReasoningDelta(event.delta))
                    elif isinstance(event, ReasoningTextDelta):
                        if deltas:
                            emit(AgentReasoningRawContentDelta(event.delta))
                    elif isinstance(event, ReasoningSummaryPartAdded):
                        if deltas:
                            emit(AgentReasoningSectionBreak(summary_index=event.summary_index))
                    elif isinstance(event, Completed):
                        sess.add_usage(self.sub_id, event.usage)
                        usage = event.usage
                    elif isinstance(event, RateLimits):
                        sess.rate_limits = event.snapshot
                    elif isinstance(event, Retrying):
                        if event.scope == "stream":
                            # The retried request starts over: drop what the failed attempt made
                            # (its calls are on record already: they keep an `aborted` answer).
                            await self._abandon_calls(keep_partial=False)
                            self.pending_items = []
                            last_message = None
                            emit(StreamError(event.message))
                    elif isinstance(event, OutputItemAdded):
                        if isinstance(event.item, WebSearchCall):
                            emit(WebSearchBegin(event.item.id or ""))
                    elif isinstance(event, Incomplete):
                        emit(ErrorEvent(f"model response incomplete: {event.reason}"))
            if request is not None:
                telemetry.request_finished(request, usage)
                request = None
            outputs = await self._collect_outputs()
        except BaseException as exc:
            if request is not None:
                telemetry.request_finished(request, usage, str(exc) or type(exc).__name__)
            await self._abandon_calls()
            raise
        sess.record_items(self.pending_items)
        sess.record_items(outputs)
        self._emit_turn_diff()
        self.pending_items = []
        return bool(outputs) or bool(self.tool_ctx.pending_input), last_message

    def _on_item_done(self, item: ResponseItem) -> str | None:
        self.pending_items.append(item)
        call = tool_call_from_item(item)
        if call is not None:
            # Write-ahead (as 0.169): the call and the items before it are recorded and on disk
            # before the tool runs, so a crash while it runs resumes with the call (answered
            # `aborted` by history.for_prompt) instead of forgetting the model made it.
            self.state.record_items(self.pending_items)
            self.pending_items = []
            self.state.write_through_recorder()
            self.running.append(_Running(call, asyncio.ensure_future(self._run_tool(call))))
            return None
        if isinstance(item, Message) and item.role == "assistant":
            text = item.text()
            self.emit(AgentMessage(text))
            return text
        if isinstance(item, Reasoning):
            for part in item.summary:
                summary = getattr(part, "text", None)
                if summary:
                    self.emit(AgentReasoning(summary))
        elif isinstance(item, WebSearchCall):
            self.emit(WebSearchEnd(item.id or "", item.query or "", item.action))
        return None

    async def _run_tool(self, call: ToolCall) -> ToolResult:
        lock = self.lock.shared() if is_parallel_safe(call) else self.lock.exclusive()
        async with lock:
            checkpoints = self.checkpoints
            try:
                if checkpoints is not None:  # undo: the tree before a call that may write
                    await checkpoints.before_tool(call.name, call.call_id)
                telemetry = self.state.telemetry
                if telemetry is None:
                    return await dispatch(self.tool_ctx, call)
                telemetry.tool_started(self.sub_id, call.name, call.call_id)
                result = await dispatch(self.tool_ctx, call)
                output = result.output if isinstance(result.output, str) else str(result.output)
                telemetry.tool_finished(
                    call.name, call.call_id, call.payload, output, result.success
                )
                return result
            finally:
                if checkpoints is not None:  # undo: the tree the call left, while the model reads
                    checkpoints.after_tool()

    async def _collect_outputs(self) -> list[ResponseItem]:
        outputs: list[ResponseItem] = []
        for running in self.running:
            result = await running.task
            self.repeats.observe(running.call, result)
            outputs.append(result.to_item(running.call))
            tool_done(self.state, running.call.name, self.tool_ctx.pending_input)
        return outputs

    async def _abandon_calls(self, *, keep_partial: bool = True) -> None:
        """Interrupted: cancel running tools (killing their processes) and answer every call.
        `keep_partial=False` drops the model's items not yet recorded (a retried stream)."""
        for running in self.running:
            running.task.cancel()
        outputs: list[ResponseItem] = []
        for running in self.running:
            result: ToolResult | None = None
            with contextlib.suppress(BaseException):
                result = await running.task
            if result is None:
                result = aborted_output(running.call, time.monotonic() - running.started)
            outputs.append(result.to_item(running.call))
        if keep_partial:
            self.state.record_items(self.pending_items)
        self.state.record_items(outputs)  # the calls themselves were recorded when they came
        self.pending_items = []
        self.running = []

    def _emit_turn_diff(self) -> None:
        announce_diff(self.tool_ctx.diff_tracker, self.emit)
