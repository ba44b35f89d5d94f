"""Claude-style command hooks from `$CODEX_HOME/hooks.json` and from config.toml's `[hooks]`
tables (the same shape, event-named keys, as 0.169 reads them): `PreToolUse` and `PostToolUse`
entries with tool-name matchers run here; the other events (PermissionRequest, SessionStart,
UserPromptSubmit, Stop, SessionEnd, PreCompact, PostCompact, Interrupt) are parsed here and run by
codex.tools.lifecycle_hooks, with 0.169's timeouts (codex.tools.hook_trust.effective_timeout).
The file shape::

    {"hooks": {"PreToolUse": [{"matcher": "Bash|apply_patch",
                               "hooks": [{"type": "command", "command": "~/check.sh",
                                          "timeout": 30}]}],
               "PostToolUse": [{"hooks": [{"type": "command", "command": "logger -t codex"}]}]}}

Tool calls look to hooks as they do in 0.169 (codex.tools.tool_hook_shape): the shell tools are
`Bash` with `tool_input` {"command"}, `apply_patch` (also matched as `Edit` / `Write`), MCP tools
`mcp__<server>__<tool>`; the matcher rule is 0.169's (exact names, or a regex searched for).
`command` runs with /bin/sh; it gets one JSON object on stdin (`session_id`, `turn_id`,
`transcript_path`, `cwd`, `hook_event_name`, `model`, `permission_mode`, `tool_name`,
`tool_input`, plus `tool_response` after the call, then `tool_use_id`). `timeout` is in seconds
(default 600, as 0.169). As in Claude Code, a `PreToolUse` hook can veto the call: exit status 2
(its stderr is the reason), or stdout JSON `{"decision": "block", "reason": ...}` or
`{"hookSpecificOutput": {"permissionDecision": "deny", "permissionDecisionReason": ...}}`; the
model then gets 0.169's "Command blocked by PreToolUse hook: <reason>. Command: <command>" (or
"Tool call blocked by PreToolUse hook: <reason>. Tool: <name>") as the call's output. Anything
else a hook does (other exit codes, crashes, hangs, exiting without reading its input) is logged
and ignored; its stdin is a file holding the document (codex.tools.hooks.document_stdin), so no
exit can break our write.

A hook runs only while trusted and enabled (codex.tools.hook_trust, 0.169's `[hooks.state]`
records): each carries its trust key and the hash of its definition, and every call asks the
session's TrustGate, so trusting one in /hooks takes effect at once and editing it stops it.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import orjson

from codex.errors import CodexError
from codex.sandbox.process_group import kill_group_if_running
from codex.tools.hook_context import context_limit
from codex.tools.hook_runs import RunResult, common_entries, failure, run_reported
from codex.tools.hook_trust import (
    EVENT_LABELS,
    TrustGate,
    command_hook_hash,
    effective_timeout,
    event_matcher,
    hook_key,
)
from codex.tools.hooks import document_stdin
from codex.tools.runtime.context import ToolCall
from codex.tools.tool_hook_shape import HookTool, hook_tool, matcher_matches, tool_response

log = logging.getLogger("codex.tools.hooks")

HOOKS_FILE = "hooks.json"
DEFAULT_TIMEOUT_S = 600.0  # 0.169's default for every event but SessionEnd / Interrupt
BLOCK_EXIT_CODE = 2
_OUTPUT_LIMIT = 64 * 1024


# The events codex-py runs hooks for: the tool events here, the lifecycle ones through
# codex.tools.lifecycle_hooks.
TOOL_EVENTS = ("PreToolUse", "PostToolUse")
LIFECYCLE_EVENTS = (
    "PermissionRequest",
    "SessionStart",
    "UserPromptSubmit",
    "Stop",
    "SessionEnd",
    "PreCompact",
    "PostCompact",
    "Interrupt",
)
RUN_EVENTS = (*TOOL_EVENTS, *LIFECYCLE_EVENTS)


@dataclass(frozen=True, slots=True)
class CommandHook:
    matcher: re.Pattern[str] | None
    command: str
    timeout_s: float
    key: str = ""  # its `[hooks.state]` key (codex.tools.hook_trust)
    hash: str = ""  # its definition's trust hash
    event: str = ""
    source: str = ""  # the file defining it
    order: int = 0  # its place among the file's hooks (0.169's display order, in run ids)
    context_limit: int | None = None  # its additionalContextLimit (codex.tools.hook_context)
    pattern: str | None = None  # the group's matcher as written

    def matches(self, *inputs: str) -> bool:
        """0.169's matcher rule (codex.tools.tool_hook_shape.matcher_matches)."""
        return matcher_matches(self.pattern, self.matcher, inputs)


