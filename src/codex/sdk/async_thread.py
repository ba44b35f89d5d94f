"""`AsyncThread` and `AsyncTurnHandle`: one conversation of an `AsyncCodex` (one core Session in
this process) and one running turn of it, with the official SDK's methods. A turn's core events
are translated to the official notifications as they arrive (codex.sdk.notifications).
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import AsyncGenerator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.sdk.notifications import TurnTranslator, input_content
from codex.sdk.overrides import turn_tier
from codex.sdk.types import (
    ApprovalMode,
    ExternalMessage,
    ImageInput,
    Input,
    JsonObject,
    LocalImageInput,
    MentionInput,
    Notification,
    RunInput,
    Sandbox,
    SkillInput,
    TextInput,
    TurnResult,
)

if TYPE_CHECKING:
    from codex.api import Session
    from codex.sdk.async_api import AsyncCodex
    from codex.sdk.responses import (
        ThreadCompactStartResponse,
        ThreadReadResponse,
        ThreadRollbackResponse,
        ThreadSetNameResponse,
        TurnInterruptResponse,
        TurnSteerResponse,
    )
    from codex.sdk.sessions import SessionSlot

__all__ = ["AsyncThread", "AsyncTurnHandle"]


def _core_items(input: Input | str) -> list[Any]:
    if type(input) is str:  # the common case: one text, no import machinery per turn
        return [_ops().InputText(input)]
    from codex.api import InputImageUrl, InputLocalImage, InputText

    items = input if isinstance(input, list) else [input]
    out: list[Any] = []
    for item in items:
        if isinstance(item, str):
            out.append(InputText(item))
        elif isinstance(item, TextInput):
            out.append(InputText(item.text))
        elif isinstance(item, ImageInput):
            out.append(InputImageUrl(item.url))
        elif isinstance(item, LocalImageInput):
            out.append(InputLocalImage(item.path))
        elif isinstance(item, SkillInput):  # core hands the skill's SKILL.md to the model
            out.append(_ops().InputSkill(item.name, item.path))
        elif isinstance(item, MentionInput):
            # Core takes mentions as text naming the file.
            out.append(InputText(f"[{item.name}]({item.path})"))
        else:
            raise TypeError(f"unsupported input item: {type(item)!r}")
    return out


_OPS: Any = None


def _ops() -> Any:
    """codex.protocol.ops, imported on the first turn (not when `codex.sdk` is imported)."""
    global _OPS
    if _OPS is None:
        from codex.protocol import ops

        _OPS = ops
    return _OPS


def _run_items(input: RunInput) -> list[Any]:
    if isinstance(input, ExternalMessage):
        if not isinstance(input.tool_name, str) or not input.tool_name.strip():
            raise ValueError("ExternalMessage.tool_name must be a nonempty string")
        content = input.content if isinstance(input.content, str) else json.dumps(input.content)
        from codex.api import InputText

        return [InputText(f"<external tool={input.tool_name!r}>\n{content}\n</external>")]
    return _core_items(input)


class AsyncThread:
    """One conversation (one core Session) of an `AsyncCodex`."""

    def __init__(self, codex: AsyncCodex, slot: SessionSlot) -> None:
        self._codex = codex
        self._slot = slot  # its open core session (codex.sdk.sessions)
        self.id: str = slot.session.conversation_id
        self._ephemeral = slot.ephemeral
        self._forked_from: str | None = None
        self._created_at = slot.created_at
        self._running = False  # a turn of this thread has started and not ended (read().status)

    @property
    def _session(self) -> Session:
        return self._slot.session

    async def run(
        self,
        input: RunInput,
        *,
        approval_mode: ApprovalMode | None = None,
        cwd: str | None = None,
        effort: str | None = None,
        model: str | None = None,
        output_schema: JsonObject | None = None,
        personality: Any = None,
        sandbox: Sandbox | None = None,
        service_tier: str | None = None,
        source: str | None = None,
        summary: str | None = None,
        turn_service_tier: str | None = None,
    ) -> TurnResult:
        """Run one turn to its end and collect its result (a failed turn raises RuntimeError
        with the error, as the official `run`); the options are `turn()`'s.

        Nobody sees this turn's streaming output, so core is told not to build it (no delta
        event per token, no live command output): the result is made of the completed items,
        which are the same either way, and deltas are never recorded in the rollout.

        The quiet choice is this turn's own (passed with its submission to core): flipping
        the session's setting instead made a turn another caller streamed on the same thread
        lose its deltas when it started inside run()'s window."""
        handle = await self._start(
            input,
            False,
            approval_mode=approval_mode,
            cwd=cwd,
            effort=effort,
            model=model,
            output_schema=output_schema,
            sandbox=sandbox,
            service_tier=service_tier,
            summary=summary,
        )
        return await handle.run()

    async def turn(
        self,
        input: RunInput,
        *,
        approval_mode: ApprovalMode | None = None,
        cwd: str | None = None,
        effort: str | None = None,
        model: str | None = None,
        output_schema: JsonObject | None = None,
        personality: Any = None,
        sandbox: Sandbox | None = None,
        service_tier: str | None = None,
        source: str | None = None,
        summary: str | None = None,
        turn_service_tier: str | None = None,
    ) -> AsyncTurnHandle:
        """Start a turn and return its handle (read `stream()` or `run()`)."""
        return await self._start(
            input,
            None,
            approval_mode=approval_mode,
            cwd=cwd,
            effort=effort,
            model=model,
            output_schema=output_schema,
            sandbox=sandbox,
            service_tier=service_tier,
            summary=summary,
        )

    async def _start(
        self,
        input: RunInput,
        stream_deltas: bool | None,
        *,
        approval_mode: ApprovalMode | None,
        cwd: str | None,
        effort: str | None,
        model: str | None,
        output_schema: JsonObject | None,
        sandbox: Sandbox | None,
        service_tier: str | None,
        summary: str | None,
    ) -> AsyncTurnHandle:
        """Start a turn (`stream_deltas`: False for a turn nobody streams, None: the
        session's setting)."""
        items = _run_items(input)
        if (
            approval_mode is None
            and cwd is None
            and effort is None
            and model is None
            and output_schema is None
            and sandbox is None
            and service_tier is None
            and summary is None
        ):
            op: Any = _ops().UserInput(items)
        else:
            op = self._user_turn(
                items, approval_mode, cwd, effort, model, output_schema, sandbox, summary
            )
            if service_tier is not None:  # this and later turns' tier, as turn/start's
                op = dataclasses.replace(op, service_tier=turn_tier(service_tier, op.model))
        translator: list[TurnTranslator] = []
        # The callback must not hold this thread: the core turn outlives a dropped thread
        # (its session is closed only after the turn ends, codex.sdk.sessions).
        codex, thread_id = self._codex, self.id

        async def on_approval(request: Any) -> Any:  # a decision, or a question's answers
            turn_id = translator[0].turn_id if translator else ""
            return await codex._approve(thread_id, turn_id, request)

        slot = self._slot
        if stream_deltas is None:
            core_handle = await slot.session.run_turn(op, on_approval=on_approval)
        else:
            core_handle = await slot.session.run_turn(
                op, on_approval=on_approval, stream_deltas=stream_deltas
            )
        previous, slot.turn = slot.turn, core_handle
        if previous is not None and previous.result is None:
            # Its reader went away before the turn end (a cancelled run()); core started this
            # turn, so that one is over: stop its subscription copying every event from now.
            previous.close()
        self._running = True
        handle = AsyncTurnHandle(self, core_handle)
        content = input_content(input)  # echoed in the turn's userMessage item
        if content is not None:
            handle._translator.inputs.append(content)
        translator.append(handle._translator)
        return handle

    def _user_turn(
        self,
        items: list[Any],
        approval_mode: ApprovalMode | None,
        cwd: str | None,
        effort: str | None,
        model: str | None,
        output_schema: JsonObject | None,
        sandbox: Sandbox | None,
        summary: str | None,
    ) -> Any:
        from codex.api import UserTurn
        from codex.protocol.sandbox_policy import SandboxPolicy

        s = self._session.settings
        policy = s.sandbox_policy
        if sandbox is not None:
            policy = {
                Sandbox.read_only: SandboxPolicy.read_only,
                Sandbox.workspace_write: SandboxPolicy.workspace_write,
                Sandbox.full_access: SandboxPolicy.danger_full_access,
            }[Sandbox(sandbox)]()
        return UserTurn(
            items=items,
            cwd=cwd or str(s.cwd),
            approval_policy=(
                ApprovalMode(approval_mode).approval_policy if approval_mode else s.approval_policy
            ),
            sandbox_policy=policy,
            model=model or s.model,
            effort=effort if effort is not None else s.effort,
            summary=summary or s.summary,
            final_output_json_schema=output_schema,
        )

    async def read(self, *, include_turns: bool = False) -> ThreadReadResponse:
        """This thread as the official `thread/read` shows it: id, cwd, model, name, status,
        and its recorded turns when `include_turns`."""
        info = await self._codex._thread_info(self.id, include_turns=include_turns, live=self)
        from codex.sdk.responses import ThreadReadResponse

        return ThreadReadResponse(info)

    async def set_name(self, name: str) -> ThreadSetNameResponse:
        """Name the thread (kept in CODEX_HOME/session_index.jsonl, as the official CLI does)."""
        await self._codex._set_name(self.id, name)
        from codex.sdk.responses import ThreadSetNameResponse

        return ThreadSetNameResponse()

    async def compact(self) -> ThreadCompactStartResponse:
        """Compact the history (a summary replaces it for the next turns). Returns once the
        compaction ended, so the next `run()` finds the thread idle (in process there is no
        server to queue the next turn behind it)."""
        from codex.api import Compact, is_turn_end

        subscription = self._session.subscribe()
        try:
            sub_id = await self._session.submit(Compact())
            async for event in subscription:
                if event.id == sub_id and is_turn_end(event):
                    break
        finally:
            subscription.close()
        from codex.sdk.responses import ThreadCompactStartResponse

        return ThreadCompactStartResponse()

    async def rollback(
        self, num_turns: int, *, restore_files: bool = False, force: bool = False
    ) -> ThreadRollbackResponse:
        """Drop the last `num_turns` turns, as the app-server's `thread/rollback` (`numTurns`,
        `restoreFiles`, `force`) does, with the same core code (codex.core.rollback): the
        next turn's request no longer holds them, and a resume (ours or the official CLI's)
        sees the short history. With `restore_files`, the work tree goes back to the checkpoint
        taken before the first dropped turn; files changed by hand since are never overwritten
        unless `force` (InvalidRequestError, their list in `.data["conflicts"]`). The session is
        closed and opened again from the same rollout; this object stays the thread."""
        from codex.core import rollback as core_rollback
        from codex.sdk.errors import InvalidRequestError, invalid_request

        if self._running:
            raise invalid_request("cannot roll back while a turn is running")
        path_text = self._session.rollout_path
        if self._ephemeral or not path_text:
            raise invalid_request("an ephemeral thread has no history to roll back")
        path = Path(path_text)
        home = Path(self._session.config.codex_home)
        try:
            plan = await asyncio.to_thread(core_rollback.plan, path, num_turns)
            restored = None
            if restore_files:
                restored = await asyncio.to_thread(
                    core_rollback.restore_files, home, plan.dropped, force
                )
        except core_rollback.RollbackError as exc:
            data = {"conflicts": exc.conflicts} if exc.conflicts else None
            raise InvalidRequestError(-32600, str(exc), data) from None
        config = self._session.config
        await self._slot.close()  # the rollout flushed, fsynced and closed
        await asyncio.to_thread(core_rollback.record, path, self.id, plan)
        self._slot = await self._codex._open_slot(config, resume=path)
        self._slot.created_at = self._created_at
        self._codex._pool.replace(self.id, self._slot)
        from codex.sdk.responses import ThreadRollbackResponse

        info = await self._codex._thread_info(self.id, include_turns=True, live=self)
        return ThreadRollbackResponse(info, restored)


