"""The session actor: one conversation, driven by Ops, reporting through Events.

Library API (what front ends and tests use)::

    from codex.core import Session
    from codex.protocol.ops import InputText, UserInput

    async with Session(config, originator="codex_exec") as s:
        sub_id = await s.submit(UserInput([InputText("hello")]))
        async for ev in s.events():          # Event(id, msg); session_configured comes first
            if ev.msg.TAG == "task_complete" and ev.id == sub_id:
                break

Constructor (keyword-only after `config`, a codex.config.Config):
  originator       the client name sent to the provider ("codex_exec", "codex_sdk_ts", ...),
                   already resolved by the front end (codex.protocol.originator); default:
                   resolve_originator(), the override or "codex_cli_rs"
  approval_policy  overrides config.approval_policy (exec passes "never")
  sandbox_policy   a codex.protocol.sandbox_policy.SandboxPolicy (its JSON dict or a mode name
                   is parsed once, here; default: codex.sandbox.policy.policy_from_config)
  recorder         a codex.core.recorder.Recorder (codex.rollout.RolloutRecorder); None for
                   --ephemeral
  initial_history  ResponseItems (or their dicts) to resume from; no initial context is added
                   except where codex.core.resume's marker stands (a local compaction)
  conversation_id  the thread id (default: a new uuid)
  rollout_path     reported in session_configured
  auth             credentials source for codex.client (default: codex.auth.AuthManager)
  model            a stand-in for codex.client.ModelClient (tests, replay)
  stream_deltas    False for a consumer that never shows streaming output (`codex exec`): no
                   delta events (message, reasoning, section break, command output) are built;
                   final events and the rollout are the same (deltas are never persisted)
  load_exec_rules  False: ignore `$CODEX_HOME/rules` (`codex exec --ignore-rules`)
  startup_warnings warnings shown right after session_configured (open_session's resume notes)
  skills           config.cwd's skills as open_session loaded them for this start (a
                   codex.core.skills.model.SkillsOutcome), so the initial context lists them
                   without loading them again; None: loaded when the context is built

Ops: `UserInput` / `UserTurn` (per-turn cwd, policies, model, effort, summary and
`final_output_json_schema`; images as `InputLocalImage(path)` / `InputImageUrl(url)`; input
sent while a turn runs joins that turn), `Interrupt`, `ExecApproval` / `PatchApproval`,
`OverrideTurnContext`, `Compact`, `Shutdown`. `submit(op)` returns the submission id and every
event answering it carries that id. `events()` yields until `shutdown_complete`; `next_event()`
takes one. `token_info` holds the running usage (exec seeds it when resuming).

Config-driven extras: hooks run around every tool call (codex.tools.hooks), each
`[custom_tools.<name>]` is the function tool `custom__<name>` (codex.tools.custom), `notify` runs
after each completed turn; a bad `[custom_tools]` table or hooks.json raises CodexError. A locally
compacted rollout resumes through codex.core.resume.load_rollout_for_resume's history.

Reading events, the front-door way (codex.core.open_session opens the session)::

    handle = await s.run_turn("hello")           # or a UserInput / UserTurn op
    async for ev in handle.events(): ...         # this turn's events, ending with its turn end
    handle.result                                # last message, usage, error (TurnResult)

`subscribe()` gives each extra reader (a second connection, a viewer tail) its own bounded copy
of the stream; who gets which event is codex.core.event_fanout's to decide. `settings` is a
read-only snapshot of what the next turn runs with (codex.core.turn_settings: how ops change
it); `set_collaboration_mode` changes the next turn's mode.

Turns and compaction see only the narrowed `codex.core.session_state.SessionState` (history,
recorder, usage, compaction state, model setup); this module is the actor around it.

Leaving the `async with` shuts down: the running turn is aborted, every command's process group
killed, the rollout flushed and closed. Never blocks the event loop on a child process.
"""

from __future__ import annotations

import asyncio
import contextlib
import uuid
import weakref
from collections.abc import AsyncIterator, Callable, Iterable
from typing import TYPE_CHECKING, Any

