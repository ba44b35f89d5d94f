"""Core events of one turn → the official SDK's notifications (`turn/started`, `item/started`,
`item/agentMessage/delta`, `item/completed`, `thread/tokenUsage/updated`, `error`,
`turn/completed`). A pure state machine over the events' wire dicts: no I/O, no clock except the
turn's start and end stamps, so the same events always give the same notifications.

Events it does not map produce nothing (the official SDK routes ~85 kinds; a turn's result needs
only these).
"""

from __future__ import annotations

import time
from typing import Any

from codex.sdk.types import (
    AgentMessageDeltaNotification,
    AgentMessageThreadItem,
    CommandExecutionThreadItem,
    ErrorNotification,
    FileChangeThreadItem,
    ImageInput,
    ItemCompletedNotification,
    ItemStartedNotification,
    JsonObject,
    LocalImageInput,
    MentionInput,
    MessagePhase,
    Notification,
    ReasoningThreadItem,
    SkillInput,
    TextInput,
    ThreadItem,
    ThreadTokenUsage,
    ThreadTokenUsageUpdatedNotification,
    TokenUsageBreakdown,
    Turn,
    TurnCompletedNotification,
    TurnError,
    TurnResult,
    TurnStartedNotification,
    TurnStatus,
    UserMessageThreadItem,
)

__all__ = ["TurnTranslator", "input_content"]


def input_content(input: Any) -> list[JsonObject] | None:
    """The SDK's input (a str, one input item or a list of them) as the app-server echoes it
    in a userMessage item: one entry per item. None for an ExternalMessage (its event says)."""
    if isinstance(input, str):
        return [{"type": "text", "text": input, "text_elements": []}]
    out: list[JsonObject] = []
    for item in input if isinstance(input, list) else [input]:
        if isinstance(item, str | TextInput):
            text = item if isinstance(item, str) else item.text
            out.append({"type": "text", "text": text, "text_elements": []})
        elif isinstance(item, ImageInput):
            out.append({"type": "image", "url": item.url})
        elif isinstance(item, LocalImageInput):
            out.append({"type": "localImage", "path": item.path})
        elif isinstance(item, SkillInput | MentionInput):
            kind = "skill" if isinstance(item, SkillInput) else "mention"
            out.append({"type": kind, "name": item.name, "path": item.path})
        else:
            return None
    return out


def _breakdown(usage: dict[str, Any] | None) -> TokenUsageBreakdown:
    u = usage or {}
    return TokenUsageBreakdown(
        input_tokens=int(u.get("input_tokens") or 0),
        cached_input_tokens=int(u.get("cached_input_tokens") or 0),
        output_tokens=int(u.get("output_tokens") or 0),
        reasoning_output_tokens=int(u.get("reasoning_output_tokens") or 0),
        total_tokens=int(u.get("total_tokens") or 0),
    )


def command_text(command: Any) -> str:
    if isinstance(command, str):
        return command
    import shlex

    return shlex.join(str(word) for word in command or ())


def _changes(changes: Any) -> list[dict[str, Any]]:
    if not isinstance(changes, dict):
        return []
    out = []
    for path, change in changes.items():
        kind = change.get("type") if isinstance(change, dict) else None
        if kind is None and isinstance(change, dict) and len(change) == 1:
            kind = next(iter(change))
        out.append({"path": str(path), "kind": kind or "update"})
    return out


