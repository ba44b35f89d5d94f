"""What a turn and a compaction may touch of their session: the narrowed handle.

`SessionState` holds the conversation's history, the rollout recorder, the running usage, the
compaction state, the model setup (tools, truncation, clients) and what tool handlers get
(`make_tool_context`). `TurnRunner` (codex.core.turn) and `compact` (codex.core.compact) receive
it instead of the `Session`, so neither reaches into the actor: the session owns the submission
queue, the event fan-out, approvals and the running task, and hands this state an `emit` sink.
Compaction returns a `Compaction` that `apply_compaction` installs; nothing else rewrites the
history wholesale. Never does I/O itself except through the recorder and the model clients.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex._dataclass import dataclass
from codex.core import modes
from codex.core.history import ContextHistory
from codex.core.model import ModelStreamer, open_model
from codex.core.model_catalog import find_model
from codex.core.model_setup import ModelSetup, model_setup  # re-exported: defined here before
from codex.core.permissions_prompt import PermissionsTracker
from codex.core.prompt import (
    EnvironmentContext,
    UserInstructions,
    initial_context,
    today,
    user_instructions,
)
from codex.core.recorder import Recorder
from codex.core.service_tier import configured_tier
from codex.core.turn_settings import TurnSettings  # re-exported: it was defined here
from codex.protocol.events import ExecCommandOutputDelta, TokenCount, TurnDiff
from codex.protocol.items import Message, Reasoning, ResponseItem
from codex.protocol.usage import TokenUsage, TokenUsageInfo
from codex.rollout.policy import PERSISTED_EVENT_TYPES
from codex.tools.runtime.context import ApprovalGate, ExecRules, ToolContext

if TYPE_CHECKING:
    from codex.auth import AuthManager
    from codex.config import Config
    from codex.core.skills.model import SkillsOutcome
    from codex.tools.runtime.unified_exec import UnifiedExecManager

DEFAULT_CONTEXT_WINDOW = 272_000
EFFECTIVE_WINDOW_PERCENT = 95

Emit = Callable[[str, Any], None]


@dataclass(frozen=True, slots=True)
class Compaction:
    """What a compaction produced, for `SessionState.apply_compaction` to install."""

    history: list[ResponseItem]
    initial_context_len: int  # leading items a later compaction keeps
    summary_text: str
    outputs: list[ResponseItem]  # the summarizer's own items: on record, never in the history


@dataclass(slots=True)
class ToolSupport:
    """What every tool call of the session shares (built once by the session)."""

    gate: ApprovalGate
    unified_exec: UnifiedExecManager
    env: dict[str, str]
    shell_path: str
    shell_name: str
    rules: ExecRules
    hook: Any = None  # codex.tools.hooks.ToolHook
    custom_tools: dict[str, Any] | None = None
    mcp: Any = None  # codex.mcp_client.manager.McpManager (None: no MCP servers configured)
    goals: Any = None  # codex.core.goals.GoalRuntime (the thread's goal)


def announce_diff(tracker: Any, emit: Callable[[Any], None]) -> None:
    """Emit the turn's unified diff so far (after a patch, and at the end of each request)."""
    if tracker is None:
        return
    try:
        diff = tracker.get_unified_diff()
    except Exception:  # a diff failure must not fail the patch or the turn
        return
    if diff:
        emit(TurnDiff(diff))


def is_model_output(item: ResponseItem) -> bool:
    """The model's own words (answers, reasoning): not new content for the compaction guard."""
    return isinstance(item, Reasoning) or (isinstance(item, Message) and item.role == "assistant")