from codex.core.approvals import SessionApprovals
from codex.core.event_fanout import EventFanout
from codex.core.goals.turn import GoalContinue, start_goal_turn
from codex.core.mailbox import Mailbox
from codex.core.model import ModelStreamer, provider_for
from codex.core.modes import DEFAULT as DEFAULT_MODE
from codex.core.modes import normalize as normalize_mode
from codex.core.prompt import UserInstructions, user_shell_name
from codex.core.recorder import Recorder, start_file
from codex.core.session_rules import allow_prefix, load_rules
from codex.core.session_state import SessionState, ToolSupport
from codex.core.session_tooling import custom_tools, goal_runtime, mcp_manager, tool_hook
from codex.core.shell_env import build_env
from codex.core.subscribe import DEFAULT_MAXSIZE, Subscription
from codex.core.turn import TurnRunner, end_task
from codex.core.turn_handle import ApprovalCallback, SessionSettings, TurnHandle
from codex.core.turn_settings import TurnSettings, apply_overrides, initial_settings, snapshot
from codex.core.user_input import steered_message, user_message
from codex.protocol import ops
from codex.protocol.events import (
    ErrorEvent,
    Event,
    SessionConfigured,
    ShutdownComplete,
    TurnAborted,
    TurnAbortReason,
    WarningEvent,
)
from codex.protocol.items import ResponseItem, parse_item
from codex.protocol.originator import resolve_originator
from codex.protocol.sandbox_policy import SandboxPolicy
from codex.protocol.usage import TokenUsageInfo
from codex.protocol.uuid7 import uuid7
from codex.tools.runtime.context import ExecRules, TurnAbortedByUser
from codex.tools.runtime.unified_exec import UnifiedExecManager

if TYPE_CHECKING:
    from codex.auth import AuthManager
    from codex.config import Config
    from codex.core.history import ContextHistory
    from codex.core.skills.model import SkillsOutcome

# Re-exported: these lived here before codex.core.session_state.
from codex.core.session_state import DEFAULT_CONTEXT_WINDOW, EFFECTIVE_WINDOW_PERCENT

__all__ = ["DEFAULT_CONTEXT_WINDOW", "EFFECTIVE_WINDOW_PERCENT", "Session"]


def _weakly(session: weakref.ref[Session], name: str) -> Callable[..., Any]:
    """Its method `name`, for its parts to call without keeping it alive (nothing calls once it
    is gone: its turns and its actor run in its own coroutines, which hold it)."""

    def call(*args: Any) -> Any:
        live = session()
        return None if live is None else getattr(live, name)(*args)

    return call


