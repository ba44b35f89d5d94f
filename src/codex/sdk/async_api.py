"""`AsyncCodex`, `AsyncThread`, `AsyncTurnHandle`: the official SDK's async client, run in the
caller's event loop on core directly (codex.api.open_session): no process, no JSON-RPC. Each
thread is one core Session; any number of threads run concurrently in one loop.

This module must never spawn a codex process or speak the app-server protocol: the point of it
is that a turn costs what core costs.
"""

from __future__ import annotations

import contextlib
import inspect
import json
import os
from collections.abc import AsyncGenerator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.sdk.notifications import TurnTranslator, command_text
from codex.sdk.types import (
    ApprovalHandler,
    ApprovalMode,
    CodexConfig,
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
    ThreadInfo,
    ThreadListResponse,
    TurnResult,
)

if TYPE_CHECKING:
    from codex.api import Config, Session

__all__ = ["AsyncCodex", "AsyncThread", "AsyncTurnHandle"]

# How the SDK's sessions present themselves to the provider and in session_meta (the official
# app-server records its Python SDK clients as source "vscode"-like app clients; we say "cli").
ORIGINATOR = "codex_python_sdk"

# Official decision words -> core's ReviewDecision values.
_DECISIONS = {
    "accept": "approved",
    "acceptForSession": "approved_for_session",
    "decline": "denied",
    "cancel": "abort",
}


def _accept_all(method: str, params: JsonObject | None) -> JsonObject:
    """The official SDK's default handler: accept (the sandbox still applies)."""
    return {"decision": "accept"}


def _toml(value: Any) -> str:
    """A Python value as a TOML value for a `-c key=value` (JSON is TOML for these)."""
    return json.dumps(value)


def _flatten(prefix: str, value: Any) -> list[str]:
    """{"a": {"b": 1}} -> ["a.b=1"]: the official `config=` dict as `-c` overrides."""
    if isinstance(value, dict):
        out: list[str] = []
        for key, inner in value.items():
            out += _flatten(f"{prefix}.{key}" if prefix else str(key), inner)
        return out
    return [f"{prefix}={_toml(value)}"]


def _core_items(input: Input | str) -> list[Any]:
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
        elif isinstance(item, SkillInput | MentionInput):
            # Core takes skills and mentions as text naming the file (as the TUI's $skill).
            out.append(InputText(f"[{item.name}]({item.path})"))
        else:
            raise TypeError(f"unsupported input item: {type(item)!r}")
    return out


def _run_items(input: RunInput) -> list[Any]:
    if isinstance(input, ExternalMessage):
        if not isinstance(input.tool_name, str) or not input.tool_name.strip():
            raise ValueError("ExternalMessage.tool_name must be a nonempty string")
        content = input.content if isinstance(input.content, str) else json.dumps(input.content)
        from codex.api import InputText

        return [InputText(f"<external tool={input.tool_name!r}>\n{content}\n</external>")]
    return _core_items(input)


