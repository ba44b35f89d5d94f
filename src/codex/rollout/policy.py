"""Which rollout items are persisted: the one place that decides what reaches disk.

Mirrors upstream's `rollout/policy.rs`: response items except `other`; of the events, only those
needed to replay a conversation in a UI. Deltas, begin/end notifications, errors, warnings and
similar transient events are dropped. The set is v0.63's list plus the item/task lifecycle events
the 0.169 CLI also writes (its files contain `task_started`, `item_completed`,
`thread_settings_applied`, `task_complete`), so a file we write looks like one it writes.
"""

from __future__ import annotations

from collections.abc import Mapping

PERSISTED_EVENT_TYPES: frozenset[str] = frozenset(
    {
        # v0.63 policy
        "user_message",
        "agent_message",
        "agent_reasoning",
        "agent_reasoning_raw_content",
        "token_count",
        "entered_review_mode",
        "exited_review_mode",
        "undo_completed",
        "turn_aborted",
        # written by 0.169 as well
        "task_started",
        "task_complete",
        "item_completed",
        "thread_settings_applied",
        # codex-py only: work-tree checkpoints for `codex undo` (unknown to the official reader)
        "codex_py_checkpoint",
    }
)

# Line kinds a rollout file may hold (0.169 adds world_state and token_usage_record).
ROLLOUT_ITEM_TYPES: frozenset[str] = frozenset(
    {
        "session_meta",
        "response_item",
        "event_msg",
        "turn_context",
        "compacted",
        "world_state",
        "token_usage_record",
    }
)


def should_persist_event(msg: Mapping[str, object]) -> bool:
    """Whether an event_msg payload (`{"type": ..., ...}`) belongs in the rollout file."""
    return msg.get("type") in PERSISTED_EVENT_TYPES


def should_persist_response_item(item: Mapping[str, object]) -> bool:
    return item.get("type") not in (None, "other")