class TurnTranslator:
    """One per turn: feed it each core event's msg dict, get the notifications to yield."""

    def __init__(self, thread_id: str, turn_id: str) -> None:
        self.thread_id = thread_id
        self.turn_id = turn_id
        self.items: list[ThreadItem] = []
        self.usage: ThreadTokenUsage | None = None
        self.error: TurnError | None = None
        self.completed: Turn | None = None
        self._started_at = int(time.time())
        self._next_item = 0
        self._message_id: str | None = None  # the agent message its deltas belong to
        self._commands: dict[str, CommandExecutionThreadItem] = {}
        self._patches: dict[str, FileChangeThreadItem] = {}
        # What the user sent, per input in order (the turn's, then steered ones): echoed in
        # the userMessage items as the app-server echoes turn/start's input (`input_content`).
        self.inputs: list[list[JsonObject]] = []

    def _item_id(self) -> str:
        self._next_item += 1
        return f"{self.turn_id}-item-{self._next_item}"

    def _n(self, method: str, payload: Any) -> Notification:
        return Notification(method, payload)

    def _started(self, item: ThreadItem) -> Notification:
        return self._n("item/started", ItemStartedNotification(self.thread_id, self.turn_id, item))

    def _completed(self, item: ThreadItem) -> Notification:
        self.items.append(item)
        return self._n(
            "item/completed", ItemCompletedNotification(self.thread_id, self.turn_id, item)
        )

    def feed(self, msg: dict[str, Any]) -> list[Notification]:
        """The notifications for one event (`msg`: the event's wire dict, tagged by type)."""
        handler = getattr(self, "_on_" + str(msg.get("type")), None)
        return handler(msg) if handler is not None else []

    def collect(self, msg: Any) -> None:
        """`run()`'s reading of one event (`msg`: core's EventMsg, or a wire dict): the same
        items, usage, error and end as `feed`, without building notifications. The kinds every
        turn has are read from the event's attributes (no wire dict); the rare ones go
        through `feed` itself, so both readings cannot drift apart."""
        tag = msg.get("type") if isinstance(msg, dict) else getattr(msg, "TAG", None)
        if tag not in _COLLECTED or isinstance(msg, dict):
            if tag in _FED:
                self.feed(msg if isinstance(msg, dict) else msg.to_dict())
            return
        if tag == "agent_message_delta":
            if self._message_id is None:
                self._message_id = self._item_id()  # as `feed`: the id its deltas would carry
        elif tag == "agent_message":
            self._add_message(msg.message, msg.phase)
        elif tag == "token_count":
            info = msg.info
            if info is not None:
                self.usage = ThreadTokenUsage(
                    _breakdown_of(info.total_token_usage),
                    _breakdown_of(info.last_token_usage),
                    info.model_context_window,
                )
        elif tag == "error":
            self.error = TurnError(str(msg.message or "error"))
        elif tag == "turn_aborted":
            self._finish(TurnStatus.interrupted)
        else:  # task_complete, turn_complete
            self._finish(TurnStatus.failed if self.error is not None else TurnStatus.completed)

    def _on_task_started(self, msg: dict[str, Any]) -> list[Notification]:
        turn = Turn(self.turn_id, TurnStatus.in_progress, started_at=self._started_at)
        return [self._n("turn/started", TurnStartedNotification(self.thread_id, turn))]

    def _on_user_message(self, msg: dict[str, Any]) -> list[Notification]:
        """The turn's input (or steered input) as a userMessage item, started and completed at
        once, as the official SDK gets it from the app-server (its run() result lists it)."""
        content = self.inputs.pop(0) if self.inputs else _user_content(msg)
        item = UserMessageThreadItem(self._item_id(), content)
        return [self._started(item), self._completed(item)]

    def _on_agent_message_delta(self, msg: dict[str, Any]) -> list[Notification]:
        if self._message_id is None:
            self._message_id = self._item_id()
        delta = AgentMessageDeltaNotification(
            self.thread_id, self.turn_id, self._message_id, str(msg.get("delta") or "")
        )
        return [self._n("item/agentMessage/delta", delta)]

    def _on_agent_message(self, msg: dict[str, Any]) -> list[Notification]:
        item = self._add_message(msg.get("message"), msg.get("phase"))
        return [
            self._n("item/completed", ItemCompletedNotification(self.thread_id, self.turn_id, item))
        ]

    def _add_message(self, text: Any, phase: Any) -> AgentMessageThreadItem:
        item_id = self._message_id or self._item_id()
        self._message_id = None
        item = AgentMessageThreadItem(
            item_id,
            str(text or ""),
            MessagePhase(phase) if phase in ("commentary", "final_answer") else None,
        )
        self.items.append(item)
        return item

    def _on_agent_reasoning(self, msg: dict[str, Any]) -> list[Notification]:
        return [self._completed(ReasoningThreadItem(self._item_id(), [str(msg.get("text"))]))]

    def _on_exec_command_begin(self, msg: dict[str, Any]) -> list[Notification]:
        item = CommandExecutionThreadItem(
            str(msg.get("call_id") or self._item_id()),
            command_text(msg.get("command")),
            str(msg.get("cwd") or ""),
            "inProgress",
        )
        self._commands[item.id] = item
        return [self._started(item)]

    def _on_exec_command_end(self, msg: dict[str, Any]) -> list[Notification]:
        call_id = str(msg.get("call_id"))
        begun = self._commands.pop(call_id, None)
        exit_code = msg.get("exit_code")
        duration = msg.get("duration")
        item = CommandExecutionThreadItem(
            call_id,
            begun.command if begun else command_text(msg.get("command")),
            begun.cwd if begun else str(msg.get("cwd") or ""),
            "completed" if exit_code == 0 else "failed",
            aggregated_output=msg.get("aggregated_output") or msg.get("formatted_output"),
            exit_code=exit_code,
            duration_ms=_duration_ms(duration),
        )
        return [self._completed(item)]

    def _on_exec_approval_request(self, msg: dict[str, Any]) -> list[Notification]:
        return []  # answered by the approval handler, not a notification

    def _on_patch_apply_begin(self, msg: dict[str, Any]) -> list[Notification]:
        item = FileChangeThreadItem(
            str(msg.get("call_id")), _changes(msg.get("changes")), "inProgress"
        )
        self._patches[item.id] = item
        return [self._started(item)]

    def _on_patch_apply_end(self, msg: dict[str, Any]) -> list[Notification]:
        call_id = str(msg.get("call_id"))
        begun = self._patches.pop(call_id, None)
        changes = begun.changes if begun else _changes(msg.get("changes"))
        done = FileChangeThreadItem(
            call_id, changes, "completed" if msg.get("success") else "failed"
        )
        return [self._completed(done)]

    def _on_token_count(self, msg: dict[str, Any]) -> list[Notification]:
        info = msg.get("info")
        if not info:
            return []
        self.usage = ThreadTokenUsage(
            _breakdown(info.get("total_token_usage")),
            _breakdown(info.get("last_token_usage")),
            info.get("model_context_window"),
        )
        payload = ThreadTokenUsageUpdatedNotification(self.thread_id, self.turn_id, self.usage)
        return [self._n("thread/tokenUsage/updated", payload)]

    def _on_error(self, msg: dict[str, Any]) -> list[Notification]:
        self.error = TurnError(str(msg.get("message") or "error"))
        payload = ErrorNotification(self.thread_id, self.turn_id, self.error)
        return [self._n("error", payload)]

    def _on_task_complete(self, msg: dict[str, Any]) -> list[Notification]:
        status = TurnStatus.failed if self.error is not None else TurnStatus.completed
        return self._end(status)

    _on_turn_complete = _on_task_complete

    def _on_turn_aborted(self, msg: dict[str, Any]) -> list[Notification]:
        return self._end(TurnStatus.interrupted)

    def _end(self, status: TurnStatus) -> list[Notification]:
        payload = TurnCompletedNotification(self.thread_id, self._finish(status))
        return [self._n("turn/completed", payload)]

    def _finish(self, status: TurnStatus) -> Turn:
        now = int(time.time())
        self.completed = Turn(
            self.turn_id,
            status,
            list(self.items),
            self.error if status is TurnStatus.failed else None,
            self._started_at,
            now,
            (now - self._started_at) * 1000,
        )
        return self.completed

    def end_without_event(self) -> list[Notification]:
        """The session closed before the turn ended: it counts as interrupted."""
        return [] if self.completed is not None else self._end(TurnStatus.interrupted)

    def result(self) -> TurnResult:
        """The official `TurnResult` once the turn ended; a failed turn raises RuntimeError
        with its error message, as the official `run()` does."""
        turn = self.completed
        if turn is None:
            raise RuntimeError("turn completed event not received")
        if turn.status is TurnStatus.failed:
            raise RuntimeError(turn.error.message if turn.error else "turn failed")
        return TurnResult(
            id=turn.id,
            status=turn.status,
            error=turn.error,
            started_at=turn.started_at,
            completed_at=turn.completed_at,
            duration_ms=turn.duration_ms,
            final_response=_final_response(self.items),
            items=list(self.items),
            usage=self.usage,
        )