class AsyncCodex:
    """Async client: `async with AsyncCodex() as codex: thread = await codex.thread_start()`.

    `approval_handler(method, params) -> {"decision": ...}` (sync or async) answers command and
    file-change approvals of every thread, with the official methods and decision words."""

    def __init__(
        self, config: CodexConfig | None = None, *, approval_handler: ApprovalHandler | None = None
    ) -> None:
        self.config = config or CodexConfig()
        self._approval_handler = approval_handler or _accept_all
        self._stack = contextlib.AsyncExitStack()
        self._threads: dict[str, AsyncThread] = {}
        self._configs: dict[tuple[Path, tuple[str, ...]], Config] = {}
        self._closed = False

    async def __aenter__(self) -> AsyncCodex:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.close()

    @property
    def metadata(self) -> JsonObject:
        """What an app-server's initialize would tell: who serves, and its version."""
        from codex import __version__

        return {
            "serverInfo": {"name": "codex-py", "version": __version__},
            "userAgent": f"{self.config.client_name}/{__version__} (in-process)",
        }

    async def close(self) -> None:
        """Shut every thread down (turns aborted, rollouts flushed and closed)."""
        self._closed = True
        self._threads.clear()
        await self._stack.aclose()

    # ---- config ----------------------------------------------------------------------------

    def _load_config(
        self,
        *,
        cwd: str | None,
        overrides: Sequence[str],
    ) -> Config:
        from codex.api import ConfigOverrides, load_config

        where = Path(cwd or self.config.cwd or os.getcwd())
        all_overrides = (*self.config.config_overrides, *overrides)
        key = (where, all_overrides)
        cached = self._configs.get(key)
        if cached is None:
            # Read and validated once per client for each (cwd, overrides): validation is most
            # of a thread start's cost, and a client's threads share one configuration (as one
            # app-server process does between config reloads).
            cached = load_config(
                ConfigOverrides(config_home=self.config.codex_home, cli_overrides=all_overrides),
                cwd=where,
            )
            self._configs[key] = cached
        return cached

    @staticmethod
    def _overrides(
        *,
        approval_mode: ApprovalMode | None,
        config: JsonObject | None,
        model: str | None,
        model_provider: str | None,
        sandbox: Sandbox | None,
        base_instructions: str | None,
        developer_instructions: str | None,
    ) -> list[str]:
        out = _flatten("", config or {})
        if approval_mode is not None:
            out.append(f"approval_policy={_toml(ApprovalMode(approval_mode).approval_policy)}")
        if sandbox is not None:
            out.append(f"sandbox_mode={_toml(Sandbox(sandbox).sandbox_mode)}")
        if model is not None:
            out.append(f"model={_toml(model)}")
        if model_provider is not None:
            out.append(f"model_provider={_toml(model_provider)}")
        if base_instructions is not None:
            out.append(f"base_instructions={_toml(base_instructions)}")
        if developer_instructions is not None:
            out.append(f"developer_instructions={_toml(developer_instructions)}")
        return out

    async def _open(
        self, config: Config, *, resume: Any = None, ephemeral: bool = False
    ) -> AsyncThread:
        from codex.api import FrontEnd, open_session

        if self._closed:
            raise RuntimeError("this AsyncCodex is closed")
        front_end = FrontEnd(originator=ORIGINATOR, source="cli")
        session = await self._stack.enter_async_context(
            open_session(config, front_end, resume=resume, ephemeral=ephemeral)
        )
        thread = AsyncThread(self, session)
        self._threads[thread.id] = thread
        return thread

    # ---- threads ---------------------------------------------------------------------------

    async def thread_start(
        self,
        *,
        approval_mode: ApprovalMode | None = ApprovalMode.auto_review,
        base_instructions: str | None = None,
        config: JsonObject | None = None,
        cwd: str | None = None,
        developer_instructions: str | None = None,
        ephemeral: bool | None = None,
        model: str | None = None,
        model_provider: str | None = None,
        personality: Any = None,
        sandbox: Sandbox | None = None,
        service_name: str | None = None,
        service_tier: str | None = None,
        session_start_source: Any = None,
        thread_source: Any = None,
    ) -> AsyncThread:
        """A new thread (a started core session; its rollout is written from the first turn).
        The official keywords; `approval_mode=None` (ours) keeps the config's approval policy."""
        overrides = self._overrides(
            approval_mode=approval_mode,
            config=config,
            model=model,
            model_provider=model_provider,
            sandbox=sandbox,
            base_instructions=base_instructions,
            developer_instructions=developer_instructions,
        )
        loaded = self._load_config(cwd=cwd, overrides=overrides)
        return await self._open(loaded, ephemeral=bool(ephemeral))

    async def thread_resume(
        self,
        thread_id: str,
        *,
        approval_mode: ApprovalMode | None = None,
        base_instructions: str | None = None,
        config: JsonObject | None = None,
        cwd: str | None = None,
        developer_instructions: str | None = None,
        include_turns: bool | None = None,
        model: str | None = None,
        model_provider: str | None = None,
        personality: Any = None,
        sandbox: Sandbox | None = None,
        service_tier: str | None = None,
    ) -> AsyncThread:
        """A recorded thread continued by id (its history is the model's context again). A
        thread already open in this client is returned as it is."""
        if thread_id in self._threads:
            return self._threads[thread_id]
        from codex.api import Resume

        overrides = self._overrides(
            approval_mode=approval_mode,
            config=config,
            model=model,
            model_provider=model_provider,
            sandbox=sandbox,
            base_instructions=base_instructions,
            developer_instructions=developer_instructions,
        )
        loaded = self._load_config(cwd=cwd, overrides=overrides)
        return await self._open(loaded, resume=Resume.thread(thread_id))

    def _codex_home(self) -> Path:
        return Path(self._load_config(cwd=None, overrides=()).codex_home)

    async def thread_list(
        self,
        *,
        archived: bool | None = None,
        cursor: str | None = None,
        limit: int | None = None,
        **_ignored: Any,
    ) -> ThreadListResponse:
        """Recorded threads, newest first, a page at a time (`next_cursor` for the next)."""
        from codex.core.threads import ThreadIndex

        index = ThreadIndex(self._codex_home())
        summaries, next_cursor = index.page(
            archived=bool(archived), cursor=cursor, limit=limit or 25
        )
        data = [
            ThreadInfo(
                id=s.thread_id,
                preview=s.preview,
                created_at=int(s.created_at),
                updated_at=int(s.updated_at),
                cwd=str(s.meta.get("cwd") or ""),
                path=str(s.path),
                model_provider=s.meta.get("model_provider"),
            )
            for s in summaries
        ]
        return ThreadListResponse(data, next_cursor)

    async def thread_archive(self, thread_id: str) -> JsonObject:
        from codex.api.saved_sessions import archive

        archive(self._codex_home(), thread_id)
        return {}

    async def thread_unarchive(self, thread_id: str) -> AsyncThread:
        from codex.api.saved_sessions import unarchive

        unarchive(self._codex_home(), thread_id)
        return await self.thread_resume(thread_id)

    # ---- approvals ---------------------------------------------------------------------------

    async def _approve(self, thread_id: str, turn_id: str, request: Any) -> str:
        """Ask the handler about one core approval request; core's decision word."""
        data = request.to_dict()
        if request.TAG == "exec_approval_request":
            method = "item/commandExecution/requestApproval"
            command = data.get("command")
            params: JsonObject = {
                "threadId": thread_id,
                "turnId": turn_id,
                "itemId": data.get("call_id"),
                "command": command_text(command),
                "cwd": data.get("cwd"),
                "reason": data.get("reason"),
            }
        else:
            method = "item/fileChange/requestApproval"
            params = {
                "threadId": thread_id,
                "turnId": turn_id,
                "itemId": data.get("call_id"),
                "reason": data.get("reason"),
                "grantRoot": data.get("grant_root"),
            }
        answer = self._approval_handler(method, params)
        if inspect.isawaitable(answer):
            answer = await answer
        decision = answer.get("decision") if isinstance(answer, dict) else None
        # Anything not understood declines, as the official server treats a nonsense answer.
        return _DECISIONS.get(str(decision), "denied")


