"""Where a turn meets the lifecycle hooks (codex.tools.lifecycle_hooks): SessionStart and
UserPromptSubmit before the prompt joins the history, Stop when the model is done, PreCompact /
PostCompact around a compaction (then SessionStart "compact"), SessionEnd when the session shuts
down. What goes into the history is decided here, as 0.169 does it
(tests/fixtures/lifecycle_hooks_official.json): hook context as developer messages (SessionStart's
before the prompt, UserPromptSubmit's after it, also for a message steered into a running
turn, as the turn takes it), a Stop hook's reason as a `<hook_prompt>` user
message that continues the turn. Nothing is imported or run for a session without such hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.protocol.items import InputText, Message, ResponseItem, developer_message

if TYPE_CHECKING:
    from codex.core.session_state import SessionState, TurnSettings


def lifecycle_of(state: SessionState) -> Any:
    """The session's LifecycleHooks, or None (no lifecycle hooks configured)."""
    hook = state.tooling.hook
    hooks = getattr(hook, "lifecycle", None) if hook is not None else None
    if hooks is not None and hooks.emit_to is None:  # their runs' progress goes to the session
        hooks.emit_to = state.emit
    return hooks


def _context(settings: TurnSettings) -> dict[str, str]:
    from codex.tools.lifecycle_hooks import permission_mode

    return {"model": settings.model, "mode": permission_mode(settings.approval_policy)}


def resumed(state: SessionState) -> None:
    """The session goes on from its rollout: its SessionStart hooks say "resume"."""
    hooks = lifecycle_of(state)
    if hooks is not None:
        hooks.start_source = "resume"


async def before_prompt(
    hooks: Any, turn_id: str, settings: TurnSettings, prompt: str | None
) -> tuple[list[ResponseItem], list[ResponseItem], bool]:
    """SessionStart (first turn only) and, for a user's prompt, UserPromptSubmit: the items
    that go before the prompt, those that go after it, and whether a hook blocked it."""
    more = _context(settings)
    hooks.turn_context = dict(more)  # for the hooks fired from inside tool calls
    started = await hooks.session_start(**more)
    before: list[ResponseItem] = [developer_message(text) for text in started.contexts]
    if prompt is None:
        return before, [], False
    submitted = await hooks.user_prompt_submit(turn_id, prompt, **more)
    after: list[ResponseItem] = [developer_message(text) for text in submitted.contexts]
    return before, after, submitted.blocked or submitted.stopped


def steered(state: SessionState, message: ResponseItem, prompt: str) -> None:
    """A user message was steered into the running turn (queued as pending input): the turn
    runs UserPromptSubmit for it as it takes it (`screen_steered`), as 0.169 does."""
    hooks = lifecycle_of(state)
    if hooks is not None and hooks.has("UserPromptSubmit"):
        hooks.steered.append((message, prompt))


async def screen_steered(
    state: SessionState, hooks: Any, turn_id: str, settings: TurnSettings
) -> None:
    """UserPromptSubmit for each steered message waiting in pending input, in order: a blocked
    one is dropped (0.169: the turn then asks the model nothing more for it), an allowed one
    stays, its hooks' context as developer messages right after it. Other pending items (skill
    instructions, a user shell command's record) pass untouched."""
    if not hooks.steered:
        return
    waiting = state.take_pending_input()
    kept: list[ResponseItem] = []
    for item in waiting:
        prompt = next((text for queued, text in hooks.steered if queued is item), None)
        if prompt is None:
            kept.append(item)
            continue
        hooks.steered = [(queued, text) for queued, text in hooks.steered if queued is not item]
        submitted = await hooks.user_prompt_submit(turn_id, prompt, **_context(settings))
        if submitted.blocked or submitted.stopped:
            continue
        kept.append(item)
        kept += [developer_message(text) for text in submitted.contexts]
    arrived = state.take_pending_input()  # steered while the hooks ran: screened next time
    for item in (*kept, *arrived):
        state.add_pending_input(item)


async def stop_continuation(
    hooks: Any, turn_id: str, settings: TurnSettings, last_message: str | None, *, active: bool
) -> Message | None:
    """Stop: the user message that continues the turn when a hook blocked its end, else None."""
    from codex.tools.lifecycle_hooks import hook_prompt

    outcome = await hooks.stop(turn_id, last_message, active=active, **_context(settings))
    if outcome.stopped or not outcome.blocked or not outcome.prompts:
        return None
    return Message("user", [InputText(hook_prompt(run, reason)) for run, reason in outcome.prompts])


async def compacting(
    state: SessionState, turn_id: str, settings: TurnSettings, automatic: bool, work: Any
) -> Any:
    """Run the compaction `work` (an awaitable) between the PreCompact and PostCompact hooks;
    after a compaction, SessionStart with source "compact", its context recorded into the new
    history. What `work` returns (whether it compacted)."""
    hooks = lifecycle_of(state)
    if hooks is None:
        return await work
    trigger = "auto" if automatic else "manual"
    await hooks.compact_event("PreCompact", turn_id, trigger, model=settings.model)
    compacted = await work
    if compacted:
        await hooks.compact_event("PostCompact", turn_id, trigger, model=settings.model)
        started = await hooks.session_start(source="compact", **_context(settings))
        state.record_items([developer_message(text) for text in started.contexts])
    return compacted


async def interrupted(state: SessionState, turn_id: str) -> None:
    """Interrupt, when the user interrupted the turn `turn_id` (observers; never raises)."""
    hooks = lifecycle_of(state)
    if hooks is not None:
        await hooks.interrupt(turn_id)


async def session_end(state: SessionState) -> None:
    """SessionEnd, when the session shuts down (never raises: a hook cannot stop a shutdown)."""
    hooks = lifecycle_of(state)
    if hooks is not None:
        await hooks.session_end("other")