def _breakdown_of(usage: Any) -> TokenUsageBreakdown:
    """`_breakdown` of a TokenUsage object (the same values its wire dict gives)."""
    if usage is None:
        return _breakdown(None)
    return TokenUsageBreakdown(
        input_tokens=int(usage.input_tokens or 0),
        cached_input_tokens=int(usage.cached_input_tokens or 0),
        output_tokens=int(usage.output_tokens or 0),
        reasoning_output_tokens=int(usage.reasoning_output_tokens or 0),
        total_tokens=int(usage.total_tokens or 0),
    )


# The kinds `collect` reads from the event object; the other kinds `feed` maps go to `feed`.
_COLLECTED = frozenset(
    {
        "agent_message_delta",
        "agent_message",
        "token_count",
        "error",
        "task_complete",
        "turn_complete",
        "turn_aborted",
    }
)
# Kinds that only make notifications (no result state): `collect` skips them.
_NOTIFY_ONLY = frozenset({"task_started", "exec_approval_request"})


def _user_content(msg: dict[str, Any]) -> list[dict[str, Any]]:
    """A user_message event as the app-server's userMessage content: the text (core joined
    the input's texts), then its images, local images and skills."""
    content: list[dict[str, Any]] = []
    text = str(msg.get("message") or "")
    if text:
        elements = msg.get("text_elements") or []
        content.append({"type": "text", "text": text, "text_elements": elements})
    content += [{"type": "image", "url": str(url)} for url in msg.get("images") or ()]
    content += [{"type": "localImage", "path": str(p)} for p in msg.get("local_images") or ()]
    content += [dict(skill) for skill in msg.get("skills") or ()]
    return content


def _duration_ms(duration: Any) -> int | None:
    """Core's duration (a {secs, nanos} dict or seconds) in milliseconds."""
    if isinstance(duration, dict):
        return int(duration.get("secs", 0)) * 1000 + int(duration.get("nanos", 0)) // 1_000_000
    if isinstance(duration, int | float):
        return int(duration * 1000)
    return None


def _final_response(items: list[ThreadItem]) -> str | None:
    """The official rule: the last final_answer message, else the last one with no phase."""
    fallback: str | None = None
    for item in reversed(items):
        if not isinstance(item, AgentMessageThreadItem):
            continue
        if item.phase is MessagePhase.final_answer:
            return item.text
        if item.phase is None and fallback is None:
            fallback = item.text
    return fallback


# The kinds `feed` maps that `collect` hands to it (every handler but the notify-only ones).
_FED = frozenset(name[4:] for name in dir(TurnTranslator) if name.startswith("_on_")) - _NOTIFY_ONLY
