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
  sandbox_policy   a codex.protocol.sandbox_policy.SandboxPolicy or its JSON dict
                   (default: derived from config, codex.sandbox.policy.policy_from_config)
  recorder         rollout hook: record_response_item(dict), record_event(dict),
                   record_turn_context(dict), turn_end()/flush() at each turn end, close();
                   None for --ephemeral
  initial_history  ResponseItems (or their dicts) to resume from; no initial context is added
                   except where codex.core.resume's marker stands (a local compaction)
  conversation_id  the thread id (default: a new uuid)
  rollout_path     reported in session_configured
  auth             credentials source for codex.client (default: codex.auth.AuthManager)
  model            a stand-in for codex.client.ModelClient (tests, replay)
  stream_deltas    False for a consumer that never shows streaming output (`codex exec`): no
                   agent_message_delta / agent_reasoning_delta / raw-content delta / section
                   break / exec_command_output_delta events are built or queued. The final
                   agent_message, agent_reasoning, exec_command_end etc. and the rollout are
                   unchanged (deltas are never persisted, codex.rollout.policy)

Ops: `UserInput` / `UserTurn` (per-turn cwd, policies, model, effort, summary and
`final_output_json_schema`; images as `InputLocalImage(path)` / `InputImageUrl(url)`; input
sent while a turn runs joins that turn), `Interrupt`, `ExecApproval` / `PatchApproval`,
`OverrideTurnContext`, `Compact`, `Shutdown`. `submit(op)` returns the submission id and every
event answering it carries that id. `events()` yields until `shutdown_complete`; `next_event()`
takes one. `token_info` holds the running usage (exec seeds it when resuming).

Config-driven extras (codex.tools.hooks, codex.tools.custom, codex.core.notify): the
`tool_hook_command` and `$CODEX_HOME/hooks.json` hooks run around every tool call, each
`[custom_tools.<name>]` is offered as the function tool `custom__<name>`, and `notify` runs after
each completed turn. A bad `[custom_tools]` table or hooks.json makes the constructor raise
CodexError. Resuming a locally compacted rollout: load it with
codex.core.resume.load_rollout_for_resume and pass its history as `initial_history`.

Reading events, the front-door way (codex.core.open_session opens the session)::

    handle = await s.run_turn("hello")           # or a UserInput / UserTurn op
    async for ev in handle.events(): ...         # this turn's events, ending with its turn end
    handle.result                                # last message, usage, error (TurnResult)

`subscribe()` gives each extra reader (a second connection, a viewer tail) its own bounded copy
of the stream (codex.core.subscribe: a reader that falls behind gets an `EventsDropped` marker,
never a turn end lost). The classic single-reader queue behind `next_event()` / `events()` is
unbounded; a session whose first reader is `subscribe()` / `run_turn()` (none called
`next_event()` before) turns it off, so an unread queue never grows. `settings` is a read-only
snapshot of what the next turn runs with.

Leaving the `async with` shuts down: the running turn is aborted, every command's process group
killed, the rollout flushed and closed. Never blocks the event loop on a child process.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import uuid
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from codex.core.approvals import SessionApprovals
from codex.core.history import ContextHistory
from codex.core.model import ModelStreamer, open_model, provider_for
from codex.core.prompt import (
    BASE_INSTRUCTIONS,
    EnvironmentContext,
    initial_context,
    today,
    user_instructions,
    user_shell_name,
)
from codex.core.subscribe import DEFAULT_MAXSIZE, Subscription
from codex.core.turn import TurnRunner, TurnSettings
from codex.core.turn_handle import ApprovalCallback, SessionSettings, TurnHandle
from codex.protocol import ops
from codex.protocol.events import (
    ErrorEvent,
    Event,
    ExecCommandOutputDelta,
    SessionConfigured,
    ShutdownComplete,
    TokenCount,
    TurnAborted,
    TurnAbortReason,
    TurnDiff,
    WarningEvent,
)
from codex.protocol.items import InputImage, InputText, Message, ResponseItem, parse_item
from codex.protocol.originator import resolve_originator
from codex.protocol.usage import TokenUsage, TokenUsageInfo
from codex.tools.runtime.context import ToolContext, TurnAbortedByUser
from codex.tools.runtime.unified_exec import UnifiedExecManager

DEFAULT_CONTEXT_WINDOW = 272_000
EFFECTIVE_WINDOW_PERCENT = 95


