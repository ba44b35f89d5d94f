"""The lifecycle hooks 0.169 runs besides the tool ones, for command hooks of hooks.json and
config.toml's `[hooks]` (codex.tools.claude_hooks parses them; only trusted, enabled hooks run,
codex.tools.hook_trust). Facts from 0.169's `codex exec`, recorded in
tests/fixtures/lifecycle_hooks_official.json (tests/extensions/capture_lifecycle_hooks.py):

- SessionStart: before the thread's first turn, `source` "startup" ("resume" in a process that
  resumed the thread; matched against the group's matcher). Its context (below) goes to the
  model as developer messages before the prompt.
- UserPromptSubmit: before the prompt joins the history, with `prompt` and `turn_id`. Context
  goes in as developer messages after the prompt; a block (`{"decision": "block", "reason"}`,
  `{"continue": false}`, or exit 2 with a reason on stderr) ends the turn before any request.
- Stop: when the model answered without more tool calls, with `stop_hook_active` (true once a
  Stop hook continued this turn) and `last_assistant_message`. A block with a reason (JSON, or
  exit 2 with stderr) continues the turn: the reason goes in as a user message
  `<hook_prompt hook_run_id="stop:<display order>:<source file>">reason</hook_prompt>`.
- SessionEnd: when the session shuts down, `reason` "other", no turn id; 1s timeout by default.
- PermissionRequest: before a shell command that needs approval is put to the user (0.169's
  app-server; `codex exec` never asks), `tool_name` "Bash", `tool_input` {command, description
  (the justification)}. `hookSpecificOutput.decision` {"behavior": "allow"} runs it without
  asking; {"behavior": "deny", "message"} (or exit 2 with stderr) rejects it with the message;
  anything else asks as usual.
- Interrupt: when the user interrupts a turn, before the abort is reported (0.169's app-server:
  no Stop then); `turn_id`, `model`, `permission_mode`; 1s timeout by default (at most 3s).
- PreCompact / PostCompact: around a compaction, with `trigger` ("auto"; "manual" for /compact,
  matched against the group's matcher) and no `permission_mode`; observers. After a compaction
  SessionStart fires again with `source` "compact" (its context joins the new history).

Every document starts `session_id`, [`turn_id`,] `transcript_path`, `cwd`, `hook_event_name`,
then `model` and `permission_mode` ("bypassPermissions" when approvals are never asked, else
"default") except for SessionEnd. Context is `hookSpecificOutput.additionalContext` of a JSON
answer, or the whole stdout when it is not JSON, capped as 0.169 caps it
(codex.tools.hook_context). Hooks of one event run concurrently; their
results are taken in configured order. A hook that fails, hangs or answers garbage is logged and
changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import orjson

from codex.tools.claude_hooks import ClaudeHooks, CommandHook, run_hook
from codex.tools.hook_context import cap_context
from codex.tools.hook_runs import common_entries, failure, run_reported

log = logging.getLogger("codex.tools.hooks")


@dataclass(slots=True)
class Outcome:
    """What the hooks of one event asked for."""

    contexts: list[str] = field(default_factory=list)  # for the model, in hook order
    blocked: bool = False  # UserPromptSubmit: drop the prompt; Stop: continue the turn
    reason: str | None = None  # the block's reason (joined over hooks)
    stopped: bool = False  # `continue: false`: stop processing
    prompts: list[tuple[str, str]] = field(default_factory=list)  # Stop: (run id, reason)


def permission_mode(approval_policy: Any) -> str:
    """0.169's `permission_mode`: only "never ask" bypasses."""
    value = getattr(approval_policy, "value", approval_policy)
    return "bypassPermissions" if str(value) == "never" else "default"


def run_id(hook: CommandHook) -> str:
    from codex.tools.hook_trust import EVENT_LABELS

    return f"{EVENT_LABELS[hook.event]}:{hook.order}:{hook.source}"


def hook_prompt(run: str, reason: str) -> str:
    """The user message a Stop hook's reason becomes (0.169's hook_prompt fragment)."""
    attribute = escape(run, {'"': "&quot;"})
    return f'<hook_prompt hook_run_id="{attribute}">{escape(reason)}</hook_prompt>'


def _json(stdout: bytes) -> Any:
    try:
        return orjson.loads(stdout)
    except orjson.JSONDecodeError:
        return None