class AsyncThread:
    """One conversation (one core Session) of an `AsyncCodex`."""

    def __init__(self, codex: AsyncCodex, session: Session) -> None:
        self._codex = codex
        self._session = session
        self.id: str = session.conversation_id

    async def run(self, input: RunInput, **options: Any) -> TurnResult:
        """Run one turn to its end and collect its result (a failed turn raises RuntimeError
        with the error, as the official `run`)."""
        handle = await self.turn(input, **options)
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
        items = _run_items(input)
        per_turn = (approval_mode, cwd, effort, model, output_schema, sandbox, summary)
        if all(value is None for value in per_turn):
            from codex.api import UserInput

            op: Any = UserInput(items)
        else:
            op = self._user_turn(
                items, approval_mode, cwd, effort, model, output_schema, sandbox, summary
            )
        translator: list[TurnTranslator] = []

        async def on_approval(request: Any) -> str:
            turn_id = translator[0].turn_id if translator else ""
            return await self._codex._approve(self.id, turn_id, request)

        core_handle = await self._session.run_turn(op, on_approval=on_approval)
        handle = AsyncTurnHandle(self, core_handle)
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

    async def read(self, *, include_turns: bool = False) -> JsonObject:
        """What is known of this thread now: its id and settings."""
        s = self._session.settings
        return {"thread": {"id": self.id, "cwd": str(s.cwd), "model": s.model}}

    async def compact(self) -> JsonObject:
        from codex.api import Compact

        await self._session.submit(Compact())
        return {}


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
        async for event in self._core.events():
            msg = event.msg
            data = msg if isinstance(msg, dict) else _wire(msg)
            for note in translator.feed(data):
                yield note
            if translator.completed is not None:
                return
        for note in translator.end_without_event():
            yield note

    async def run(self) -> TurnResult:
        async for _ in self.stream():
            pass
        return self._translator.result()

    async def interrupt(self) -> JsonObject:
        from codex.api import Interrupt

        await self._thread._session.submit(Interrupt())
        return {}

    async def steer(self, input: Input | str) -> JsonObject:
        from codex.api import UserInput

        await self._thread._session.submit(UserInput(_core_items(input)))
        return {"turnId": self.id}


def _wire(msg: Any) -> dict[str, Any]:
    """An EventMsg as its wire dict (tagged by type); cheap for the few kinds we map."""
    tag = getattr(msg, "TAG", None)
    if tag in _UNMAPPED:
        return {"type": tag}
    data: dict[str, Any] = msg.to_dict()
    return data


# Frequent events that map to nothing: skip building their dicts.
_UNMAPPED = frozenset(
    {"exec_command_output_delta", "agent_reasoning_delta", "reasoning_content_delta"}
)
