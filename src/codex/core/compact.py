"""Local compaction (spec-core §7.3): ask the model for a hand-off summary of the conversation,
then replace the history with the most recent user messages (within a token budget, a fresh
initial context placed before the last of them) and that summary.

Used by the `compact` Op and by auto-compaction (codex.core.turn: before a turn when the last
request's usage reached `model_auto_compact_token_limit`, and between two requests of a turn when
it did and the model still has work to do; never after the turn's final answer). The prompt
texts below are our own words. Reads the history through the turn's narrowed state and returns
a `Compaction` the state installs (`SessionState.apply_compaction`); no file I/O of its own.
"""

from __future__ import annotations

from collections.abc import Mapping

from codex.client import ContextWindowExceeded, Prompt
from codex.client.events import Completed, OutputItemDone
from codex.core.history import SUMMARY_PREFIX, real_user_texts
from codex.core.session_state import Compaction, SessionState, TurnSettings
from codex.core.turn_metadata import client_metadata
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

NO_SUMMARY = "(no summary available)"
USER_MESSAGE_TOKEN_BUDGET = 20_000
LONG_CONVERSATION_WARNING = (
    "Heads up: Long conversations and multiple compactions can cause the model to be less "
    "accurate. Start a new conversation when possible to keep conversations small and targeted."
)
MANUAL_SKIPPED = "Nothing to compact: the conversation has not changed since the last compaction."


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


def compacted_history(
    fresh: list[ResponseItem], kept_texts: list[str], summary_text: str
) -> list[ResponseItem]:
    """The history that replaces the old one (as 0.169 builds it): the kept user messages, with
    the fresh initial context placed right before the last of them (so the model reads the
    current instructions and environment next to the latest request), then the summary."""
    users: list[ResponseItem] = [user_message(t) for t in kept_texts]
    head, last = users[:-1], users[-1:]
    return [*head, *fresh, *last, user_message(summary_text)]


async def compact(
    state: SessionState,
    sub_id: str,
    settings: TurnSettings,
    *,
    automatic: bool = False,
    extra_headers: Mapping[str, str] | None = None,
) -> bool:
    """Summarize and replace the session's history (the compaction task's body).

    Automatic compaction (before a turn whose last request crossed the limit, or between two
    requests of a turn) is silent, as in 0.169: no agent message, no warning, so `exec --json`
    shows nothing for it; the turn just goes on with the smaller history. The manual `compact`
    Op reports itself ("Compact task completed" and the long-conversation warning), and refuses,
    with a warning, when nothing but the model's own output was recorded since the last
    compaction (compacting again could not shrink the context). Returns whether it compacted.
    """
    sess = state
    if not automatic and not sess.new_content_since_compaction:
        sess.emit(sub_id, WarningEvent(MANUAL_SKIPPED))
        return False
    items = sess.history.for_prompt()
    protected = sess.initial_context_len
    trimmed = 0
    summary: str | None = None
    outputs: list[ResponseItem] = []
    client = sess.client_for(settings.model)
    sess.write_through_recorder()  # the history this request carries is on disk before it leaves
    while True:
        prompt = Prompt(
            input=[*items, user_message(sess.config.compact_prompt or COMPACT_PROMPT)],
            tools=[],
            instructions=sess.base_instructions,
            parallel_tool_calls=False,
            extra_headers=extra_headers or {},  # the turn's metadata (codex.core.turn_metadata)
            client_metadata=None if extra_headers is None else client_metadata(extra_headers),
        )
        try:
            summary = None
            outputs = []
            async for event in client.stream(prompt):
                if type(event) is OutputItemDone:
                    item = event.item
                    outputs.append(item)
                    if isinstance(item, Message) and item.role == "assistant":
                        summary = item.text()
                elif type(event) is Completed:
                    sess.add_usage(sub_id, event.usage)
            break
        except ContextWindowExceeded:
            if not _drop_oldest(items, protected):
                raise
            trimmed += 1
    if trimmed:
        sess.emit(
            sub_id,
            BackgroundEvent(
                f"Trimmed {trimmed} older conversation item(s) before compacting so the prompt "
                "fits the model context window."
            ),
        )
    summary_text = f"{SUMMARY_PREFIX}\n{summary or NO_SUMMARY}"
    fresh = list(sess.fresh_initial_context(settings))
    kept = select_user_texts(real_user_texts(items))
    new_history = compacted_history(fresh, kept, summary_text)
    sess.apply_compaction(
        Compaction(
            history=new_history,
            initial_context_len=len(fresh) + max(0, len(kept) - 1),
            summary_text=summary_text,
            outputs=outputs,
        )
    )
    if not automatic:
        sess.emit(sub_id, AgentMessage("Compact task completed"))
        sess.emit(sub_id, WarningEvent(LONG_CONVERSATION_WARNING))
    sess.reestimate_usage(sub_id)
    return True