def _entries(path: Path, data: Any, event: str, warnings: list[str]) -> list[CommandHook]:
    groups = data.get(event) or []
    lifecycle = event not in TOOL_EVENTS
    if not isinstance(groups, list):
        if lifecycle:  # a broken lifecycle table must not stop every session from starting
            warnings.append(f"ignoring hooks.{event} in {path}: expected a list")
            return []
        raise CodexError(f"{path}: hooks.{event} must be a list")
    out: list[CommandHook] = []
    for group_index, group in enumerate(groups):
        if not isinstance(group, dict) or not isinstance(group.get("hooks", []), list):
            if lifecycle:
                warnings.append(f"ignoring a hooks.{event} entry in {path}: no `hooks` list")
                continue
            raise CodexError(f"{path}: each hooks.{event} entry needs a `hooks` list")
        # 0.169 ignores the matcher of some events (Stop, UserPromptSubmit, ...): never compiled
        raw = (group.get("matcher") or "") if event_matcher(event, "") is not None else ""
        try:
            matcher = None if raw in ("", "*") else re.compile(str(raw))
        except re.error as exc:  # 0.169 warns and never runs the group; the others still run
            warnings.append(f'invalid matcher "{raw}" in {path}: regex parse error: {exc}')
            continue
        # Positions count every entry (as 0.169's keys do), also the skipped ones.
        for index, hook in enumerate(group.get("hooks", [])):
            if not isinstance(hook, dict) or hook.get("type", "command") != "command":
                continue  # other hook types (prompts, ...) are Claude-only
            command = hook.get("command")
            if not isinstance(command, str) or not command.strip():
                if event not in TOOL_EVENTS:
                    continue  # skipped with a warning, as 0.169 does (codex.core.hooks_view)
                raise CodexError(f"{path}: a hooks.{event} hook needs a `command` string")
            # 0.169's timeouts: 600s by default (SessionEnd / Interrupt: 1..3s)
            timeout = effective_timeout(event, hook.get("timeout"))
            key = hook_key(path, event, group_index, index)
            digest = command_hook_hash(event, group.get("matcher"), hook)
            hook_ = CommandHook(matcher, command, float(timeout), key, digest, event, str(path))
            hook_ = replace(hook_, pattern=str(raw))
            out.append(replace(hook_, context_limit=context_limit(hook)))
    return out


def parse_hooks(
    path: Path, hooks: Any, first: int = 0, warnings: list[str] | None = None
) -> dict[str, list[CommandHook]]:
    """The command hooks codex-py runs from one source's event tables (`hooks` of hooks.json,
    or config.toml's `[hooks]`), by event; display order counts them in 0.169's event order,
    from `first` (the hooks of the sources listed before this one)."""
    if not isinstance(hooks, dict):
        raise CodexError(f"{path}: expected an object with a `hooks` object")
    said = warnings if warnings is not None else []  # (warnings: for the session to show)
    found = {event: _entries(path, hooks, event, said) for event in RUN_EVENTS}
    order = first
    out: dict[str, list[CommandHook]] = {}
    for event in EVENT_LABELS:
        if event in found:
            out[event] = []
            for hook in found[event]:
                out[event].append(replace(hook, order=order))
                order += 1
        else:  # listed by 0.169 (so counted in its order), not run here
            order += listed_count(hooks.get(event))
    return out


def listed_count(groups: Any) -> int:
    """How many command hooks (with a command) an event's matcher groups hold."""
    if not isinstance(groups, list):
        return 0
    return sum(
        1
        for group in groups
        if isinstance(group, dict) and isinstance(group.get("hooks"), list)
        for hook in group["hooks"]
        if isinstance(hook, dict)
        and hook.get("type", "command") == "command"
        and isinstance(hook.get("command"), str)
        and hook["command"].strip()
    )