def _sandbox_policy_from_config(config: Any) -> Any:
    from codex.sandbox.policy import policy_from_config

    return policy_from_config(config)


def _policy_json(policy: Any) -> dict[str, Any]:
    from codex.tools.runtime.sandboxing import policy_dict

    return policy_dict(policy)


def _has_rule_files(codex_home: Path) -> bool:
    """Whether `$CODEX_HOME/rules` may hold `*.rules` files: without any, the rules parser
    (codex.sandbox.execpolicy) is never imported. Anything but a missing folder is left to it."""
    try:
        with os.scandir(Path(codex_home) / "rules") as entries:
            return any(entry.name.endswith(".rules") for entry in entries)
    except FileNotFoundError:
        return False
    except OSError:
        return True


def _build_env(config: Any) -> dict[str, str]:
    """The child environment from `shell_environment_policy` (inherit all/core/none + set)."""
    policy = getattr(config, "shell_environment_policy", None)
    inherit = str(getattr(policy, "inherit", "all")) if policy is not None else "all"
    if inherit == "none":
        env: dict[str, str] = {}
    elif inherit == "core":
        keep = ("HOME", "LOGNAME", "PATH", "SHELL", "USER", "USERNAME", "TMPDIR", "TEMP", "TMP")
        env = {k: v for k, v in os.environ.items() if k in keep}
    else:
        env = dict(os.environ)
    if policy is not None:
        if not getattr(policy, "ignore_default_excludes", False):
            for key in list(env):
                upper = key.upper()
                if any(word in upper for word in ("KEY", "SECRET", "TOKEN")):
                    del env[key]
        import fnmatch

        for pattern in getattr(policy, "exclude", []) or []:
            for key in [k for k in env if fnmatch.fnmatch(k, pattern)]:
                del env[key]
        env.update(getattr(policy, "set", {}) or {})
        include = getattr(policy, "include_only", []) or []
        if include:
            env = {k: v for k, v in env.items() if any(fnmatch.fnmatch(k, p) for p in include)}
    env.setdefault("PATH", os.defpath)
    return env