def _context(out: dict[str, Any]) -> str | None:
    specific = out.get("hookSpecificOutput")
    if isinstance(specific, dict):
        text = specific.get("additionalContext")
        if isinstance(text, str) and text.strip():
            return text
    return None


def _interpret(
    event: str, hook: CommandHook, result: tuple[int | None, bytes, bytes], acc: Outcome
) -> None:
    code, stdout, stderr = result
    takes_context = event in ("SessionStart", "UserPromptSubmit")
    can_block = event in ("UserPromptSubmit", "Stop")
    if code == 2 and can_block:
        reason = stderr.decode("utf-8", "replace").strip()
        if reason:
            _block(event, hook, reason, acc)
        else:
            log.error("%s hook `%s` exited with code 2 without a reason", event, hook.command)
        return
    if code != 0:
        return  # a failure (logged by the runner) changes nothing
    text = stdout.decode("utf-8", "replace").strip()
    if not text:
        return
    out = _json(stdout)
    if not isinstance(out, dict):
        if text.startswith(("{", "[")) or not takes_context:
            log.error("%s hook `%s` returned invalid JSON output", event, hook.command)
        else:
            acc.contexts.append(text)  # plain text is context
        return
    if takes_context and (context := _context(out)) is not None:
        acc.contexts.append(context)
    if out.get("continue") is False:
        acc.stopped = True
        if acc.reason is None and isinstance(out.get("stopReason"), str):
            acc.reason = out["stopReason"]
        return
    if can_block and out.get("decision") == "block":
        reason = out.get("reason")
        if isinstance(reason, str) and reason.strip():
            _block(event, hook, reason.strip(), acc)
        else:
            log.error("%s hook returned decision:block without a non-empty reason", event)


def _block(event: str, hook: CommandHook, reason: str, acc: Outcome) -> None:
    acc.blocked = True
    acc.reason = reason if acc.reason is None else f"{acc.reason}\n\n{reason}"
    if event == "Stop":
        acc.prompts.append((run_id(hook), reason))


def _permission_verdict(code: int | None, stdout: bytes, stderr: bytes) -> Any:
    """One PermissionRequest hook's answer: True (allow), its deny message, or None."""
    if code == 2:
        message = stderr.decode("utf-8", "replace").strip()
        return message or None  # exit 2 without a reason decides nothing
    if code != 0 or not stdout.strip():
        return None
    out = _json(stdout)
    specific = out.get("hookSpecificOutput") if isinstance(out, dict) else None
    decision = specific.get("decision") if isinstance(specific, dict) else None
    if not isinstance(decision, dict):
        return None
    if decision.get("behavior") == "allow":
        return True
    if decision.get("behavior") == "deny":
        message = decision.get("message")
        return message if isinstance(message, str) and message else "denied by a hook"
    return None


