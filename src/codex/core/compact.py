"""Local compaction (spec-core §7.3): ask the model for a hand-off summary of the conversation,
then replace the history with a fresh initial context, the most recent user messages (within a
token budget) and that summary.

Used by the `compact` Op and by auto-compaction when a response's usage crosses the limit. The
prompt texts below are our own words. Reads and rewrites the session's history; no file I/O
except through the recorder hook (`record_compacted`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from codex.client import ContextWindowExceeded, Prompt
from codex.client.events import Completed, OutputItemDone
from codex.protocol.events import AgentMessage, BackgroundEvent, WarningEvent
from codex.protocol.items import (
    CustomToolCall,
    FunctionCall,
    LocalShellCall,
    Message,
    ResponseItem,
    user_message,
)
from codex.tools.output import TruncationPolicy, truncate_text

if TYPE_CHECKING:
    from codex.core.turn import TurnRunner

COMPACT_PROMPT = """\
Pause the task and write a checkpoint summary for whoever continues this work next (another \
model instance with none of this conversation in view). Include:
- the user's goal and any constraints or preferences they stated;
- what has been done so far: files changed, commands run and what they showed;
- decisions made and why, and anything that was tried and did not work;
- what remains to do, as concrete next steps;
- facts the next agent needs (paths, names, versions, error messages) that would be costly to \
rediscover.
Be complete but compact; write plain text, no preamble."""

SUMMARY_PREFIX = """\
An earlier part of this conversation was compacted. A previous model instance wrote the summary \
below as a hand-off; use it to continue the work without redoing what is already done:"""

NO_SUMMARY = "(no summary available)"
USER_MESSAGE_TOKEN_BUDGET = 20_000
LONG_CONVERSATION_WARNING = (
    "Heads up: Long conversations and multiple compactions can cause the model to be less "
    "accurate. Start a new conversation when possible to keep conversations small and targeted."
)
AUTO_SKIPPED = (
    "Skipped auto-compaction: nothing new was added since the last compaction, so compacting "
    "again cannot make the context smaller. Start a new conversation, or raise "
    "model_auto_compact_token_limit."
)
MANUAL_SKIPPED = "Nothing to compact: the conversation has not changed since the last compaction."
_PSEUDO_USER_PREFIXES = (
    "# AGENTS.md instructions for ",
    "<environment_context>",
    "<user_shell_command>",
    SUMMARY_PREFIX,
)


def real_user_texts(items: Iterable[ResponseItem]) -> list[str]:
    """What the user actually typed, oldest first (context pseudo-messages and summaries out)."""
    out: list[str] = []
    for item in items:
        if isinstance(item, Message) and item.role == "user":
            text = item.text()
            if text and not text.startswith(_PSEUDO_USER_PREFIXES):
                out.append(text)
    return out


def select_user_texts(
    texts: list[str], budget_tokens: int = USER_MESSAGE_TOKEN_BUDGET
) -> list[str]:
    """The newest messages that fit the budget (the oldest kept one middle-truncated)."""
    kept: list[str] = []
    remaining = budget_tokens
    for text in reversed(texts):
        if remaining <= 0:
            break
        tokens = (len(text.encode("utf-8")) + 3) // 4
        if tokens > remaining:
            text = truncate_text(text, TruncationPolicy.tokens(remaining))
            tokens = remaining
        kept.append(text)
        remaining -= tokens
    kept.reverse()
    return kept


def _drop_oldest(items: list[ResponseItem], protected: int) -> bool:
    """Remove the oldest droppable item (and a call's output with it). False if none is left."""
    if len(items) <= protected:
        return False
    victim = items.pop(protected)
    call_id = getattr(victim, "call_id", None)
    if call_id and isinstance(victim, FunctionCall | CustomToolCall | LocalShellCall):
        for i in range(protected, len(items)):
            if getattr(items[i], "call_id", None) == call_id:
                items.pop(i)
                break
    return True


async def compact(runner: TurnRunner, *, automatic: bool = False) -> bool:
    """Summarize and replace the session's history (the compaction task's body).

    Returns False, with a warning event, when nothing but the model's own output was recorded
    since the last compaction: compacting again could not shrink the context, and looping on it
    is the "death spiral" users report.
    """
    sess = runner.session
    if not sess.new_content_since_compaction:
        runner.emit(WarningEvent(AUTO_SKIPPED if automatic else MANUAL_SKIPPED))
        return False
    items = sess.history.for_prompt()
    protected = sess.initial_context_len
    trimmed = 0
    summary: str | None = None
    client = sess.client_for(runner.settings.model)
    sess.write_through_recorder()  # the history this request carries is on disk before it leaves
    while True:
        prompt = Prompt(
            input=[*items, user_message(sess.config.compact_prompt or COMPACT_PROMPT)],
            tools=[],
            instructions=sess.base_instructions,
            parallel_tool_calls=False,
        )
        try:
            summary = None
            async for event in client.stream(prompt):
                if type(event) is OutputItemDone:
                    item = event.item
                    if isinstance(item, Message) and item.role == "assistant":
                        summary = item.text()
                elif type(event) is Completed:
                    sess.add_usage(runner.sub_id, event.usage)
            break
        except ContextWindowExceeded:
            if not _drop_oldest(items, protected):
                raise
            trimmed += 1
    if trimmed:
        runner.emit(
            BackgroundEvent(
                f"Trimmed {trimmed} older conversation item(s) before compacting so the prompt "
                "fits the model context window."
            )
        )
    summary_text = f"{SUMMARY_PREFIX}\n{summary or NO_SUMMARY}"
    fresh = list(sess.fresh_initial_context(runner.settings))
    new_history: list[Any] = list(fresh)
    new_history.extend(user_message(t) for t in select_user_texts(real_user_texts(items)))
    new_history.append(user_message(summary_text))
    sess.history.replace(new_history)
    sess.initial_context_len = len(fresh)
    recorder = sess.recorder
    if recorder is not None and hasattr(recorder, "record_compacted"):
        recorder.record_compacted(summary_text)
    sess.new_content_since_compaction = False
    runner.emit(AgentMessage("Compact task completed"))
    runner.emit(WarningEvent(LONG_CONVERSATION_WARNING))
    sess.reestimate_usage(runner.sub_id)
    return True