class Session:
    """One conversation: submission queue in, event stream out (see the module docstring)."""

    def __init__(
        self,
        config: Config,
        *,
        originator: str | None = None,
        approval_policy: str | None = None,
        sandbox_policy: SandboxPolicy | dict[str, Any] | str | None = None,
        recorder: Recorder | None = None,
        initial_history: Iterable[ResponseItem | dict[str, Any]] | None = None,
        conversation_id: str | None = None,
        model: ModelStreamer | None = None,
        rollout_path: str | None = None,
        auth: AuthManager | None = None,
        stream_deltas: bool = True,
        load_exec_rules: bool = True,
        startup_warnings: Iterable[str] = (),
        user_instructions: UserInstructions | None = None,
        skills: SkillsOutcome | None = None,
    ) -> None:
        # Every value below depends only on the arguments and on values above it that are
        # computed from them alone; nothing is read back from a half-built session.
        self.config = config
        self.load_exec_rules = load_exec_rules
        self.stream_deltas = stream_deltas
        self.originator = resolve_originator() if originator is None else originator
        self.conversation_id = conversation_id or str(uuid.uuid4())
        self.recorder = recorder
        self.rollout_path = rollout_path or (
            str(getattr(recorder, "path", "")) if recorder is not None else None
        )
        self._settings = initial_settings(config, approval_policy, sandbox_policy)
        self._startup_warnings: list[str] = []
        self._fanout = EventFanout()
        self._submissions: Mailbox[ops.Submission] = Mailbox()
        self._task: asyncio.Task[None] | None = None
        self._task_sub: str | None = None
        self._queued_turn: str | None = None  # run_turn's submission the actor has not started
        self._turn_deltas: dict[str, bool] = {}  # run_turn's per-turn stream_deltas, by sub id
        self._actor: asyncio.Task[None] | None = None
        self._closed = False
        self._initial_history = list(initial_history) if initial_history is not None else None
        self._start_skills = skills  # for the initial context built by start(), then dropped
        # Its parts call back into it weakly: strong references made each session a cycle, kept
        # (history, rollout writer) until a full collection (~85 objects per one-turn thread).
        me = weakref.ref(self)
        emit = _weakly(me, "emit")
        self.approvals = SessionApprovals(
            _weakly(me, "_emit_in_task"), on_amendment=_weakly(me, "_allow_prefix")
        )
        self.approvals.user_input_default_mode = config.features.default_mode_request_user_input
        self.unified_exec = UnifiedExecManager()
        self.shell_path, self.shell_name = user_shell_name()
        self.env = build_env(config)
        self.exec_rules = ExecRules(load_rules(config, load_exec_rules, self._startup_warnings))
        self.state = SessionState(
            config,
            conversation_id=self.conversation_id,
            originator=self.originator,
            recorder=recorder,
            emit=emit,
            provider=provider_for(config) if model is None else None,
            auth=auth,
            model=model,
            stream_deltas=stream_deltas,
            tooling=ToolSupport(
                gate=self.approvals,
                unified_exec=self.unified_exec,
                env=self.env,
                shell_path=self.shell_path,
                shell_name=self.shell_name,
                rules=self.exec_rules,
                hook=tool_hook(
                    config, self.conversation_id, self.rollout_path, self._startup_warnings.append
                ),
                custom_tools=custom_tools(config),
                mcp=mcp_manager(config),
                goals=goal_runtime(config, self.conversation_id, emit),
            ),
            initial_model=self._settings.model,
            user_instructions=user_instructions,  # AGENTS.md, when setup already read it
        )
        # A goal turn is started by the actor, like any turn (codex.core.goals.turn).
        submissions = self._submissions
        self.state.tooling.goals.wake = lambda: submissions.put(
            ops.Submission(uuid7(), GoalContinue())  # type: ignore[arg-type]  # core's own op
        )
        # Shown right after session_configured, after the session's own (the rules') warnings.
        self._startup_warnings.extend(startup_warnings)
        if config.otel.exporter != "none" or config.otel.trace_exporter != "none":
            from codex.core.otel import telemetry_for  # imported only when something is exported

            self.state.telemetry = telemetry_for(
                config,
                conversation_id=self.conversation_id,
                originator=self.originator,
                model=self._settings.model,
            )

    # ---- what the state holds, for readers of the session ---------------------------------

    @property
    def history(self) -> ContextHistory:
        return self.state.history

    @property
    def token_info(self) -> TokenUsageInfo:
        return self.state.token_info

    @property
    def context_window(self) -> int:
        return self.state.context_window

    @property
    def exec_policy(self) -> Any:
        return self.exec_rules.policy

    def client_for(self, model: str) -> ModelStreamer:
        return self.state.client_for(model)

    # ---- public API ----------------------------------------------------------------------

    async def __aenter__(self) -> Session:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Record the initial context (or resumed history), emit session_configured, start."""
        if self._actor is not None:
            return
        state = self.state
        if self._initial_history is not None:
            from codex.core.history_env import seed_environment
            from codex.core.resume import has_initial_context_marker, splice_initial_context

            items = [parse_item(i) if isinstance(i, dict) else i for i in self._initial_history]
            if has_initial_context_marker(items):
                # A locally compacted rollout: the current initial context goes where it was.
                fresh = state.fresh_initial_context(self._settings, self._start_skills)
                items, state.initial_context_len = splice_initial_context(items, fresh)
            else:  # its next turn says so if the thread goes on in another directory
                seed_environment(state, self._turn_settings(), items)
            state.history.record(items)
            from codex.core.hook_events import resumed

            resumed(state)  # its SessionStart hooks say "resume"
        else:
            context = state.fresh_initial_context(self._settings, self._start_skills)
            state.initial_context_len = len(context)
            state.record_items(context)
        self.emit(
            "",
            SessionConfigured(
                session_id=self.conversation_id,
                model=self._settings.model,
                model_provider_id=self.config.model_provider,
                approval_policy=self._settings.approval_policy,
                sandbox_policy=self._settings.sandbox_policy.to_json_dict(),
                cwd=str(self._settings.cwd),
                rollout_path=self.rollout_path,
                reasoning_effort=self._settings.effort,
            ),
        )
        self._start_skills = None  # a later initial context (compaction) loads them afresh
        for warning in self._startup_warnings:
            self.emit("", WarningEvent(warning))
        self._actor = asyncio.ensure_future(self._run())

    async def submit(self, op: Any, *, sub_id: str | None = None) -> str:
        """Queue an Op (a codex.protocol.ops value or its JSON dict); returns its id. `sub_id`:
        the id to give it (the app-server names a turn before it starts), else a new one."""
        if isinstance(op, dict):
            op = ops.parse_op(op)
        # A UUIDv7 as 0.169 mints (`Uuid::now_v7`): a user turn's id is its submission's id, so
        # ids must stay unique when a resumed session appends to the same rollout, and sort by
        # time (a per-process counter restarted at "1" on every resume).
        sub_id = sub_id or uuid7()
        if isinstance(op, ops.UserInput | ops.UserTurn) and self._actor and not self._closed:
            # The new thread's rollout file is made from now, while the loop runs what else is
            # ready (other threads' submissions): begun when the actor starts the turn, it was
            # still being made when that stretch of code reached the turn's first flush. Only a
            # head start (no worker thread to be had, say): the turn's flush makes it anyway.
            with contextlib.suppress(Exception):
                start_file(self.recorder)
        self._submissions.put(ops.Submission(sub_id, op))
        return sub_id

    async def next_event(self) -> Event:
        """The next event (the classic single reader; see codex.core.event_fanout)."""
        return await self._fanout.next_event()

    def events(self) -> AsyncIterator[Event]:
        """Every event, in order, ending with shutdown_complete."""
        return self._fanout.events()

    def subscribe(self, maxsize: int | None = DEFAULT_MAXSIZE) -> Subscription:
        """A new reader of every event from now on (codex.core.subscribe; `maxsize=None`:
        unbounded, for a reader that keeps up). Close it (or read to shutdown) when done."""
        return self._fanout.subscribe(maxsize)

    @property
    def _subscribers(self) -> list[Subscription]:
        """The readers attached now (tests check that a finished reader let go)."""
        return self._fanout.subscribers

    @property
    def settings(self) -> SessionSettings:
        """A read-only snapshot of what the next turn runs with."""
        return snapshot(self._settings, self.state)

    @property
    def collaboration_mode(self) -> str:
        """The collaboration mode the next turn runs in (codex.core.modes)."""
        return self._settings.collaboration_mode

    def set_collaboration_mode(self, mode: str) -> None:
        """Run the next turns in `mode` (a codex.core.modes name, any case): what an
        OverrideTurnContext's `collaboration_mode` sets, but at once, not when the actor
        reaches the op. ValueError for a name that is no mode."""
        known = normalize_mode(mode)
        if known is None:
            raise ValueError(f"unknown collaboration mode: {mode!r}")
        self._settings.collaboration_mode = known

    def start_fork_in_default_mode(self) -> None:
        """This session is a fork just opened: it runs in Default mode whatever its source was
        in (0.169). The model last heard the source's mode (the copied history's announcement),
        so the fork's first turn announces Default if that differs."""
        self._settings.collaboration_mode = DEFAULT_MODE
        self.state.modes.start_fork(self.state.history)

    def tell_model(self, item: ResponseItem) -> None:
        """Context for the model from outside a turn's input (the user's goal change). No turn
        running: into the history and, at once, the rollout; the next request carries it. While
        a turn runs it is queued on its own: it joins the turn's next request after the outputs
        of the calls in flight (on record there), so it never lands between a call and its
        output; unlike steered input it never makes the turn ask the model again (0.169). Still
        queued when the turn ends: on record then."""
        if self._task is not None and not self._task.done():
            self.state.told.append(item)
            return
        self.state.record_items([item])
        self.state.write_through_recorder()

    async def run_turn(
        self,
        op: Any,
        *,
        on_approval: ApprovalCallback | None = None,
        stream_deltas: bool | None = None,
    ) -> TurnHandle:
        """Start a turn: `op` is a UserInput / UserTurn (or a plain string, sent as a
        UserInput with the current settings). Refused while a turn runs or is queued to start
        (input sent then joins the running turn: use `submit`). `on_approval` answers this
        turn's approval requests; `stream_deltas=False` makes this turn alone quiet (no delta
        events, no live command output), whatever the session's setting."""
        if isinstance(op, str):
            op = ops.UserInput([ops.InputText(op)])
        elif isinstance(op, dict):
            op = ops.parse_op(op)
        if not isinstance(op, ops.UserInput | ops.UserTurn):
            raise TypeError(f"run_turn takes user input, not {type(op).__name__}")
        # A turn submitted but not yet started by the actor counts as running: else a second
        # run_turn in that window queued input that joined the first turn as pending input,
        # and its handle waited for a turn end of its own that never came.
        if self._queued_turn is not None or (self._task is not None and not self._task.done()):
            raise RuntimeError("a turn is running: submit() joins input to it")
        subscription = self.subscribe()
        sub_id = uuid7()
        self._queued_turn = sub_id
        if stream_deltas is not None:
            self._turn_deltas[sub_id] = stream_deltas
        try:
            await self.submit(op, sub_id=sub_id)
        except BaseException:
            self._queued_turn = None
            self._turn_deltas.pop(sub_id, None)
            subscription.close()
            raise
        return TurnHandle(sub_id, subscription, self.submit, on_approval)

    async def close(self) -> None:
        """Shut down (idempotent): abort the turn, kill commands, flush and close the rollout."""
        if self._actor is None:
            return
        if not self._closed:
            await self.submit(ops.Shutdown())
        with contextlib.suppress(asyncio.CancelledError):
            await self._actor

    def emit(self, sub_id: str, msg: Any) -> None:
        """One event to every reader, and to the rollout if it is kept there."""
        self._fanout.publish(Event(sub_id, msg))
        self.state.record_event(msg)
        if self.state.telemetry is not None:
            self.state.telemetry.observe(msg)

    def _emit_in_task(self, msg: Any) -> None:
        """An event of the running turn (an approval request, or its answer)."""
        self.emit(self._task_sub or "", msg)

    def _allow_prefix(self, prefix: list[str]) -> None:
        """An `approved_execpolicy_amendment` (codex.core.session_rules)."""
        allow_prefix(
            self.config,
            self.load_exec_rules,
            self.exec_rules,
            prefix,
            lambda text: self._emit_in_task(WarningEvent(text)),
        )

    # ---- the actor -----------------------------------------------------------------------

    async def _run(self) -> None:
        while True:
            sub = await self._submissions.get()
            if isinstance(sub.op, ops.Shutdown):
                await self._shutdown(sub.id)
                return
            try:
                await self._handle(sub)
            except Exception as exc:  # one bad op must not stop the actor
                self.emit(
                    sub.id, ErrorEvent(f"failed to handle {getattr(sub.op, 'TAG', 'op')}: {exc}")
                )
            del sub  # not kept (with its input) while the actor waits for the next one

    async def _handle(self, sub: ops.Submission) -> None:
        op = sub.op
        if isinstance(op, ops.UserInput | ops.UserTurn):
            await self._on_user_input(sub.id, op)
        elif isinstance(op, ops.Interrupt):
            await self._abort(TurnAbortReason.INTERRUPTED)
        elif isinstance(op, ops.ExecApproval | ops.PatchApproval):
            self.approvals.resolve(op.id, op.decision)
        elif isinstance(op, ops.ResolveElicitation | ops.UserInputAnswer):  # answers to questions
            self.approvals.answer(op)
        elif isinstance(op, ops.OverrideTurnContext):
            apply_overrides(self._settings, op, self.state)
        elif isinstance(op, ops.Compact):
            self._on_compact(sub.id)
        elif isinstance(op, GoalContinue):
            busy = self._task is not None and not self._task.done()
            start_goal_turn(
                self.state, sub.id, busy=busy, settings=self._turn_settings, start=self._start
            )
        else:
            kind = getattr(op, "TAG", None) or getattr(op, "type", "unknown")
            self.emit(sub.id, ErrorEvent(f"unsupported operation: {kind}"))

    def _turn_settings(self, output_schema: dict[str, Any] | None = None) -> TurnSettings:
        return self._settings.for_turn(output_schema)

    async def _on_user_input(self, sub_id: str, op: Any) -> None:
        if self._queued_turn == sub_id:
            self._queued_turn = None
        deltas = self._turn_deltas.pop(sub_id, None) if self._turn_deltas else None
        message, text, images = user_message(op.items)
        if self._task is not None and not self._task.done():
            self.state.add_pending_input(message)  # joins the running task's next request
            from codex.core.hook_events import steered as hook_steered

            hook_steered(self.state, message, text)  # its UserPromptSubmit, as the turn takes it
            if steered := steered_message(op.items, text, images):  # its item, as 0.169's
                self.emit(self._task_sub or sub_id, steered)
            return
        if isinstance(op, ops.UserTurn):
            apply_overrides(self._settings, op, self.state)
        settings = self._turn_settings(getattr(op, "final_output_json_schema", None))
        items = self.state.turn_items(settings, message, op.items)
        runner = TurnRunner(self.state, sub_id, settings, deltas)
        self._start(sub_id, runner.run(items, text, images))

    def _on_compact(self, sub_id: str) -> None:
        if self._task is not None and not self._task.done():
            self.emit(sub_id, ErrorEvent("cannot compact while a task is running"))
            return
        settings = self._turn_settings()
        settings.effort = settings.summary = None  # the compact task's request carries neither
        runner = TurnRunner(self.state, sub_id, settings)
        self._start(sub_id, runner.run_compact())

    def _start(self, sub_id: str, work: Any) -> None:
        self._task_sub = sub_id
        self._task = asyncio.ensure_future(self._run_task(sub_id, work))

    async def _run_task(self, sub_id: str, work: Any) -> None:
        try:
            await work
        except TurnAbortedByUser:
            await self.unified_exec.terminate_all()
            self.emit(sub_id, TurnAborted(TurnAbortReason.INTERRUPTED, sub_id))
            self.state.flush_recorder()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never let a bug kill the actor silently
            error = f"internal error: {type(exc).__name__}: {exc}"
            end_task(self.state, sub_id, error=error)
        finally:
            self._record_told()
        self.state.tooling.goals.idle()  # an active goal goes on (when the front end wants it)

    def _record_told(self) -> None:
        """What tell_model queued that the ended task's requests never took (told after its
        last request, or the task was a compaction or was aborted): on record now."""
        told, self.state.told = self.state.told, []
        if told:
            self.state.record_items(told)
            self.state.write_through_recorder()

    async def _abort(self, reason: TurnAbortReason) -> None:
        task = self._task
        if task is None or task.done():
            return
        sub_id = self._task_sub or ""
        self.approvals.cancel_all()
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
        await self.unified_exec.terminate_all()
        if reason == TurnAbortReason.INTERRUPTED and not self._closed:
            from codex.core.hook_events import interrupted

            await interrupted(self.state, sub_id)  # Interrupt hooks, before the abort is told
        self.emit(sub_id, TurnAborted(reason, sub_id))
        self.state.flush_recorder()

    async def _shutdown(self, sub_id: str) -> None:
        self._closed = True
        await self._abort(TurnAbortReason.INTERRUPTED)
        await self.unified_exec.terminate_all()
        with contextlib.suppress(Exception):
            from codex.core.hook_events import session_end

            await session_end(self.state)  # SessionEnd hooks, before anything closes
        with contextlib.suppress(Exception):
            await self.state.close_tool_providers()
        if self.recorder is not None:
            with contextlib.suppress(Exception):
                self.recorder.flush()
            with contextlib.suppress(Exception):
                # The rollout's final fsync in a worker (RolloutRecorder.aclose): a thread that
                # ends must not stall the loop every other thread runs on.
                aclose = getattr(self.recorder, "aclose", None)
                if aclose is not None:
                    await aclose()
                else:
                    self.recorder.close()
        if self.state.telemetry is not None:
            self.state.telemetry.close()
        self.emit(sub_id, ShutdownComplete())
