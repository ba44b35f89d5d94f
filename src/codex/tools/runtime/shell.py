"""Handlers for the command tools: `exec_command` / `write_stdin` (unified exec, PTY capable),
`shell` (argv), `shell_command` (script string) and `local_shell` (codex-mini).

Each handler parses its arguments, hands `apply_patch` invocations to the patch handler (upstream
intercepts them), runs the command through the approval/sandbox orchestrator, emits the exec
begin/end events and formats the output the way the official CLI does.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from codex.protocol.events import (
    Duration,
    ExecCommandBegin,
    ExecCommandEnd,
    ExecCommandOutputDelta,
    ExecCommandSource,
    ExecOutputStream,
    TerminalInteraction,
)
from codex.tools.output import format_freeform_exec_output, format_structured_exec_output
from codex.tools.runtime.args import ArgumentError, expect, parse_arguments, wants_escalation
from codex.tools.runtime.context import ToolCall, ToolContext, ToolResult
from codex.tools.runtime.exec_once import (
    DEFAULT_TIMEOUT_MS,
    ExecResult,
    bounded_listener,
    run_to_completion,
)
from codex.tools.runtime.orchestrator import Attempt, run_orchestrated
from codex.tools.runtime.sandboxing import (
    SandboxUnavailable,
    sandbox_env,
    wrap_command,
)
from codex.tools.runtime.unified_exec import (
    DEFAULT_EXEC_YIELD_MS,
    DEFAULT_MAX_OUTPUT_TOKENS,
    DEFAULT_WRITE_YIELD_MS,
    ExecChunk,
    UnifiedExecError,
    clamp_yield,
)

# Extra environment for unified exec children, so tools do not page or colour their output.
UNIFIED_EXEC_ENV = {
    "NO_COLOR": "1",
    "TERM": "dumb",
    "LANG": "C.UTF-8",
    "LC_CTYPE": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "COLORTERM": "",
    "PAGER": "cat",
    "GIT_PAGER": "cat",
    "GH_PAGER": "cat",
    "CODEX_CI": "1",
}

PatchInterceptor = Callable[[ToolContext, ToolCall, str, Path], Awaitable[ToolResult]]


def _prefix_rule(data: dict[str, Any]) -> list[str] | None:
    rule = data.get("prefix_rule")
    if isinstance(rule, list) and rule and all(isinstance(p, str) for p in rule):
        return rule
    return None


def resolve_workdir(ctx: ToolContext, workdir: str | None) -> Path:
    if not workdir:
        return ctx.cwd
    path = Path(workdir)
    return path if path.is_absolute() else ctx.cwd / path


def _prepare(
    ctx: ToolContext,
    argv: list[str],
    cwd: Path,
    sandboxed: bool,
    extra_env: dict[str, str] | None = None,
) -> tuple[list[str], dict[str, str]]:
    policy = ctx.sandbox_policy
    env = dict(ctx.env)
    if extra_env:
        env.update(extra_env)
    if not sandboxed:
        return argv, env
    return wrap_command(argv, policy, cwd), sandbox_env(policy, env)


# ---- shell / shell_command / local_shell ----------------------------------------------------


async def run_once_orchestrated(
    ctx: ToolContext,
    call: ToolCall,
    argv: list[str],
    workdir: Path,
    *,
    timeout_ms: int | None,
    escalated: bool,
    justification: str | None,
    extra_env: dict[str, str] | None = None,
    on_output: Callable[[str, bytes], None] | None = None,
) -> tuple[ExecResult | str, bool]:
    """Run `argv` to completion through the approval/sandbox orchestrator (shell tools and
    custom tools alike), announcing ExecCommandBegin before the first attempt. Returns the
    result or the rejection / error text, and whether Begin was emitted."""
    begun = False

    async def attempt(sandboxed: bool) -> Attempt[ExecResult | str]:
        nonlocal begun
        if not begun:
            ctx.emit(ExecCommandBegin(call.call_id, ctx.turn_id, argv, str(workdir)))
            begun = True
        try:
            final_argv, env = _prepare(ctx, argv, workdir, sandboxed, extra_env)
            result = await run_to_completion(
                final_argv, cwd=workdir, env=env, timeout_ms=timeout_ms, on_output=on_output
            )
        except (OSError, SandboxUnavailable) as exc:
            return Attempt(f"execution error: {exc}", None)
        return Attempt(result, result.exit_code, (result.stdout, result.stderr, result.aggregated))

    outcome = await run_orchestrated(
        ctx,
        call_id=call.call_id,
        argv=argv,
        cwd=workdir,
        escalated=escalated,
        justification=justification,
        attempt=attempt,
    )
    value = outcome.rejection if outcome.rejection is not None else outcome.value
    return value, begun


async def _run_shell_like(
    tctx: ToolContext,
    call: ToolCall,
    argv: list[str],
    workdir: Path,
    timeout_ms: int | None,
    escalated: bool,
    justification: str | None,
    *,
    freeform: bool,
) -> ToolResult:
    emit = tctx.emit

    def on_output(name: str, data: bytes) -> None:
        emit(ExecCommandOutputDelta(call.call_id, ExecOutputStream(name), data))

    value, begun = await run_once_orchestrated(
        tctx,
        call,
        argv,
        workdir,
        timeout_ms=timeout_ms,
        escalated=escalated,
        justification=justification,
        on_output=on_output,
    )
    if isinstance(value, str):
        emit_command_failure(tctx, call, argv, workdir, value, begun)
        return ToolResult(value, success=False)
    assert isinstance(value, ExecResult)
    if freeform:
        text = format_freeform_exec_output(
            value.aggregated,
            exit_code=value.exit_code,
            duration_seconds=value.seconds,
            policy=tctx.truncation,
        )
    else:
        limit_ms = DEFAULT_TIMEOUT_MS if timeout_ms is None else timeout_ms
        text = format_structured_exec_output(
            value.aggregated,
            exit_code=value.exit_code,
            duration_seconds=value.seconds,
            policy=tctx.truncation,
            timed_out_after_ms=limit_ms if value.timed_out else None,
        )
    emit(
        ExecCommandEnd(
            call.call_id,
            tctx.turn_id,
            argv,
            str(workdir),
            value.exit_code,
            Duration.from_seconds(value.seconds),
            stdout=value.stdout,
            stderr=value.stderr,
            aggregated_output=value.aggregated,
            formatted_output=text,
            status="completed" if value.exit_code == 0 else "failed",
        )
    )
    return ToolResult(text, success=value.exit_code == 0)


def emit_command_failure(
    ctx: ToolContext, call: ToolCall, argv: list[str], cwd: Path, message: str, begun: bool
) -> None:
    """The command never ran to an exit status (rejected, sandbox or spawn error): end its item
    with `message`, declined when an approval said no."""
    if not begun:
        ctx.emit(ExecCommandBegin(call.call_id, ctx.turn_id, argv, str(cwd)))
    ctx.emit(
        ExecCommandEnd(
            call.call_id,
            ctx.turn_id,
            argv,
            str(cwd),
            -1,
            Duration(),
            stderr=message,
            aggregated_output=message,
            formatted_output=message,
            status="declined" if "rejected" in message else "failed",
        )
    )


async def handle_shell(ctx: ToolContext, call: ToolCall, intercept: PatchInterceptor) -> ToolResult:
    """`shell` / `container.exec`: argv array."""
    data = parse_arguments(call.payload, ("command",))
    command = data["command"]
    if not isinstance(command, list) or not all(isinstance(c, str) for c in command) or not command:
        raise ArgumentError(
            "failed to parse function arguments: `command` must be a non-empty array of strings"
        )
    workdir = resolve_workdir(ctx, expect(data, "workdir", str))
    patched = await _maybe_patch(ctx, call, command, workdir, intercept)
    if patched is not None:
        return patched
    timeout = expect(data, "timeout_ms", int, expect(data, "timeout", int))
    return await _run_shell_like(
        ctx,
        call,
        list(command),
        workdir,
        timeout,
        wants_escalation(data),
        expect(data, "justification", str),
        freeform=False,
    )


async def handle_shell_command(
    ctx: ToolContext, call: ToolCall, intercept: PatchInterceptor
) -> ToolResult:
    """`shell_command`: a script for the user's shell (`-lc`)."""
    data = parse_arguments(call.payload, ("command",))
    script = expect(data, "command", str)
    workdir = resolve_workdir(ctx, expect(data, "workdir", str))
    argv = [ctx.user_shell, "-lc", script]
    patched = await _maybe_patch(ctx, call, argv, workdir, intercept)
    if patched is not None:
        return patched
    timeout = expect(data, "timeout_ms", int, expect(data, "timeout", int))
    return await _run_shell_like(
        ctx,
        call,
        argv,
        workdir,
        timeout,
        wants_escalation(data),
        expect(data, "justification", str),
        freeform=True,
    )