class AsyncTurnHandle:
    """A running turn: `stream()` yields its notifications, `run()` collects its result,
    `interrupt()` stops it, `steer(input)` adds input to it."""

    def __init__(self, thread: AsyncThread, core_handle: Any) -> None:
        self._thread = thread
        self._core = core_handle
        self.thread_id = thread.id
        self.id: str = core_handle.sub_id
        self._translator = TurnTranslator(thread.id, self.id)

    async def stream(self) -> AsyncGenerator[Notification, None]:
        """This turn's notifications, ending with `turn/completed`."""
        translator = self._translator
        if translator.completed is not None:
            return
        events = self._core.events()
        async for event in events:
            msg = event.msg
            notes = translator.feed(msg if isinstance(msg, dict) else _wire(msg))
            if translator.completed is not None:
                self._thread._running = False
                # Core's reader ends right after the turn end, and must reach its end to
                # unsubscribe from the session (else every later event of the thread is still
                # copied to this turn's queue): let it, before a caller who stops reading at
                # `turn/completed` gets the chance to leave this generator suspended.
                async for _ in events:
                    pass
            for note in notes:
                yield note
        self._thread._running = False
        for note in translator.end_without_event():
            yield note

    async def run(self) -> TurnResult:
        """The turn's result, read straight from core's events: the same state `stream()`
        builds (items, usage, error, the end), without the notifications nobody reads."""
        translator = self._translator
        if translator.completed is None:
            collect = translator.collect
            await self._core.read(lambda event: collect(event.msg))
            self._thread._running = False
            translator.end_without_event()
        return translator.result()

    async def interrupt(self) -> TurnInterruptResponse:
        """Stop the turn; its stream ends with `turn/completed` status `interrupted`."""
        from codex.api import Interrupt

        await self._thread._session.submit(Interrupt())
        from codex.sdk.responses import TurnInterruptResponse

        return TurnInterruptResponse()

    async def steer(self, input: Input | str) -> TurnSteerResponse:
        """Add input to the running turn (the model sees it at its next request)."""
        from codex.api import UserInput

        items = _core_items(input)
        content = input_content(input)
        if content is not None:  # echoed in the steered input's userMessage item
            self._translator.inputs.append(content)
        await self._thread._session.submit(UserInput(items))
        from codex.sdk.responses import TurnSteerResponse

        return TurnSteerResponse(self.id)


def _wire(msg: Any) -> dict[str, Any]:
    """An EventMsg as its wire dict (tagged by type). Only the kinds the translator maps are
    serialized; any other is passed as its bare tag (it yields nothing either way)."""
    tag = getattr(msg, "TAG", None)
    if tag not in _MAPPED:
        return {"type": tag}
    data: dict[str, Any] = msg.to_dict()
    return data


# The event kinds TurnTranslator has a handler for (`_on_<kind>`).
_MAPPED = frozenset(name[4:] for name in dir(TurnTranslator) if name.startswith("_on_"))
