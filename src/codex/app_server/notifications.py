"""Core events → v2 notifications for one thread: a pure state machine (no I/O; the clock is
the only outside input), in the order the official 0.169 server sends them (r2-anchors §B and
tests/fixtures/app_server/): `turn/started`, the user message's `item/started` /
`item/completed`, `item/started` at an agent message's first delta, its deltas, its
`item/completed`, `thread/tokenUsage/updated` + `account/rateLimits/updated` per model
request, then `thread/status/changed` and `turn/completed`, which is always sent: on success,
failure (`error` first) and interrupt.

Input is the core event message object (`Event.msg`); only the types in `_HANDLERS` cost more
than one dict lookup. Deltas are the hot path: one small dict each, nothing else.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable
from typing import Any

import orjson

from codex.app_server.item_shapes import (
    RATE_LIMITS_EMPTY,
    command_actions,
    command_text,
    field,
    file_changes,
    plan_status,
    usage_counts,
)
from codex.app_server.items import (
    agent_message_item,
    now_ms,
    turn_error,
    turn_object,
    user_message_item,
)

Message = dict[str, Any]
# A notification already encoded as one line: (method, bytes), for the delta hot path.
Encoded = tuple[str, bytes]
DELTA = "item/agentMessage/delta"
_dumps = orjson.dumps

IDLE = {"type": "idle"}
ACTIVE = {"type": "active", "activeFlags": []}
WAITING = {"type": "active", "activeFlags": ["waitingOnApproval"]}
SYSTEM_ERROR = {"type": "systemError"}


def note(method: str, params: dict[str, Any]) -> Message:
    return {"method": method, "params": params, "emittedAtMs": int(time.time() * 1000)}


class TurnMapper:
    """The notification state of one thread's current turn."""

    def __init__(self, thread_id: str) -> None:
        self.thread_id = thread_id
        self.turn_id = ""
        self.started_ms = 0
        self.input_content: list[dict[str, Any]] = []
        # What turn/steer sent, in order: each steered user message item echoes one.
        self.steered: list[list[dict[str, Any]]] = []
        self.error: str | None = None
        self._message_id: str | None = None
        self._message_started = 0
        self._delta_prefix = b""
        self._last_message: Message | None = None
        self._reasoning_id: str | None = None
        self._reasoning_started = 0
        self._summary_index = 0
        self._reasoning_text: list[str] = []  # raw reasoning (reasoning_text deltas) of the item
        self._commands: dict[str, Message] = {}
        self._patches: dict[str, Message] = {}
        self._mcp: dict[str, Message] = {}
        self._seq = 0
        self._ignored: set[str] = set()  # declined calls: their late end events add nothing
        self.active = False
        self._handlers: dict[str, Callable[[Any], list[Message]]] = {
            "task_started": self._on_started,
            "turn_started": self._on_started,
            "user_message": self._on_user_message,
            "agent_message_delta": self._on_message_delta,
            "agent_message": self._on_agent_message,
            "agent_reasoning_section_break": self._on_section_break,
            "agent_reasoning_delta": self._on_reasoning_delta,
            "agent_reasoning": self._on_reasoning,
            "agent_reasoning_raw_content_delta": self._on_reasoning_text_delta,
            "exec_command_begin": self._on_exec_begin,
            "exec_command_output_delta": self._on_exec_delta,
            "exec_command_end": self._on_exec_end,
            "mcp_tool_call_begin": self._on_mcp_begin,
            "mcp_tool_call_end": self._on_mcp_end,
            "patch_apply_begin": self._on_patch_begin,
            "patch_apply_end": self._on_patch_end,
            "turn_diff": self._on_turn_diff,
            "plan_update": self._on_plan,
            "token_count": self._on_token_count,
            "error": self._on_error,
            "stream_error": self._on_stream_error,
            "warning": self._on_warning,
            "hook_started": self._on_hook_started,
            "hook_completed": self._on_hook_completed,
            "context_compacted": self._on_compacted,
            "task_complete": self._on_complete,
            "turn_complete": self._on_complete,
            "turn_aborted": self._on_aborted,
        }

    def begin(self, turn_id: str, input_content: list[dict[str, Any]]) -> None:
        """The next turn's id and what the user sent (echoed in its userMessage item)."""
        self.turn_id = turn_id
        self.input_content = input_content
        self.error = None
        self._last_message = None
        self._message_id = None
        self._reasoning_id = None

    def map(self, msg: Any) -> list[Message]:
        handler = self._handlers.get(msg.TAG)
        return handler(msg) if handler is not None else []

    def _item_id(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}_{self.turn_id[:8]}{self._seq}"

    def _started(self, item: Message, at: int) -> Message:
        return note(
            "item/started",
            {"item": item, "threadId": self.thread_id, "turnId": self.turn_id, "startedAtMs": at},
        )

    def _completed(self, item: Message, at: int) -> Message:
        return note(
            "item/completed",
            {
                "item": item,
                "threadId": self.thread_id,
                "turnId": self.turn_id,
                "contentTokenCount": None,
                "completedAtMs": at,
            },
        )

    def status(self, status: dict[str, Any]) -> Message:
        return note("thread/status/changed", {"threadId": self.thread_id, "status": status})

    # ---- turn lifecycle -------------------------------------------------------------------

    def _on_started(self, msg: Any) -> list[Message]:
        self.active = True
        self.started_ms = now_ms()
        turn = turn_object(self.turn_id, started_at=self.started_ms // 1000)
        return [
            self.status(ACTIVE),
            note("turn/started", {"threadId": self.thread_id, "turn": turn}),
        ]

    def _finished_turn(self, status: str, items: list[Message], view: str) -> Message:
        end = now_ms()
        turn = turn_object(
            self.turn_id,
            status=status,
            items=items,
            items_view=view,
            error=turn_error(self.error) if status == "failed" and self.error else None,
            started_at=self.started_ms // 1000,
            completed_at=end // 1000,
            duration_ms=end - self.started_ms,
        )
        self.active = False
        return note("turn/completed", {"threadId": self.thread_id, "turn": turn})

    def _on_complete(self, msg: Any) -> list[Message]:
        if self.error is not None:
            return [self._finished_turn("failed", [], "notLoaded")]
        items = [self._last_message] if self._last_message is not None else []
        return [
            *self._close_open_reasoning(),
            self.status(IDLE),
            self._finished_turn("completed", items, "summary"),
        ]

    def _on_aborted(self, msg: Any) -> list[Message]:
        self._commands.clear()
        self._patches.clear()
        return [self.status(IDLE), self._finished_turn("interrupted", [], "notLoaded")]

    def _on_error(self, msg: Any) -> list[Message]:
        self.error = str(msg.message)
        return [
            self.status(SYSTEM_ERROR),
            note(
                "error",
                {
                    "error": turn_error(self.error),
                    "willRetry": False,
                    "threadId": self.thread_id,
                    "turnId": self.turn_id,
                },
            ),
        ]

    def _on_stream_error(self, msg: Any) -> list[Message]:
        return [
            note(
                "error",
                {
                    "error": turn_error(str(msg.message)),
                    "willRetry": True,
                    "threadId": self.thread_id,
                    "turnId": self.turn_id,
                },
            )
        ]

    def _on_hook_started(self, msg: Any) -> list[Message]:
        return [note("hook/started", hook_params(self.thread_id, self.turn_id, msg))]

    def _on_hook_completed(self, msg: Any) -> list[Message]:
        return [note("hook/completed", hook_params(self.thread_id, self.turn_id, msg))]

    def _on_warning(self, msg: Any) -> list[Message]:
        return [note("warning", {"threadId": self.thread_id, "message": str(msg.message)})]

    def _on_token_count(self, msg: Any) -> list[Message]:
        info = msg.info
        if info is None:
            return []
        usage = {
            "total": usage_counts(info.total_token_usage),
            "last": usage_counts(info.last_token_usage),
            "modelContextWindow": info.model_context_window,
        }
        return [
            note(
                "thread/tokenUsage/updated",
                {"threadId": self.thread_id, "turnId": self.turn_id, "tokenUsage": usage},
            ),
            note("account/rateLimits/updated", {"rateLimits": dict(RATE_LIMITS_EMPTY)}),
        ]

    # ---- messages -------------------------------------------------------------------------

    def _on_user_message(self, msg: Any) -> list[Message]:
        at = now_ms()
        steered = self.steered.pop(0) if self.steered and not self.input_content else None
        content = (
            self.input_content
            or steered
            or [{"type": "text", "text": str(msg.message), "text_elements": []}]
        )
        self.input_content = []
        item_id = self._item_id("user")
        return [
            self._started(user_message_item(item_id, content, at, None), at),
            self._completed(user_message_item(item_id, content, at, at), at),
        ]

    def _open_message(self) -> list[Message]:
        self._message_id = self._item_id("msg")
        self._delta_prefix = (
            _dumps(
                {
                    "method": DELTA,
                    "params": {"threadId": self.thread_id, "turnId": self.turn_id, "itemId": ""},
                }
            )[: -len(b'""}}')]
            + _dumps(self._message_id)
            + b',"delta":'
        )
        self._message_started = at = now_ms()
        return [self._started(agent_message_item(self._message_id, "", at, None), at)]

    def _on_message_delta(self, msg: Any) -> list[Any]:
        # The hot path (tens of thousands per long answer): the line is built from a prefix
        # encoded once per message item, plus the delta's JSON string.
        out: list[Any] = self._open_message() if self._message_id is None else []
        out.append((DELTA, self._delta_prefix + _dumps(msg.delta) + b"}}\n"))
        return out

    def _on_agent_message(self, msg: Any) -> list[Message]:
        out = self._open_message() if self._message_id is None else []
        at = now_ms()
        item = agent_message_item(
            self._message_id or "", str(msg.message), self._message_started, at, msg.phase
        )
        self._message_id = None
        self._last_message = item
        out.append(self._completed(item, at))
        return out

    # ---- reasoning ------------------------------------------------------------------------

    def _open_reasoning(self) -> list[Message]:
        self._reasoning_id = self._item_id("rs")
        self._reasoning_started = at = now_ms()
        self._summary_index = 0
        self._reasoning_text = []
        item = {"type": "reasoning", "id": self._reasoning_id, "summary": [], "content": []}
        return [self._started(item, at)]

    def _on_section_break(self, msg: Any) -> list[Message]:
        out = self._open_reasoning() if self._reasoning_id is None else []
        out.append(
            note(
                "item/reasoning/summaryPartAdded",
                {
                    "threadId": self.thread_id,
                    "turnId": self.turn_id,
                    "itemId": self._reasoning_id,
                    "summaryIndex": self._summary_index,
                },
            )
        )
        return out

    def _on_reasoning_delta(self, msg: Any) -> list[Message]:
        out = self._open_reasoning() if self._reasoning_id is None else []
        out.append(
            note(
                "item/reasoning/summaryTextDelta",
                {
                    "threadId": self.thread_id,
                    "turnId": self.turn_id,
                    "itemId": self._reasoning_id,
                    "delta": msg.delta,
                    "summaryIndex": self._summary_index,
                },
            )
        )
        return out

    def _on_reasoning_text_delta(self, msg: Any) -> list[Message]:
        """Raw reasoning (a model that streams `reasoning_text`): 0.169 forwards each delta as
        `item/reasoning/textDelta` and lists the text in the item's `content`."""
        out = self._open_reasoning() if self._reasoning_id is None else []
        self._reasoning_text.append(str(msg.delta))
        out.append(
            note(
                "item/reasoning/textDelta",
                {
                    "threadId": self.thread_id,
                    "turnId": self.turn_id,
                    "itemId": self._reasoning_id,
                    "delta": msg.delta,
                    "contentIndex": 0,
                },
            )
        )
        return out

    def _on_reasoning(self, msg: Any) -> list[Message]:
        out = self._open_reasoning() if self._reasoning_id is None else []
        out.append(self._close_reasoning([str(msg.text)]))
        return out

    def _close_reasoning(self, summary: list[str]) -> Message:
        content = ["".join(self._reasoning_text)] if self._reasoning_text else []
        item = {
            "type": "reasoning",
            "id": self._reasoning_id,
            "summary": summary,
            "content": content,
        }
        self._reasoning_id = None
        self._reasoning_text = []
        return self._completed(item, now_ms())

    def _close_open_reasoning(self) -> list[Message]:
        """A reasoning item that streamed only raw text gets no summary event: it completes
        when the turn does, so no item is left started and never completed."""
        return [self._close_reasoning([])] if self._reasoning_id is not None else []

    # ---- commands and patches -------------------------------------------------------------

    def command_item(self, msg: Any, status: str = "inProgress") -> Message:
        """The commandExecution item of an exec event (begin, end or approval request)."""
        at = now_ms()
        return {
            "type": "commandExecution",
            "id": str(msg.call_id),
            "pluginId": None,
            "scriptPath": None,
            "command": command_text(msg.command),
            "cwd": str(msg.cwd),
            "processId": None,
            "source": "agent",
            "status": status,
            "commandActions": command_actions(msg.command),
            "aggregatedOutput": None,
            "exitCode": None,
            "durationMs": None,
            "startedAtMs": at,
            "completedAtMs": None,
        }

    def ignore(self, call_id: str) -> None:
        self._ignored.add(call_id)

    def _on_exec_begin(self, msg: Any) -> list[Message]:
        call_id = str(msg.call_id)
        if (
            call_id in self._commands or call_id in self._ignored
        ):  # announced already with its approval request
            return []
        item = self.command_item(msg)
        self._commands[call_id] = item
        return [self._started(item, item["startedAtMs"])]

    def announce_command(self, msg: Any) -> list[Message]:
        """item/started for a command about to be asked for approval (before the request)."""
        item = self.command_item(msg)
        self._commands[str(msg.call_id)] = item
        return [self._started(item, item["startedAtMs"])]

    def decline_command(self, call_id: str, status: str = "declined") -> list[Message]:
        item = self._commands.pop(call_id, None)
        if item is None:
            return []
        at = now_ms()
        item = {**item, "status": status, "completedAtMs": at}
        return [self._completed(item, at)]

    def _on_exec_delta(self, msg: Any) -> list[Message]:
        chunk = msg.chunk
        if isinstance(chunk, bytes | bytearray):
            text = bytes(chunk).decode("utf-8", "replace")
        else:  # the wire form: base64 text
            try:
                text = base64.b64decode(str(chunk)).decode("utf-8", "replace")
            except ValueError:
                text = str(chunk)
        # stamped like every other notification (0.169 sends emittedAtMs on these too)
        return [
            note(
                "item/commandExecution/outputDelta",
                {
                    "threadId": self.thread_id,
                    "turnId": self.turn_id,
                    "itemId": str(msg.call_id),
                    "delta": text,
                },
            )
        ]

    def _on_exec_end(self, msg: Any) -> list[Message]:
        call_id = str(msg.call_id)
        if call_id in self._ignored:
            self._ignored.discard(call_id)
            return []
        started = self._commands.pop(call_id, None) or self.command_item(msg)
        exit_code = getattr(msg, "exit_code", None)
        duration = getattr(msg, "duration", None)
        ms = None
        if duration is not None:
            secs = getattr(duration, "secs", None)
            if secs is None and isinstance(duration, dict):
                secs, nanos = duration.get("secs", 0), duration.get("nanos", 0)
            else:
                nanos = getattr(duration, "nanos", 0)
            ms = int(secs or 0) * 1000 + int(nanos or 0) // 1_000_000
        status = getattr(msg, "status", None)
        if status not in ("completed", "failed", "declined"):
            status = "completed" if exit_code == 0 else "failed"
        at = now_ms()
        item = {
            **started,
            "status": status,
            "aggregatedOutput": getattr(msg, "aggregated_output", None),
            "exitCode": exit_code,
            "durationMs": ms,
            "completedAtMs": at,
        }
        return [self._completed(item, at)]

    def patch_item(self, msg: Any, status: str = "inProgress") -> Message:
        return {
            "type": "fileChange",
            "id": str(msg.call_id),
            "changes": file_changes(getattr(msg, "changes", None)),
            "status": status,
            "startedAtMs": now_ms(),
            "completedAtMs": None,
        }

    def announce_patch(self, msg: Any) -> list[Message]:
        item = self.patch_item(msg)
        self._patches[str(msg.call_id)] = item
        return [self._started(item, item["startedAtMs"])]

    def decline_patch(self, call_id: str, status: str = "declined") -> list[Message]:
        item = self._patches.pop(call_id, None)
        if item is None:
            return []
        at = now_ms()
        return [self._completed({**item, "status": status, "completedAtMs": at}, at)]

    def _on_mcp_begin(self, msg: Any) -> list[Message]:
        """An MCP tool call as an `mcpToolCall` item (its approval, if any, comes after)."""
        from codex.app_server.rollout_items import _mcp_item

        inv = msg.invocation or {}
        item = _mcp_item(str(msg.call_id), inv.get("server", ""), inv.get("tool", ""), {})
        self._mcp[str(msg.call_id)] = item = {**item, "arguments": inv.get("arguments")}
        return [self._started(item, now_ms())]

    def _on_mcp_end(self, msg: Any) -> list[Message]:
        item, raw, took = self._mcp.pop(str(msg.call_id), None), msg.result or {}, msg.duration
        if item is None:
            return []
        item["durationMs"] = took.secs * 1000 + took.nanos // 10**6 if took is not None else None
        ok = raw.get("Ok") or {}
        item["status"] = "failed" if "Err" in raw or ok.get("isError") else "completed"
        if "Err" in raw:
            item["error"] = {"message": str(raw["Err"])}
        else:
            item["result"] = {key: ok.get(key) for key in ("content", "structuredContent")}
        return [self._completed(item, now_ms())]

    def _on_patch_begin(self, msg: Any) -> list[Message]:
        if str(msg.call_id) in self._patches or str(msg.call_id) in self._ignored:
            return []
        return self.announce_patch(msg)

    def _on_patch_end(self, msg: Any) -> list[Message]:
        if str(msg.call_id) in self._ignored:
            self._ignored.discard(str(msg.call_id))
            return []
        started = self._patches.pop(str(msg.call_id), None) or self.patch_item(msg)
        at = now_ms()
        status = "completed" if getattr(msg, "success", False) else "failed"
        return [self._completed({**started, "status": status, "completedAtMs": at}, at)]

    def _on_turn_diff(self, msg: Any) -> list[Message]:
        diff = getattr(msg, "unified_diff", None) or getattr(msg, "diff", "")
        return [
            note(
                "turn/diff/updated",
                {"threadId": self.thread_id, "turnId": self.turn_id, "diff": str(diff)},
            )
        ]

    def _on_plan(self, msg: Any) -> list[Message]:
        plan = [
            {"step": str(field(step, "step")), "status": plan_status(field(step, "status"))}
            for step in getattr(msg, "plan", None) or ()
        ]
        return [
            note(
                "turn/plan/updated",
                {
                    "threadId": self.thread_id,
                    "turnId": self.turn_id,
                    "explanation": getattr(msg, "explanation", None),
                    "plan": plan,
                },
            )
        ]

    def _on_compacted(self, msg: Any) -> list[Message]:
        at = now_ms()
        item = {"type": "contextCompaction", "id": self._item_id("compact")}
        return [self._started(item, at), self._completed(item, at)]


def hook_params(thread_id: str, turn_id: str, msg: Any) -> dict[str, Any]:
    """`hook/started` / `hook/completed` params: the core run summary in camelCase, its event
    name too (`pre_tool_use` -> `preToolUse`), as 0.169 sends them."""

    def camel(name: str) -> str:
        head, *rest = name.split("_")
        return head + "".join(part.capitalize() for part in rest)

    run = {camel(key): value for key, value in dict(msg.run).items()}
    run["eventName"] = camel(str(run.get("eventName", "")))
    return {
        "threadId": thread_id,
        "turnId": turn_id if msg.turn_id is not None else None,
        "run": run,
    }