async def handle_local_shell(
    ctx: ToolContext, call: ToolCall, intercept: PatchInterceptor
) -> ToolResult:
    """`local_shell_call` items: the action carries argv, workdir and timeout."""
    data = parse_arguments(call.payload, ("command",))
    argv = [str(c) for c in data["command"]]
    workdir = resolve_workdir(ctx, data.get("working_directory"))
    patched = await _maybe_patch(ctx, call, argv, workdir, intercept)
    if patched is not None:
        return patched
    return await _run_shell_like(
        ctx, call, argv, workdir, data.get("timeout_ms"), False, None, freeform=False
    )


# ---- unified exec ---------------------------------------------------------------------------


async def handle_exec_command(
    ctx: ToolContext, call: ToolCall, intercept: PatchInterceptor
) -> ToolResult:
    data = parse_arguments(call.payload, ("cmd",))
    cmd = expect(data, "cmd", str)
    shell = expect(data, "shell", str) or "/bin/bash"
    login = expect(data, "login", bool, True)
    tty = expect(data, "tty", bool, False)
    workdir = resolve_workdir(ctx, expect(data, "workdir", str))
    yield_ms = clamp_yield(data.get("yield_time_ms"), DEFAULT_EXEC_YIELD_MS)
    max_tokens = expect(data, "max_output_tokens", int, DEFAULT_MAX_OUTPUT_TOKENS)
    argv = [shell, "-lc" if login else "-c", cmd]
    patched = await _maybe_patch(ctx, call, argv, workdir, intercept)
    if patched is not None:
        return patched
    if not workdir.is_dir():
        return ToolResult(f"execution error: workdir {workdir} is not a directory", success=False)
    manager = ctx.unified_exec
    begin = ExecCommandBegin(
        call.call_id, ctx.turn_id, argv, str(workdir), source=ExecCommandSource.UNIFIED_EXEC_STARTUP
    )
    begun = False

    async def attempt(sandboxed: bool) -> Attempt[ExecChunk | str]:
        nonlocal begun
        if not begun:
            ctx.emit(begin)
            begun = True
        try:
            final_argv, env = _prepare(ctx, argv, workdir, sandboxed, UNIFIED_EXEC_ENV)
            process = await manager.start(final_argv, cwd=workdir, env=env, tty=tty)
        except (OSError, SandboxUnavailable) as exc:
            return Attempt(f"execution error: {exc}", None)
        # Live output while this call waits; a process kept as a session goes quiet after.
        process.listener = bounded_listener(
            lambda _name, data: ctx.emit(
                ExecCommandOutputDelta(call.call_id, ExecOutputStream.STDOUT, data)
            )
        )
        chunk = await manager.collect_first(
            process,
            command=cmd,
            yield_time_ms=yield_ms,
            max_output_tokens=max_tokens,
            meta=(call.call_id, argv, str(workdir)),
        )
        process.listener = None
        return Attempt(chunk, chunk.exit_code, (chunk.output,))

    outcome = await run_orchestrated(
        ctx,
        call_id=call.call_id,
        argv=argv,
        cwd=workdir,
        escalated=wants_escalation(data),
        justification=expect(data, "justification", str),
        attempt=attempt,
        unified=True,
        prefix_rule=_prefix_rule(data),
    )
    if outcome.rejection is not None:
        emit_command_failure(ctx, call, argv, workdir, outcome.rejection, begun)
        return ToolResult(outcome.rejection, success=False, ran=False)
    value = outcome.value
    if isinstance(value, str):
        emit_command_failure(ctx, call, argv, workdir, value, begun)
        return ToolResult(value, success=False)
    assert isinstance(value, ExecChunk)
    text = value.to_model_text()
    if value.exit_code is not None:
        _emit_unified_end(ctx, call.call_id, argv, str(workdir), value, text)
    return ToolResult(text, success=value.exit_code in (None, 0))