class SessionState:
    """History, recorder, usage, compaction state and model setup of one session."""

    # What `environment_update` last built `environment` from, with that environment (so an
    # environment set elsewhere, e.g. by `fresh_initial_context`, is never taken for it).
    _environment_key: tuple[tuple[Any, ...], EnvironmentContext] | None = None

    def __init__(
        self,
        config: Config,
        *,
        conversation_id: str,
        originator: str,
        recorder: Recorder | None,
        emit: Emit,
        provider: Any,
        auth: AuthManager | None,
        model: ModelStreamer | None,
        stream_deltas: bool,
        tooling: ToolSupport,
        initial_model: str,
        user_instructions: UserInstructions | None = None,
    ) -> None:
        self.config = config
        # AGENTS.md as read once for this session (by setup, or on first use here): read
        # again only for another cwd.
        self._user_instructions = user_instructions
        self.telemetry: Any = None  # codex.core.otel.Telemetry when `[otel]` exports something
        self.conversation_id = conversation_id
        self.originator = originator
        self.recorder = recorder
        self.emit = emit
        self.stream_deltas = stream_deltas
        self.tooling = tooling
        self._provider = provider
        self._auth = auth
        self._clients: dict[str, ModelStreamer] = {} if model is None else {model.model: model}
        self.setup = self._setup_for(initial_model)
        self.base_instructions: str = config.instructions or _base_instructions()
        self.verbosity = str(config.model_verbosity) if config.model_verbosity else None
        # The tier requests ask for (codex.core.service_tier); ops override it.
        self.service_tier: str | None = configured_tier(config.service_tier)
        # A summary the user chose (config, profile, -c); the default depends on the model.
        self._configured_summary = (
            str(config.model_reasoning_summary)
            if config.origin("model_reasoning_summary") != "default"
            else None
        )
        self.parallel_tool_calls = False
        self.history = ContextHistory(self.setup.truncation)
        window = config.model_context_window or DEFAULT_CONTEXT_WINDOW
        self.context_window = window * EFFECTIVE_WINDOW_PERCENT // 100
        self.token_info = TokenUsageInfo(model_context_window=self.context_window)
        self.rate_limits: Any = None
        self.initial_context_len = 0
        self.modes = modes.ModeTracker()  # the collaboration mode the model last heard
        self.permissions = PermissionsTracker()  # the sandbox/approval part it last heard
        # The manual compact's guard: it runs only when something besides the model's own
        # output (user input, tool outputs) was recorded since the last one.
        self.new_content_since_compaction = True
        self.environment: EnvironmentContext | None = None
        self._pending_input: list[ResponseItem] = []
        # Session.tell_model's items while a task runs: they ride on the turn's next request
        # if it makes one anyway, never a reason for one (unlike pending input).
        self.told: list[ResponseItem] = []
        self._turn_skill_inputs: list[dict[str, Any]] = []  # the next turn's, for its item

    # ---- model ---------------------------------------------------------------------------

    def _setup_for(self, model: str) -> ModelSetup:
        wire = str(getattr(self._provider, "wire_api", "responses"))
        extra = [tool.spec() for tool in (self.tooling.custom_tools or {}).values()]
        return model_setup(self.config, model, wire, extra)

    def request_tools(self, emit: Callable[[Any], None] | None = None) -> list[dict[str, Any]]:
        """The tools for the next model request: the model's, plus the MCP servers' that are
        ready now (a server still starting never delays a request; it joins a later one)."""
        mcp = self.tooling.mcp
        if mcp is None:
            return self.setup.tools
        return self.setup.tools + mcp.tool_specs(emit)

    async def close_tool_providers(self) -> None:
        """Stop the MCP servers (at session shutdown)."""
        if self.tooling.mcp is not None:
            await self.tooling.mcp.close()

    def configure_model(self, model: str) -> None:
        self.setup = self._setup_for(model)

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
        """`reasoning` for the request, as 0.169 builds it (tests/fixtures/
        request_reasoning_official.json): the effort (configured, else the catalog model's
        default), the summary when one applies ("none" never goes: a catalog model has none
        unless configured, any other model "auto"), then the catalog's `context`. An explicit
        `model_supports_reasoning_summaries = false` leaves it out (0.169 ignores that key)."""
        if self.config.model_supports_reasoning_summaries is False:
            return None
        info = find_model(settings.model)
        out: dict[str, Any] = {}
        effort = settings.effort or (info.default_effort if info is not None else None)
        if effort:
            out["effort"] = effort
        summary = self.summary_for(settings.model, settings.summary)
        if summary != "none":
            out["summary"] = summary
        if info is not None and info.reasoning_context is not None:
            out["context"] = info.reasoning_context
        return out

    def summary_for(self, model: str, chosen: str | None = None) -> str:
        """The reasoning summary a turn on `model` asks for: `chosen` (a turn's own), else the
        configured one, else the model's default: "none" for a catalog model, "auto" for any
        other (0.169's fallback metadata)."""
        if chosen:
            return chosen
        if self._configured_summary is not None:
            return self._configured_summary
        return "none" if find_model(model) is not None else "auto"

    def override_service_tier(self, tier: str | None) -> None:
        """An op's `service_tier` (codex.protocol.ops): None leaves the tier, "" clears it."""
        if tier is not None:
            self.service_tier = tier or None

    def verbosity_for(self, model: str) -> str | None:
        """`text.verbosity`: a catalog model's (configured, else its default); other models
        get none, a configured one being dropped as 0.169 drops it."""
        info = find_model(model)
        if info is None:
            return None
        return self.verbosity or info.default_verbosity

    # ---- history and the rollout ---------------------------------------------------------

    def record_items(self, items: Iterable[ResponseItem]) -> None:
        items = list(items)
        if not items:
            return
        self.history.record(items)
        if not self.new_content_since_compaction:
            self.new_content_since_compaction = any(not is_model_output(i) for i in items)
        if self.recorder is not None:
            for item in items:
                self.recorder.record_response_item(item.to_dict())

    def record_event(self, msg: Any) -> None:
        """An event on record, if it is one the rollout keeps (codex.rollout.policy: the one
        allow-list; checked here too so a dropped event is never serialized)."""
        if self.recorder is not None and msg.TAG in PERSISTED_EVENT_TYPES:
            self.recorder.record_event(msg.to_dict())

    def record_turn_context(self, settings: TurnSettings) -> None:
        if self.recorder is None:
            return
        self.recorder.record_turn_context(
            {
                "cwd": str(settings.cwd),
                "approval_policy": settings.approval_policy,
                "sandbox_policy": settings.sandbox_policy.to_json_dict(),
                "model": settings.model,
                "effort": settings.effort,
                "summary": settings.summary or "auto",
                "collaboration_mode": modes.turn_context_entry(
                    settings.collaboration_mode, settings.model, settings.effort, self.modes.sent
                ),
            }
        )

    def flush_recorder(self) -> None:
        """Turn boundary: the recorder writes what it queued (and fsyncs per its policy)."""
        if self.recorder is not None:
            self.recorder.turn_end()

    def write_through_recorder(self) -> None:
        """Before a request leaves or a tool starts: the queued rollout lines go to the OS
        (whole lines, write(2), no fsync), so a crash from here on loses nothing the model saw.
        Nearly free when nothing is queued; never called per delta."""
        if self.recorder is not None:
            self.recorder.flush()

    def apply_compaction(self, result: Compaction) -> None:
        """Install a compaction: the new history, what a later one keeps, and on record (as
        0.169) the summarizer's answer, then the `compacted` line a resume takes as it is."""
        self.history.replace(result.history)
        self.initial_context_len = result.initial_context_len
        if self.recorder is not None:
            for item in result.outputs:
                self.recorder.record_response_item(item.to_dict())
            self.recorder.record_compacted(
                result.summary_text, [item.to_dict() for item in result.history]
            )
        self.new_content_since_compaction = False

    def add_pending_input(self, item: ResponseItem) -> None:
        self._pending_input.append(item)  # joins the running task's next request

    def take_pending_input(self) -> list[ResponseItem]:
        items, self._pending_input = self._pending_input, []
        return items

    def has_pending_input(self) -> bool:
        return bool(self._pending_input)

    # ---- usage and compaction ------------------------------------------------------------

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

    def reestimate_usage(self, sub_id: str) -> None:
        """After compaction: estimate the new prompt size (bytes / 4) as the last usage."""
        import orjson

        size = len(self.base_instructions.encode("utf-8"))
        size += sum(len(orjson.dumps(item.to_dict())) for item in self.history)
        self.token_info.last_token_usage = TokenUsage(total_tokens=(size + 3) // 4)
        self.emit(sub_id, TokenCount(info=self.token_info, rate_limits=self.rate_limits))

    # ---- context -------------------------------------------------------------------------

    def environment_for(self, settings: TurnSettings) -> EnvironmentContext:
        policy = settings.sandbox_policy
        date, tz = today()
        mode = policy.type.value
        return EnvironmentContext(
            cwd=settings.cwd,
            approval_policy=settings.approval_policy,
            sandbox_mode=mode if mode != "external-sandbox" else "danger-full-access",
            network_access="enabled" if policy.has_full_network_access() else "restricted",
            writable_roots=tuple(Path(p) for p in policy.writable_roots),
            shell=self.tooling.shell_name,
            current_date=date,
            timezone=tz,
        )

    def environment_update(self, settings: TurnSettings) -> list[ResponseItem]:
        """The `<environment_context>` message for what changed since the last turn (or
        nothing), remembering the new environment.

        The message depends only on the settings and the shell (`EnvironmentContext.diff`
        leaves the date and time zone out), so a turn whose settings equal those the remembered
        environment was built from says nothing without building one (the local date and time
        zone cost more than the rest of the turn's bookkeeping); the remembered environment then
        keeps its date, which nothing compares."""
        key = self._environment_inputs(settings)
        known = self._environment_key
        if known is not None and known[1] is self.environment and known[0] == key:
            return []
        env = self.environment_for(settings)
        changed = self.environment.diff(env) if self.environment is not None else None
        self.environment = env
        self._environment_key = (key, env)
        return [changed.to_message()] if changed is not None else []

    def _environment_inputs(self, settings: TurnSettings) -> tuple[Any, ...]:
        """What an environment's update message is built from (see `environment_update`)."""
        return (
            settings.cwd,
            settings.approval_policy,
            settings.sandbox_policy,
            self.tooling.shell_name,
        )

    def user_instructions_for(self, cwd: Path) -> str | None:
        """AGENTS.md (global + project) for `cwd`, read once per session and cwd."""
        known = self._user_instructions
        if known is None or known.cwd != cwd:
            text = user_instructions(
                Path(self.config.codex_home),
                cwd,
                self.config.project_doc_max_bytes,
                self.config.project_doc_fallback_filenames,
            )
            known = self._user_instructions = UserInstructions(cwd, text)
        return known.text

    def fresh_initial_context(
        self, settings: TurnSettings, skills: SkillsOutcome | None = None
    ) -> list[ResponseItem]:
        """Developer instructions, AGENTS.md and the environment, built now. `skills`: those of
        `settings.cwd` as the thread start loaded them; None: loaded here."""
        self.environment = env = self.environment_for(settings)
        self._environment_key = (self._environment_inputs(settings), env)
        from codex.core.skills.turn import session_skills_instructions

        return initial_context(
            developer_instructions=self.config.developer_instructions,
            user_instructions=self.user_instructions_for(settings.cwd),
            cwd=settings.cwd,
            environment=self.environment,
            permissions=self.permissions.initial(settings),
            skills_instructions=session_skills_instructions(
                Path(self.config.codex_home),
                settings.cwd,
                self.config.model_context_window or DEFAULT_CONTEXT_WINDOW,
                outcome=skills,
            ),
        )

    def turn_items(
        self, settings: TurnSettings, message: ResponseItem, inputs: list[Any]
    ) -> list[ResponseItem]:
        """The items a new turn opens with (what changed in the environment, the user's
        message). The instructions of skills the input names are queued to follow the user's
        message once it is on record, where 0.169 puts them (after the message's item event)."""
        from codex.core.skills.turn import turn_skill_messages
        from codex.protocol.ops import InputSkill

        for item in turn_skill_messages(Path(self.config.codex_home), settings.cwd, inputs):
            self.add_pending_input(item)
        self._turn_skill_inputs = [
            {"type": "skill", "name": p.name, "path": p.path}
            for p in inputs
            if isinstance(p, InputSkill)
        ]
        mode = modes.turn_items(self, settings.collaboration_mode)
        changed = self.permissions.update(settings)  # before the environment, as 0.169
        return [*changed, *self.environment_update(settings), *mode, message]

    def take_turn_skill_inputs(self) -> list[dict[str, Any]]:
        """The skill inputs of the turn that just started (for its user-message item)."""
        skills, self._turn_skill_inputs = self._turn_skill_inputs, []
        return skills

    def notify_turn_complete(
        self, turn_id: str, settings: TurnSettings, inputs: list[str], last: str | None
    ) -> None:
        """`notify`: hand the finished turn to the configured program (fire and forget).

        `input-messages` lists every message the user typed in the thread so far, oldest first
        (0.169 takes them from the turn's whole input, context messages left out), not only
        this turn's; `inputs` serves when the history holds none (e.g. it was compacted away)."""
        argv = self.config.notify
        if not argv:
            return
        from codex.core.history import real_user_texts
        from codex.core.notify import notify, turn_complete_payload

        typed = real_user_texts(self.history) or [t for t in inputs if t]

        notify(
            argv,
            turn_complete_payload(
                thread_id=self.conversation_id,
                turn_id=turn_id,
                cwd=str(settings.cwd),
                input_messages=typed,
                last_assistant_message=last,
                client=self.originator,  # as 0.169: codex_exec, the IDE's clientInfo.name, ...
            ),
        )

    def make_tool_context(
        self, sub_id: str, settings: TurnSettings, stream_deltas: bool | None = None
    ) -> ToolContext:
        """`stream_deltas`: this turn's own choice (a quiet turn, `Session.run_turn`); None:
        the session's."""
        tracker = None
        try:
            from codex.core.turn_diff import TurnDiffTracker

            tracker = TurnDiffTracker(settings.cwd)
        except ImportError:
            pass
        session_emit = self.emit
        if self.stream_deltas if stream_deltas is None else stream_deltas:

            def emit(msg: Any) -> None:
                session_emit(sub_id, msg)

        else:

            def emit(msg: Any) -> None:  # live command output: nobody is watching it
                if type(msg) is not ExecCommandOutputDelta:
                    session_emit(sub_id, msg)

        tooling = self.tooling
        return ToolContext(
            turn_id=sub_id,
            cwd=settings.cwd,
            approval_policy=settings.approval_policy,  # type: ignore[arg-type]
            sandbox_policy=settings.sandbox_policy,
            emit=emit,
            gate=tooling.gate,
            unified_exec=tooling.unified_exec,
            env=tooling.env,
            user_shell=tooling.shell_path,
            truncation=self.setup.truncation,
            freeform_apply_patch=self.setup.freeform_apply_patch,
            diff_tracker=tracker,
            rules=tooling.rules,
            on_patch_applied=lambda: announce_diff(tracker, emit),
            hook=tooling.hook,
            custom_tools=tooling.custom_tools or {},
            mcp=tooling.mcp,
            goals=tooling.goals,
            collaboration_mode=settings.collaboration_mode,
            model=settings.model,
        )


def _base_instructions() -> str:
    from codex.core.prompt import BASE_INSTRUCTIONS

    return BASE_INSTRUCTIONS