class Session:
    """One conversation: submission queue in, event stream out (see the module docstring)."""

    def __init__(
        self,
        config: Any,
        *,
        originator: str | None = None,
        approval_policy: str | None = None,
        sandbox_policy: Any = None,
        recorder: Any = None,
        initial_history: Iterable[ResponseItem | dict[str, Any]] | None = None,
        conversation_id: str | None = None,
        model: ModelStreamer | None = None,
        rollout_path: str | None = None,
        auth: Any = None,
        stream_deltas: bool = True,
        load_exec_rules: bool = True,
    ) -> None:
        self.config = config
        self.load_exec_rules = load_exec_rules
        self.stream_deltas = stream_deltas
        self.originator = resolve_originator() if originator is None else originator
        self.conversation_id = conversation_id or str(uuid.uuid4())
        self.recorder = recorder
        self.rollout_path = rollout_path or (
            str(getattr(recorder, "path", "")) if recorder is not None else None
        )
        self._settings = TurnSettings(
            cwd=Path(config.cwd),
            approval_policy=str(approval_policy or config.approval_policy),
            sandbox_policy=sandbox_policy
            if sandbox_policy is not None
            else _sandbox_policy_from_config(config),
            model=config.model,
            effort=str(config.model_reasoning_effort) if config.model_reasoning_effort else None,
            summary=None,
        )
        self._provider = provider_for(config) if model is None else None
        self._auth = auth
        self._clients: dict[str, ModelStreamer] = {}
        if model is not None:
            self._clients[model.model] = model
        from codex.tools.hooks import hook_from_config

        self.custom_tools: dict[str, Any] = {}
        if getattr(config, "custom_tools", None):  # lazy: codex.tools.custom only when used
            from codex.tools.custom import load_custom_tools

            self.custom_tools = load_custom_tools(config)  # CodexError for a bad [custom_tools.*]
        self.tool_hook = hook_from_config(
            config,
            session_id=self.conversation_id,
            transcript_path=self.rollout_path,
            cwd=str(config.cwd),
        )
        self._configure_model(self._settings.model)
        self.parallel_tool_calls = False
        self.base_instructions = config.instructions or BASE_INSTRUCTIONS
        self.verbosity = str(config.model_verbosity) if config.model_verbosity else None
        self.history = ContextHistory(self.truncation)
        self.context_window = (
            (config.model_context_window or DEFAULT_CONTEXT_WINDOW)
            * EFFECTIVE_WINDOW_PERCENT
            // 100
        )
        self.token_info = TokenUsageInfo(model_context_window=self.context_window)
        self.rate_limits: Any = None
        self.unified_exec = UnifiedExecManager()
        self.shell_path, self.shell_name = user_shell_name()
        self.env = _build_env(config)
        self._events: asyncio.Queue[Event] | None = asyncio.Queue()  # None: turned off
        self._classic_read = False  # next_event() / events() was called
        self._subscribers: list[Subscription] = []
        self._submissions: asyncio.Queue[ops.Submission] = asyncio.Queue()
        self._ids = itertools.count(1)
        self._pending_input: list[ResponseItem] = []
        self._task: asyncio.Task[None] | None = None
        self._task_sub: str | None = None
        self._actor: asyncio.Task[None] | None = None
        self._closed = False
        self._environment: EnvironmentContext | None = None
        self.approvals = SessionApprovals(
            lambda msg: self.emit(self._task_sub or "", msg), on_amendment=self._allow_prefix
        )
        self._initial_history = list(initial_history) if initial_history is not None else None
        self._startup_warnings: list[str] = []
        self.initial_context_len = 0
        # The manual compact's guard: it runs only when something besides the model's own
        # output (user input, tool outputs) was recorded since the last one.
        self.new_content_since_compaction = True
        self._runner: TurnRunner | None = None
        self.exec_policy = self._load_exec_policy()

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
        if self._initial_history is not None:
            from codex.core.resume import has_initial_context_marker, splice_initial_context

            items = [parse_item(i) if isinstance(i, dict) else i for i in self._initial_history]
            if has_initial_context_marker(items):
                # A locally compacted rollout: the current initial context goes where it was.
                fresh = self.fresh_initial_context(self._settings)
                items, self.initial_context_len = splice_initial_context(items, fresh)
            self.history.record(items)
        else:
            context = self.fresh_initial_context(self._settings)
            self.initial_context_len = len(context)
            self.record_items(context)
        self.emit(
            "",
            SessionConfigured(
                session_id=self.conversation_id,
                model=self._settings.model,
                model_provider_id=self.config.model_provider,
                approval_policy=self._settings.approval_policy,
                sandbox_policy=_policy_json(self._settings.sandbox_policy),
                cwd=str(self._settings.cwd),
                rollout_path=self.rollout_path,
                reasoning_effort=self._settings.effort,
            ),
        )
        for warning in self._startup_warnings:
            self.emit("", WarningEvent(warning))
        self._actor = asyncio.ensure_future(self._run())

    async def submit(self, op: Any) -> str:
        """Queue an Op (a codex.protocol.ops value or its JSON dict); returns its id."""
        if isinstance(op, dict):
            op = ops.parse_op(op)
        sub_id = str(next(self._ids))
        await self._submissions.put(ops.Submission(sub_id, op))
        return sub_id

    async def next_event(self) -> Event:
        self._classic_read = True
        return await self._classic().get()

    async def events(self) -> AsyncIterator[Event]:
        """Every event, in order, ending with shutdown_complete."""
        self._classic_read = True
        queue = self._classic()
        while True:
            event = await queue.get()
            yield event
            if type(event.msg) is ShutdownComplete:
                return

    def _classic(self) -> asyncio.Queue[Event]:
        if self._events is None:
            raise RuntimeError(
                "this session is read through subscribe()/run_turn(); next_event() is off"
            )
        return self._events

    def subscribe(self, maxsize: int | None = DEFAULT_MAXSIZE) -> Subscription:
        """A new reader of every event from now on (codex.core.subscribe; `maxsize=None`:
        unbounded, for a reader that keeps up). Close it (or read to shutdown) when done."""
        if not self._classic_read:
            self._events = None  # nobody reads the classic queue: stop filling it
        subscription = Subscription(maxsize, on_close=self._unsubscribe)
        self._subscribers.append(subscription)
        return subscription

    def _unsubscribe(self, subscription: Subscription) -> None:
        with contextlib.suppress(ValueError):
            self._subscribers.remove(subscription)

    @property
    def settings(self) -> SessionSettings:
        """A read-only snapshot of what the next turn runs with."""
        s = self._settings
        return SessionSettings(
            cwd=s.cwd,
            approval_policy=s.approval_policy,
            sandbox_policy=s.sandbox_policy,
            model=s.model,
            effort=s.effort,
            summary=s.summary or str(self.config.model_reasoning_summary),
        )

    async def run_turn(self, op: Any, *, on_approval: ApprovalCallback | None = None) -> TurnHandle:
        """Start a turn: `op` is a UserInput / UserTurn (or a plain string, sent as a
        UserInput with the current settings). Refused while a turn runs (input sent then joins
        the running turn: use `submit`). `on_approval` answers this turn's approval requests."""
        if isinstance(op, str):
            op = ops.UserInput([ops.InputText(op)])
        elif isinstance(op, dict):
            op = ops.parse_op(op)
        if not isinstance(op, ops.UserInput | ops.UserTurn):
            raise TypeError(f"run_turn takes user input, not {type(op).__name__}")
        if self._task is not None and not self._task.done():
            raise RuntimeError("a turn is running: submit() joins input to it")
        subscription = self.subscribe()
        sub_id = await self.submit(op)
        return TurnHandle(sub_id, subscription, self.submit, on_approval)

    async def close(self) -> None:
        """Shut down (idempotent): abort the turn, kill commands, flush and close the rollout."""
        if self._actor is None:
            return
        if not self._closed:
            await self.submit(ops.Shutdown())
        with contextlib.suppress(asyncio.CancelledError):
            await self._actor

    # ---- called by turns and tools -------------------------------------------------------

    def _configure_model(self, model: str) -> None:
        """Tools and output budget follow the model family (spec-core §2.1, §2.4)."""
        from codex.config.features import FEATURE_DEFAULTS
        from codex.tools.spec import ToolsConfig, build_tools, find_model_family

        features = self.config.features
        explicit = {
            name: value
            for name, value in features.as_dict().items()
            if isinstance(value, bool) and FEATURE_DEFAULTS.get(name, value) != value
        }
        wire = str(getattr(self._provider, "wire_api", "responses"))
        tools_config = ToolsConfig.for_model(model, wire_api=wire, features=explicit)
        self.tools = build_tools(
            tools_config, extra_tools=[tool.spec() for tool in self.custom_tools.values()]
        )
        self.freeform_apply_patch = any(
            t.get("type") == "custom" and t.get("name") == "apply_patch" for t in self.tools
        )
        family = find_model_family(model)
        self.family = family
        self.truncation = family.truncation
        if self.config.tool_output_token_limit:
            self.truncation = self.truncation.with_token_limit(self.config.tool_output_token_limit)

    def _load_exec_policy(self) -> Any:
        """`$CODEX_HOME/rules/*.rules`; a malformed file is reported and ignored (upstream).
        None (the same as an empty policy to codex.sandbox.approval) when there are no rules, or
        when the front end was told to ignore them (`codex exec --ignore-rules`)."""
        if not self.load_exec_rules or not _has_rule_files(self.config.codex_home):
            return None
        from codex.sandbox.execpolicy import load_exec_policy

        policy, error = load_exec_policy([self.config.codex_home])
        if error is not None:
            self._startup_warnings.append(f"ignoring exec policy rules: {error}")
        return policy

    def _allow_prefix(self, prefix: list[str]) -> None:
        """An `approved_execpolicy_amendment`: persist the allow rule and use it from now on."""
        from codex.sandbox.execpolicy import append_allow_prefix_rule

        try:
            append_allow_prefix_rule(self.config.codex_home, prefix)
        except (OSError, ValueError) as exc:
            self.emit(self._task_sub or "", WarningEvent(f"could not save the rule: {exc}"))
            return
        self.exec_policy = self._load_exec_policy()
        if self._runner is not None:
            self._runner.tool_ctx.exec_policy = self.exec_policy

    def client_for(self, model: str) -> ModelStreamer:
        client = self._clients.get(model)
        if client is None:
            client = open_model(
                self.config,
                model=model,
                originator=self.originator,
                conversation_id=self.conversation_id,
                auth=self._auth,
                provider=self._provider,
            )
            self._clients[model] = client
        return client

    def reasoning_for(self, settings: TurnSettings) -> dict[str, Any] | None:
        """`reasoning` for the request: only for families that reason (upstream's rule)."""
        supports = self.config.model_supports_reasoning_summaries
        if supports is None:
            supports = self.family.family in ("codex", "gpt-5.x", "codex-mini")
        if not supports:
            return None
        out: dict[str, Any] = {}
        if settings.effort:
            out["effort"] = settings.effort
        out["summary"] = settings.summary or str(self.config.model_reasoning_summary)
        return out

    def emit(self, sub_id: str, msg: Any) -> None:
        event = Event(sub_id, msg)
        if self._events is not None:
            self._events.put_nowait(event)
        for subscription in self._subscribers:
            subscription.offer(event)
        recorder = self.recorder
        if recorder is not None and msg.TAG not in _NOT_RECORDED:
            recorder.record_event(msg.to_dict())

    def record_items(self, items: Iterable[ResponseItem]) -> None:
        items = list(items)
        if not items:
            return
        self.history.record(items)
        if not self.new_content_since_compaction:
            self.new_content_since_compaction = any(not _is_model_output(i) for i in items)
        if self.recorder is not None:
            for item in items:
                self.recorder.record_response_item(item.to_dict())

    def record_turn_context(self, settings: TurnSettings) -> None:
        if self.recorder is None:
            return
        self.recorder.record_turn_context(
            {
                "cwd": str(settings.cwd),
                "approval_policy": settings.approval_policy,
                "sandbox_policy": _policy_json(settings.sandbox_policy),
                "model": settings.model,
                "effort": settings.effort,
                "summary": settings.summary or "auto",
            }
        )

    def flush_recorder(self) -> None:
        """Turn boundary: the recorder writes what it queued (and fsyncs per its policy)."""
        recorder = self.recorder
        if recorder is not None:
            turn_end = getattr(recorder, "turn_end", None)
            (turn_end or recorder.flush)()

    def write_through_recorder(self) -> None:
        """Before a request leaves or a tool starts: the queued rollout lines go to the OS
        (whole lines, write(2), no fsync), so a crash from here on loses nothing the model saw.
        Nearly free when nothing is queued; never called per delta."""
        flush = getattr(self.recorder, "flush", None)
        if flush is not None:
            flush()

    def take_pending_input(self) -> list[ResponseItem]:
        items, self._pending_input = self._pending_input, []
        return items

    def has_pending_input(self) -> bool:
        return bool(self._pending_input)

    def add_usage(self, sub_id: str, usage: TokenUsage | None) -> None:
        if usage is not None:
            self.token_info.append_last_usage(usage)
        self.emit(sub_id, TokenCount(info=self.token_info, rate_limits=self.rate_limits))

    @property
    def auto_compact_limit(self) -> int | None:
        """`model_auto_compact_token_limit`, else 90% of the model's context window."""
        if self.config.model_auto_compact_token_limit is not None:
            return self.config.model_auto_compact_token_limit
        window = self.config.model_context_window or DEFAULT_CONTEXT_WINDOW
        return window * 9 // 10

    def should_auto_compact(self) -> bool:
        """The last request's usage (after a compaction: its estimate; on resume: the last
        `token_count` on record) reached the limit."""
        limit = self.auto_compact_limit
        last = self.token_info.last_token_usage.total_tokens
        return limit is not None and limit > 0 and last >= limit

    def fresh_initial_context(self, settings: TurnSettings) -> list[ResponseItem]:
        """Developer instructions, AGENTS.md and the environment, built now."""
        self._environment = self._environment_for(settings)
        return initial_context(
            developer_instructions=self.config.developer_instructions,
            user_instructions=user_instructions(
                Path(self.config.codex_home),
                settings.cwd,
                self.config.project_doc_max_bytes,
                self.config.project_doc_fallback_filenames,
            ),
            cwd=settings.cwd,
            environment=self._environment,
        )

    def notify_turn_complete(
        self,
        turn_id: str,
        settings: TurnSettings,
        inputs: list[str],
        last_message: str | None,
    ) -> None:
        """`notify`: hand the finished turn to the configured program (fire and forget)."""
        argv = self.config.notify
        if not argv:
            return
        from codex.core.notify import notify, turn_complete_payload

        notify(
            argv,
            turn_complete_payload(
                thread_id=self.conversation_id,
                turn_id=turn_id,
                cwd=str(settings.cwd),
                input_messages=[t for t in inputs if t],
                last_assistant_message=last_message,
            ),
        )

    def reestimate_usage(self, sub_id: str) -> None:
        """After compaction: estimate the new prompt size (bytes / 4) as the last usage."""
        import orjson

        size = len(self.base_instructions.encode("utf-8"))
        size += sum(len(orjson.dumps(item.to_dict())) for item in self.history)
        self.token_info.last_token_usage = TokenUsage(total_tokens=(size + 3) // 4)
        self.emit(sub_id, TokenCount(info=self.token_info, rate_limits=self.rate_limits))

    def make_tool_context(self, sub_id: str, settings: TurnSettings) -> ToolContext:
        tracker = None
        try:
            from codex.core.turn_diff import TurnDiffTracker

            tracker = TurnDiffTracker()
        except ImportError:
            pass

        def announce_diff() -> None:
            if tracker is None:
                return
            try:
                diff = tracker.get_unified_diff()
            except Exception:  # a diff failure must not fail the patch
                return
            if diff:
                self.emit(sub_id, TurnDiff(diff))

        if self.stream_deltas:

            def emit(msg: Any) -> None:
                self.emit(sub_id, msg)

        else:

            def emit(msg: Any) -> None:  # live command output: nobody is watching it
                if type(msg) is not ExecCommandOutputDelta:
                    self.emit(sub_id, msg)

        return ToolContext(
            turn_id=sub_id,
            cwd=settings.cwd,
            approval_policy=settings.approval_policy,  # type: ignore[arg-type]
            sandbox_policy=settings.sandbox_policy,
            emit=emit,
            gate=self.approvals,
            unified_exec=self.unified_exec,
            env=self.env,
            user_shell=self.shell_path,
            truncation=self.truncation,
            freeform_apply_patch=self.freeform_apply_patch,
            diff_tracker=tracker,
            exec_policy=self.exec_policy,
            on_patch_applied=announce_diff,
            hook=self.tool_hook,
            custom_tools=self.custom_tools,
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

    async def _handle(self, sub: ops.Submission) -> None:
        op = sub.op
        if isinstance(op, ops.UserInput | ops.UserTurn):
            await self._on_user_input(sub.id, op)
        elif isinstance(op, ops.Interrupt):
            await self._abort(TurnAbortReason.INTERRUPTED)
        elif isinstance(op, ops.ExecApproval | ops.PatchApproval):
            self.approvals.resolve(op.id, op.decision)
        elif isinstance(op, ops.OverrideTurnContext):
            self._apply_overrides(op)
        elif isinstance(op, ops.Compact):
            self._on_compact(sub.id)
        else:
            kind = getattr(op, "TAG", None) or getattr(op, "type", "unknown")
            self.emit(sub.id, ErrorEvent(f"unsupported operation: {kind}"))

    def _apply_overrides(self, op: Any) -> None:
        s = self._settings
        if op.cwd:
            s.cwd = Path(op.cwd)
        if op.approval_policy:
            s.approval_policy = str(op.approval_policy)
        if op.sandbox_policy is not None:
            s.sandbox_policy = op.sandbox_policy
        if op.model and op.model != s.model:
            s.model = op.model
            self._configure_model(op.model)
        if op.effort:
            s.effort = op.effort
        if op.summary:
            s.summary = op.summary

    async def _on_user_input(self, sub_id: str, op: Any) -> None:
        message, text, images = self._user_message(op.items)
        if self._task is not None and not self._task.done():
            self._pending_input.append(message)  # joins the running task's next request
            return
        if isinstance(op, ops.UserTurn):
            self._apply_overrides(op)
        settings = TurnSettings(
            cwd=self._settings.cwd,
            approval_policy=self._settings.approval_policy,
            sandbox_policy=self._settings.sandbox_policy,
            model=self._settings.model,
            effort=self._settings.effort,
            summary=self._settings.summary,
            output_schema=getattr(op, "final_output_json_schema", None),
        )
        items: list[ResponseItem] = []
        env = self._environment_for(settings)
        if self._environment is not None:
            changed = self._environment.diff(env)
            if changed is not None:
                items.append(changed.to_message())
        self._environment = env
        items.append(message)
        runner = TurnRunner(self, sub_id, settings)
        self._runner = runner
        self._task_sub = sub_id
        self._task = asyncio.ensure_future(self._run_task(runner, items, text, images))

    def _on_compact(self, sub_id: str) -> None:
        if self._task is not None and not self._task.done():
            self.emit(sub_id, ErrorEvent("cannot compact while a task is running"))
            return
        settings = TurnSettings(
            cwd=self._settings.cwd,
            approval_policy=self._settings.approval_policy,
            sandbox_policy=self._settings.sandbox_policy,
            model=self._settings.model,
        )
        runner = TurnRunner(self, sub_id, settings)
        self._runner = runner
        self._task_sub = sub_id
        self._task = asyncio.ensure_future(self._guard(runner, runner.run_compact()))

    async def _guard(self, runner: TurnRunner, work: Any) -> None:
        try:
            await work
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            from codex.protocol.events import TaskComplete

            self.emit(runner.sub_id, ErrorEvent(f"Error running compact task: {exc}"))
            self.emit(runner.sub_id, TaskComplete(turn_id=runner.sub_id))

    async def _run_task(
        self, runner: TurnRunner, items: list[ResponseItem], text: str, images: list[str]
    ) -> None:
        try:
            await runner.run(items, text, images)
        except TurnAbortedByUser:
            await self.unified_exec.terminate_all()
            self.emit(runner.sub_id, TurnAborted(TurnAbortReason.INTERRUPTED, runner.sub_id))
            self.flush_recorder()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # never let a bug kill the actor silently
            self.emit(runner.sub_id, ErrorEvent(f"internal error: {type(exc).__name__}: {exc}"))
            from codex.protocol.events import TaskComplete

            self.emit(runner.sub_id, TaskComplete(turn_id=runner.sub_id))

    def _user_message(self, inputs: list[Any]) -> tuple[Message, str, list[str]]:
        content: list[Any] = []
        texts: list[str] = []
        images: list[str] = []
        for part in inputs:
            if isinstance(part, ops.InputText):
                content.append(InputText(part.text))
                texts.append(part.text)
            elif isinstance(part, ops.InputImageUrl):
                content.append(InputImage(part.image_url))
                images.append(part.image_url)
            elif isinstance(part, ops.InputLocalImage):
                from codex.tools.runtime.misc import image_data_url  # lazy: only with images

                path = Path(part.path)
                try:
                    content.append(InputImage(image_data_url(path)))
                except (OSError, ValueError) as exc:
                    content.append(
                        InputText(f"Codex could not read the local image at `{path}`: {exc}")
                    )
                images.append(str(path))
        return Message("user", content), "\n".join(texts), images

    def _environment_for(self, settings: TurnSettings) -> EnvironmentContext:
        from codex.tools.runtime.sandboxing import view

        policy = view(settings.sandbox_policy, settings.cwd)
        date, tz = today()
        extra_roots = tuple(Path(p) for p in policy.data.get("writable_roots") or [])
        return EnvironmentContext(
            cwd=settings.cwd,
            approval_policy=settings.approval_policy,
            sandbox_mode=policy.kind if policy.kind != "external-sandbox" else "danger-full-access",
            network_access="enabled" if policy.network_access else "restricted",
            writable_roots=extra_roots,
            shell=self.shell_name,
            current_date=date,
            timezone=tz,
        )

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
        self.emit(sub_id, TurnAborted(reason, sub_id))
        self.flush_recorder()

    async def _shutdown(self, sub_id: str) -> None:
        self._closed = True
        await self._abort(TurnAbortReason.INTERRUPTED)
        await self.unified_exec.terminate_all()
        if self.recorder is not None:
            with contextlib.suppress(Exception):
                self.recorder.flush()
            with contextlib.suppress(Exception):
                self.recorder.close()
        self.emit(sub_id, ShutdownComplete())


def _is_model_output(item: ResponseItem) -> bool:
    """The model's own words (answers, reasoning): not new content for the compaction guard."""
    from codex.protocol.items import Reasoning

    return isinstance(item, Reasoning) or (isinstance(item, Message) and item.role == "assistant")


# Events upstream never persists in rollouts (deltas, approvals asked, turn diffs, ...); the
# recorder applies its own policy too, this only spares it the serialization work.
_NOT_RECORDED = frozenset(
    {
        "agent_message_delta",
        "agent_reasoning_delta",
        "agent_reasoning_raw_content_delta",
        "agent_reasoning_section_break",
        "exec_command_output_delta",
        "exec_approval_request",
        "apply_patch_approval_request",
        "turn_diff",
        "stream_error",
        "session_configured",
        "shutdown_complete",
        "exec_command_begin",
        "plan_update",
    }
)