def _emit_unified_end(
    ctx: ToolContext, call_id: str, argv: list[str], cwd: str, chunk: ExecChunk, text: str
) -> None:
    assert chunk.exit_code is not None
    ctx.emit(
        ExecCommandEnd(
            call_id,
            ctx.turn_id,
            argv,
            cwd,
            chunk.exit_code,
            Duration.from_seconds(chunk.seconds),
            stdout=chunk.output,
            aggregated_output=chunk.output,
            formatted_output=text,
            source=ExecCommandSource.UNIFIED_EXEC_STARTUP,
            status="completed" if chunk.exit_code == 0 else "failed",
        )
    )


async def handle_write_stdin(
    ctx: ToolContext, call: ToolCall, intercept: PatchInterceptor
) -> ToolResult:
    data = parse_arguments(call.payload, ("session_id",))
    session_id = expect(data, "session_id", int)
    chars = expect(data, "chars", str, "")
    yield_ms = clamp_yield(data.get("yield_time_ms"), DEFAULT_WRITE_YIELD_MS)
    max_tokens = expect(data, "max_output_tokens", int, DEFAULT_MAX_OUTPUT_TOKENS)
    meta = ctx.unified_exec.meta_of(session_id)
    if chars and meta is not None:
        ctx.emit(TerminalInteraction(meta[0], str(session_id), chars))
    try:
        chunk = await ctx.unified_exec.write_stdin(
            session_id, chars, yield_time_ms=yield_ms, max_output_tokens=max_tokens
        )
    except UnifiedExecError as exc:
        return ToolResult(str(exc), success=False)
    text = chunk.to_model_text()
    if chunk.exit_code is not None and meta is not None:
        call_id, argv, cwd = meta
        _emit_unified_end(ctx, call_id, argv, cwd, chunk, text)
    return ToolResult(text, success=True)


# ---- apply_patch through the shell ------------------------------------------------------------


async def _maybe_patch(
    ctx: ToolContext, call: ToolCall, argv: list[str], workdir: Path, intercept: PatchInterceptor
) -> ToolResult | None:
    """Run `argv` as apply_patch if it is an apply_patch invocation (upstream intercepts it)."""
    from codex.tools.apply_patch.invocation import (
        ApplyPatchInvocation,
        InvocationError,
        maybe_parse_apply_patch,
    )

    try:
        found = maybe_parse_apply_patch(argv)
    except InvocationError as exc:
        return ToolResult(str(exc), success=False)
    if not isinstance(found, ApplyPatchInvocation):
        return None
    target = workdir / found.workdir if found.workdir else workdir
    return await intercept(ctx, call, found.parsed, target)