class LifecycleHooks:
    """Runs one session's lifecycle hooks (the session's ClaudeHooks and trust gate)."""

    def __init__(self, hooks: ClaudeHooks) -> None:
        self.hooks = hooks
        self.session_started = False
        self.start_source = "startup"  # "resume" once the session was resumed (core says so)
        # The running turn's model and permission mode (set by core as a turn starts), for
        # the hooks that fire from inside a tool call (PermissionRequest).
        self.turn_context: dict[str, str] = {"model": "", "mode": "default"}
        # The session's event sink, emit(turn id, event), for the hook runs' progress
        # (codex.tools.hook_runs; set by codex.core.hook_events). None: not reported.
        self.emit_to: Any = None
        # Messages steered into the running turn, (item, prompt), until the turn takes them
        # from pending input and runs UserPromptSubmit for them (codex.core.hook_events).
        self.steered: list[tuple[Any, str]] = []

    def has(self, event: str) -> bool:
        return bool(self.hooks.events.get(event))

    def _document(self, event: str, turn_id: str | None, **more: Any) -> bytes:
        base = self.hooks.base
        doc: dict[str, Any] = {"session_id": base["session_id"]}
        if turn_id is not None:
            doc["turn_id"] = turn_id
        doc.update(transcript_path=base["transcript_path"], cwd=base["cwd"])
        doc["hook_event_name"] = event
        doc.update(more)
        return orjson.dumps(doc)

    async def _fire(self, event: str, matcher_input: str | None, data: bytes) -> Outcome:
        outcome = Outcome()
        hooks = self.hooks.runnable(event, matcher_input)
        if hooks:

            def judge(hook: CommandHook, result: Any) -> tuple[str, list[dict[str, str]]]:
                """Take one hook's answer (in configured order) and say how its run went."""
                before, blocked, stopped = len(outcome.contexts), outcome.blocked, outcome.stopped
                _interpret(event, hook, result, outcome)
                # 0.169 caps each hook's context (codex.tools.hook_context)
                sid = self.hooks.base["session_id"] or ""
                outcome.contexts[before:] = [
                    cap_context(text, hook.context_limit, sid) for text in outcome.contexts[before:]
                ]
                entries = common_entries(result)
                entries += [{"kind": "context", "text": t} for t in outcome.contexts[before:]]
                if outcome.stopped and not stopped:
                    return "stopped", entries
                if outcome.blocked and not blocked:
                    return "blocked", [*entries, {"kind": "feedback", "text": outcome.reason or ""}]
                return failure(result) or ("completed", entries)

            turn_id = orjson.loads(data).get("turn_id")
            sink = self.emit_to if event != "SessionEnd" else None  # 0.169 reports none
            emit = (lambda msg: sink(turn_id or "", msg)) if sink is not None else None
            await run_reported(hooks, data, run_hook, emit=emit, turn_id=turn_id, judge=judge)
        return outcome

    async def session_start(self, *, model: str, mode: str, source: str | None = None) -> Outcome:
        """SessionStart: once per session as its first turn starts ("startup", or "resume" for
        a session resumed from its rollout: `start_source`), and "compact" after each
        compaction; its contexts."""
        if source is None:
            source = self.start_source
            if self.session_started:
                return Outcome()
            self.session_started = True
        data = self._document(
            "SessionStart", None, model=model, permission_mode=mode, source=source
        )
        return await self._fire("SessionStart", source, data)

    async def user_prompt_submit(
        self, turn_id: str, prompt: str, *, model: str, mode: str
    ) -> Outcome:
        data = self._document(
            "UserPromptSubmit", turn_id, model=model, permission_mode=mode, prompt=prompt
        )
        return await self._fire("UserPromptSubmit", None, data)

    async def stop(
        self, turn_id: str, last_message: str | None, *, active: bool, model: str, mode: str
    ) -> Outcome:
        data = self._document(
            "Stop",
            turn_id,
            model=model,
            permission_mode=mode,
            stop_hook_active=active,
            last_assistant_message=last_message,
        )
        return await self._fire("Stop", None, data)

    async def compact_event(self, event: str, turn_id: str, trigger: str, *, model: str) -> None:
        """PreCompact or PostCompact (observers: what they answer changes nothing here)."""
        data = self._document(event, turn_id, model=model, trigger=trigger)
        await self._fire(event, trigger, data)

    async def permission_request(self, turn_id: str, tool_input: dict[str, Any]) -> Any:
        """PermissionRequest for a shell command about to be put to the user: True (a hook
        allowed it), a string (a hook denied it: its message), or None (no verdict: ask).
        Any deny wins over allows, as in 0.169."""
        hooks = self.hooks.runnable("PermissionRequest", "Bash")
        if not hooks:
            return None
        data = self._document(
            "PermissionRequest",
            turn_id,
            model=self.turn_context["model"],
            permission_mode=self.turn_context["mode"],
            tool_name="Bash",
            tool_input=tool_input,
        )
        results = await asyncio.gather(*(run_hook(h, data) for h in hooks))
        verdict: Any = None
        for code, stdout, stderr in results:  # in configured order
            decided = _permission_verdict(code, stdout, stderr)
            if isinstance(decided, str):
                return decided
            if decided is True:
                verdict = True
        return verdict

    async def interrupt(self, turn_id: str) -> None:
        """Interrupt: the user interrupted the turn (observers: their answers change nothing)."""
        if not self.has("Interrupt"):
            return
        context = self.turn_context
        data = self._document(
            "Interrupt", turn_id, model=context["model"], permission_mode=context["mode"]
        )
        await self._fire("Interrupt", None, data)

    async def session_end(self, reason: str = "other") -> None:
        if not self.has("SessionEnd"):
            return
        await self._fire("SessionEnd", reason, self._document("SessionEnd", None, reason=reason))