class ClaudeHooks:
    """The command hooks of hooks.json (and config.toml's `[hooks]`): PreToolUse / PostToolUse
    here, the lifecycle events in `events` (run by codex.tools.lifecycle_hooks)."""

    def __init__(
        self,
        pre: Sequence[CommandHook],
        post: Sequence[CommandHook],
        *,
        gate: TrustGate | None = None,
        session_id: str = "",
        transcript_path: str | None = None,
        cwd: str = "",
        events: dict[str, list[CommandHook]] | None = None,
    ) -> None:
        self.pre = list(pre)
        self.post = list(post)
        self.events = {event: list(hooks) for event, hooks in (events or {}).items()}
        self.gate = gate  # None: every hook may run (the caller vetted them)
        self.base = {"session_id": session_id, "transcript_path": transcript_path, "cwd": cwd}
        self.warnings: list[str] = []  # hooks skipped as they were read (0.169's warnings)

    @classmethod
    def load(
        cls, codex_home: Path, *, toml_hooks: Any = None, config_file: Any = None, **context: Any
    ) -> ClaudeHooks | None:
        """The hooks of `codex_home/hooks.json`, then those of config.toml's `[hooks]` tables
        (`toml_hooks`, defined in `config_file`) (None: no hooks in either)."""
        sources: list[dict[str, list[CommandHook]]] = []
        warnings: list[str] = []  # groups skipped (a bad matcher), for the session's warnings
        listed = 0  # hooks.json's hooks as 0.169 lists them
        path = Path(codex_home) / HOOKS_FILE
        try:
            text: bytes | None = path.read_bytes()
        except FileNotFoundError:
            text = None
        except OSError as exc:
            raise CodexError(f"{path}: {exc}") from None
        if text is not None:
            try:
                data = orjson.loads(text)
            except orjson.JSONDecodeError as exc:
                raise CodexError(f"{path}: not valid JSON: {exc}") from None
            table = data.get("hooks") if isinstance(data, dict) else None
            sources.append(parse_hooks(path, table, 0, warnings))
            listed = sum(listed_count(table.get(event)) for event in EVENT_LABELS)
        if isinstance(toml_hooks, dict) and config_file is not None:
            tables = {k: v for k, v in toml_hooks.items() if k in EVENT_LABELS}
            if tables:  # listed after hooks.json's (0.169's display order)
                sources.append(parse_hooks(Path(config_file), tables, listed, warnings))
        merged: dict[str, list[CommandHook]] = {event: [] for event in RUN_EVENTS}
        for source in sources:
            for event, hooks in source.items():
                merged[event] += hooks
        if not any(merged.values()):
            return None
        pre, post = merged.pop("PreToolUse"), merged.pop("PostToolUse")
        loaded = cls(pre, post, events=merged, **context)
        loaded.warnings = warnings
        return loaded

    @property
    def hooks(self) -> list[CommandHook]:
        return [*self.pre, *self.post, *(h for hooks in self.events.values() for h in hooks)]

    def runnable(self, event: str, matcher_input: str | None = None) -> list[CommandHook]:
        """The hooks of a lifecycle `event` that match `matcher_input` (None: every hook) and
        are trusted and enabled right now."""
        gate = self.gate
        return [
            h
            for h in self.events.get(event, ())
            if (matcher_input is None or h.matches(matcher_input))
            and (gate is None or gate.allows(h.key, h.hash))
        ]

    def _runnable(self, hooks: list[CommandHook], tool: HookTool) -> list[CommandHook]:
        """The hooks matching the tool (its name or an alias) that are trusted and enabled
        right now."""
        gate = self.gate
        names = tool.matcher_inputs
        return [
            h for h in hooks if h.matches(*names) and (gate is None or gate.allows(h.key, h.hash))
        ]

    def _tool(self, call: ToolCall, ctx: Any) -> HookTool | None:
        cwd = getattr(ctx, "cwd", None)
        return hook_tool(call, cwd, getattr(ctx, "custom_tools", None) or ())

    def _document(self, event: str, call: ToolCall, tool: HookTool, ctx: Any, **more: Any) -> bytes:
        """0.169's PreToolUse / PostToolUse document (key order as 0.169 writes it)."""
        doc: dict[str, Any] = {"session_id": self.base["session_id"]}
        if ctx is not None:
            doc["turn_id"] = ctx.turn_id
        doc["transcript_path"] = self.base["transcript_path"]
        doc["cwd"] = tool.cwd or self.base["cwd"]
        doc["hook_event_name"] = event
        if ctx is not None:
            from codex.tools.lifecycle_hooks import permission_mode

            doc["model"] = getattr(ctx, "model", "") or ""
            doc["permission_mode"] = permission_mode(ctx.approval_policy)
        doc.update(tool_name=tool.name, tool_input=tool.tool_input, **more)
        doc["tool_use_id"] = call.call_id
        return orjson.dumps(doc)

    async def pre_tool_use(self, call: ToolCall, ctx: Any = None) -> str | None:
        """Run the matching PreToolUse hooks (`ctx`: the turn's ToolContext); what the model
        gets when one vetoes the call (0.169's words), or None."""
        tool = self._tool(call, ctx)
        hooks = self._runnable(self.pre, tool) if tool is not None else []
        if tool is None or not hooks:
            return None
        data = self._document("PreToolUse", call, tool, ctx)
        results = await self._run_all(hooks, data, call, ctx, _pre_judge)
        for code, stdout, stderr in results:  # the first veto in configured order
            reason = _veto(code, stdout, stderr)
            if reason is not None:
                return blocked_message(tool, reason)
        return None

    async def post_tool_use(self, call: ToolCall, response: Any, ctx: Any = None) -> None:
        """Run the matching PostToolUse hooks; `response` is what the model got."""
        tool = self._tool(call, ctx)
        hooks = self._runnable(self.post, tool) if tool is not None else []
        if tool is not None and hooks:
            answer = tool_response(tool, response)
            data = self._document("PostToolUse", call, tool, ctx, tool_response=answer)
            await self._run_all(hooks, data, call, ctx)

    async def _run_all(
        self, hooks: list[CommandHook], data: bytes, call: ToolCall, ctx: Any, judge: Any = None
    ) -> list[RunResult]:
        """Run the hooks, reporting each run to the turn (codex.tools.hook_runs) when `ctx`
        has an event sink."""
        more = {"judge": judge} if judge is not None else {}
        return await run_reported(
            hooks,
            data,
            _run,
            emit=getattr(ctx, "emit", None),
            turn_id=getattr(ctx, "turn_id", None),
            suffix=call.call_id,
            **more,
        )


