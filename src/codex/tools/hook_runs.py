"""Hook progress as 0.169 reports it (tests/fixtures/tool_hooks_official.json, `app_server`; and
`codex exec`'s "hook: <Event>" / "hook: <Event> <Status>" lines): before a hook runs, a
HookStarted event with its run summary (status "running"); when it ends, HookCompleted with
its status and entries. The run id is `<event-label>:<display order>:<source file>`, plus
`:<tool_use_id>` for a tool hook. A `systemMessage` in a hook's JSON answer is a "warning"
entry, a block's reason a "feedback" entry, `additionalContext` a "context" entry.

Runs of one event start together (every HookStarted first), run concurrently, and complete in
configured order, as 0.169's exec output shows them. With no `emit` (nobody listening) the
hooks just run.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import orjson

from codex.protocol.events import HookCompleted, HookStarted

RunResult = tuple[int | None, bytes, bytes]  # (exit code or None, stdout, stderr)
# A hook's result read as (status, entries): how the event takes the hook's answer.
Judge = Callable[[Any, RunResult], tuple[str, list[dict[str, str]]]]

_THREAD_SCOPED = {"SessionStart", "SessionEnd"}


def wire_event_name(event: str) -> str:
    """`PreToolUse` -> `pre_tool_use` (the core event's spelling)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", event).lower()


def run_id(hook: Any, suffix: str | None = None) -> str:
    """`pre-tool-use:0:<the hooks.json path>:call_1` (0.169's run ids)."""
    base = f"{wire_event_name(hook.event).replace('_', '-')}:{hook.order}:{hook.source}"
    return f"{base}:{suffix}" if suffix else base


def summary(
    hook: Any,
    status: str,
    started_at: int,
    *,
    suffix: str | None = None,
    completed_at: int | None = None,
    duration_ms: int | None = None,
    entries: Sequence[dict[str, str]] = (),
) -> dict[str, Any]:
    """One run's summary (0.169's HookRunSummary fields, snake_case as core sends them)."""
    return {
        "id": run_id(hook, suffix),
        "event_name": wire_event_name(hook.event),
        "handler_type": "command",
        "execution_mode": "sync",
        "scope": "thread" if hook.event in _THREAD_SCOPED else "turn",
        "source_path": hook.source,
        "source": "user",  # hooks.json and config.toml of CODEX_HOME: the user's own
        "display_order": hook.order,
        "status": status,
        "status_message": None,
        "started_at": started_at,
        "completed_at": completed_at,
        "duration_ms": duration_ms,
        "entries": list(entries),
    }


def json_answer(stdout: bytes) -> dict[str, Any] | None:
    try:
        out = orjson.loads(stdout) if stdout.strip() else None
    except orjson.JSONDecodeError:
        return None
    return out if isinstance(out, dict) else None


def common_entries(result: RunResult) -> list[dict[str, str]]:
    """The entries every event shares: a `systemMessage` is a warning."""
    code, stdout, _ = result
    out = json_answer(stdout) if code == 0 else None
    message = out.get("systemMessage") if out is not None else None
    if isinstance(message, str) and message.strip():
        return [{"kind": "warning", "text": message}]
    return []


def failure(result: RunResult) -> tuple[str, list[dict[str, str]]] | None:
    """("failed", entries) for a hook that did not finish cleanly (exit codes other than 0 and
    2, a hang, a start failure), else None."""
    code = result[0]
    if code is None:
        return "failed", [{"kind": "error", "text": "hook did not run to completion"}]
    if code not in (0, 2):
        return "failed", [{"kind": "error", "text": f"hook exited with code {code}"}]
    return None


def plain_judge(hook: Any, result: RunResult) -> tuple[str, list[dict[str, str]]]:
    """An observer's run: completed (with its warnings) or failed."""
    return failure(result) or ("completed", common_entries(result))


async def run_reported(
    hooks: Sequence[Any],
    data: bytes,
    runner: Callable[[Any, bytes], Awaitable[RunResult]],
    *,
    emit: Callable[[Any], None] | None,
    turn_id: str | None,
    judge: Judge = plain_judge,
    suffix: str | None = None,
) -> list[RunResult]:
    """Run `hooks` concurrently with `data` on stdin (`runner`), reporting each run through
    `emit` (HookStarted, then HookCompleted as `judge` reads its result); the results in
    configured order. `judge` sees every result in that order, reported or not (the caller
    may take the answers there)."""
    if emit is None:
        results = list(await asyncio.gather(*(runner(h, data) for h in hooks)))
        for hook, result in zip(hooks, results, strict=True):
            judge(hook, result)
        return results
    started = int(time.time())
    for hook in hooks:
        emit(HookStarted(turn_id, summary(hook, "running", started, suffix=suffix)))

    async def timed(hook: Any) -> tuple[RunResult, int]:
        begin = time.monotonic()
        result = await runner(hook, data)
        return result, int((time.monotonic() - begin) * 1000)

    timed_results = await asyncio.gather(*(timed(h) for h in hooks))
    done = int(time.time())
    for hook, (result, ms) in zip(hooks, timed_results, strict=True):
        status, entries = judge(hook, result)
        run = summary(
            hook,
            status,
            started,
            suffix=suffix,
            completed_at=done,
            duration_ms=ms,
            entries=entries,
        )
        emit(HookCompleted(turn_id, run))
    return [result for result, _ in timed_results]
