"""Which rollout items are persisted: the one place that decides what reaches the recorder.

Mirrors upstream's `rollout/policy.rs`: response items except `other`; of the events, only those
needed to replay a conversation in a UI. Deltas, begin notifications, errors, warnings and
similar transient events are dropped. The set is v0.63's list plus the item/task lifecycle events
the 0.169 CLI also writes (its files contain `task_started`, `item_completed`,
`thread_settings_applied`, `task_complete`), so a file we write looks like one it writes.

The recorder writes some of these in 0.169's form rather than as they come
(codex.rollout.shape): `user_message`, `agent_message`, `exec_command_end` and
`patch_apply_end` become `item_completed` events (UserMessage, AgentMessage,
CommandExecution, FileChange), `agent_reasoning` is written from the reasoning item instead,
and a `token_count` is preceded by a `token_usage_record` line.
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
        # written by 0.169 as well (the two ends as item_completed events)
        "exec_command_end",
        "patch_apply_end",
        "task_started",
        "task_complete",
        "item_completed",
        "thread_settings_applied",
        # codex-py only: work-tree checkpoints for `codex undo` (unknown to the official reader)
        "codex_py_checkpoint",
    }
)

# Events the recorder accepts but writes in 0.169's form (codex.rollout.shape): as an
# `item_completed` event, or (reasoning) from the reasoning response item.
REWRITTEN_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "user_message",
        "agent_message",
        "exec_command_end",
        "patch_apply_end",
        "agent_reasoning",
        "agent_reasoning_raw_content",
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