def _pre_judge(hook: CommandHook, result: RunResult) -> tuple[str, list[dict[str, str]]]:
    """A PreToolUse run's status and entries: blocked with its reason as feedback."""
    entries = common_entries(result)
    reason = _veto(*result)
    if reason is not None:
        return "blocked", [*entries, {"kind": "feedback", "text": reason}]
    return failure(result) or ("completed", entries)


def blocked_message(tool: HookTool, reason: str) -> str:
    """What the model gets for a call a PreToolUse hook blocked (0.169's words)."""
    command = tool.tool_input.get("command") if isinstance(tool.tool_input, dict) else None
    if tool.name in ("Bash", "apply_patch") and isinstance(command, str):
        return f"Command blocked by PreToolUse hook: {reason}. Command: {command}"
    return f"Tool call blocked by PreToolUse hook: {reason}. Tool: {tool.name}"


def _veto(code: int | None, stdout: bytes, stderr: bytes) -> str | None:
    if code == BLOCK_EXIT_CODE:
        return stderr.decode("utf-8", "replace").strip() or "no reason given"
    if code != 0:
        return None
    try:
        out = orjson.loads(stdout) if stdout.strip() else None
    except orjson.JSONDecodeError:
        return None
    if not isinstance(out, dict):
        return None
    specific = out.get("hookSpecificOutput")
    if isinstance(specific, dict) and specific.get("permissionDecision") == "deny":
        return str(specific.get("permissionDecisionReason") or "no reason given")
    if out.get("decision") == "block":
        return str(out.get("reason") or "no reason given")
    return None


async def _run(hook: CommandHook, data: bytes) -> tuple[int | None, bytes, bytes]:
    """(exit code or None when it failed to start / hung, stdout, stderr); never raises."""
    try:
        stdin = document_stdin(data)
    except OSError as exc:
        log.error("hook `%s` could not start: no input file: %s", hook.command, exc)
        return None, b"", b""
    try:
        process = await asyncio.create_subprocess_exec(
            "/bin/sh",
            "-c",
            hook.command,
            stdin=stdin,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            start_new_session=True,
        )
    except OSError as exc:
        log.error("hook `%s` could not start: %s", hook.command, exc)
        return None, b"", b""
    finally:
        os.close(stdin)
    try:
        stdout, stderr = await asyncio.wait_for(_communicate(process), hook.timeout_s)
    except TimeoutError:
        kill_group_if_running(process)
        await process.wait()
        log.error("hook `%s` did not finish within %ss; killed", hook.command, hook.timeout_s)
        return None, b"", b""
    except BaseException:
        kill_group_if_running(process)
        raise
    code = process.returncode
    if code not in (0, BLOCK_EXIT_CODE):
        log.error(
            "hook `%s` exited with status %s: %s",
            hook.command,
            code,
            _one_line(stderr)[:500],
        )
    return code, stdout, stderr


def _one_line(text: bytes) -> str:
    """A hook's stderr as one log line (a warning per run, never a multi-line dump)."""
    lines = text.decode("utf-8", "replace").splitlines()
    return " | ".join(line.strip() for line in lines if line.strip())


async def _communicate(process: asyncio.subprocess.Process) -> tuple[bytes, bytes]:
    assert process.stdout is not None and process.stderr is not None
    stdout, stderr = await asyncio.gather(_drain(process.stdout), _drain(process.stderr))
    await process.wait()
    return stdout, stderr


async def _drain(stream: asyncio.StreamReader) -> bytes:
    """Read to EOF, keeping only the first `_OUTPUT_LIMIT` bytes (a flood cannot grow memory)."""
    kept = bytearray()
    while chunk := await stream.read(65536):
        if len(kept) < _OUTPUT_LIMIT:
            kept += chunk[: _OUTPUT_LIMIT - len(kept)]
    return bytes(kept)


async def run_hook(hook: CommandHook, data: bytes) -> tuple[int | None, bytes, bytes]:
    """One run of `hook` with `data` on stdin: (exit code or None, stdout, stderr)."""
    return await _run(hook, data)
