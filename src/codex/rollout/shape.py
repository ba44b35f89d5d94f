"""The lines of a turn as the official CLI 0.169 writes them, built from what core records.

Core hands the recorder response items, the events codex.rollout.policy lets through and a
turn context per model request, in the order it produces them. 0.169 writes a turn differently
(tests/fixtures/rollout_parity/, captured from its `exec` against the mock model server):

* the turn opens with `task_started` (turn_attribution, root_turn_id, started_at), then, in a new
  file, the initial context, then ONE `turn_context` per turn (it names the turn), then
  `thread_settings_applied` (first turn of a process; a resumed process writes it before its
  first `task_started`), and only then the user's message;
* messages, reasoning and tool calls are `item_completed` events (UserMessage, AgentMessage,
  Reasoning, CommandExecution, FileChange), not the legacy `user_message` / `agent_message` /
  `agent_reasoning` events; an item's event precedes the response item of the same thing
  (a tool's precedes its output);
* a model response's usage is a `token_usage_record` right after the response's own items, and
  its `token_count` event comes once the response's tool outputs are on record;
* `task_complete` carries started_at, completed_at, duration_ms and time_to_first_token_ms.

`LineShaper` does that reordering and rewriting: it turns each recorder call into the lines to
write, holding a few back until the point where 0.169 would have written them (the turn's lines
until its turn context; a response's usage until its tool outputs or the next request). Nothing
is held across a turn boundary, and `release()` (every flush) lets everything out, so the
write-ahead promise (what the model is sent is on disk first) holds as before.

Not reproduced: 0.169's `world_state` line, `permission_profile`, per-line `ordinal` and
`metadata` in new files, `internal_chat_message_metadata_passthrough` on response items; the
usage record's `response_id` is null (core's token count does not carry it).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from codex.protocol.uuid7 import uuid7

__all__ = ["LineShaper"]

Line = tuple[str, Any]  # (rollout line kind, payload)

# Tool outputs: the model's call was answered. Their item_completed events and the response's
# usage record precede them.
_OUTPUT_TYPES = frozenset(
    {"function_call_output", "custom_tool_call_output", "local_shell_call_output"}
)
# Model output: the first one of a turn ends the wait for its first token.
_MODEL_TYPES = frozenset(
    {"message", "reasoning", "function_call", "custom_tool_call", "local_shell_call"}
)
_USAGE_KEYS = (
    "input_tokens",
    "cached_input_tokens",
    "cache_write_input_tokens",
    "output_tokens",
    "reasoning_output_tokens",
    "total_tokens",
)


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _add_usage(total: dict[str, int], usage: Mapping[str, Any]) -> None:
    for key in _USAGE_KEYS:
        value = usage.get(key)
        if isinstance(value, int):
            total[key] = total.get(key, 0) + value


def _texts(content: Any) -> list[str]:
    if not isinstance(content, list):
        return []
    return [str(part.get("text", "")) for part in content if isinstance(part, dict)]


class _Turn:
    __slots__ = (
        "context",
        "first_output_ms",
        "id",
        "started_ms",
        "usage",
    )

    def __init__(self, turn_id: str) -> None:
        self.id = turn_id
        self.started_ms = _now_ms()
        self.first_output_ms: int | None = None
        self.context: dict[str, Any] | None = None  # the turn_context written, if any
        self.usage: dict[str, int] = {}


class LineShaper:
    """One rollout file's line builder (see the module docstring). `new_file`: the file was just
    created, so the initial context recorded before the first turn moves after its
    `task_started`; `source` / `model_provider`: from the session's meta."""

    def __init__(
        self,
        thread_id: str,
        *,
        new_file: bool,
        source: Any = None,
        model_provider: str | None = None,
    ) -> None:
        self.thread_id = thread_id
        self.model_provider = model_provider
        self._trigger = "exec" if source == "exec" else None
        self._new_file = new_file
        self._defer_initial = new_file  # until the first turn, or a line of no turn
        self._before_first_turn: list[Line] = []  # a new file's initial context
        self._held: list[Line] | None = None  # the turn's lines until its turn context
        self._turn: _Turn | None = None
        self._settings_written = False
        self._usage: tuple[dict[str, Any], dict[str, Any]] | None = None  # record, token_count
        self._tools: dict[str, dict[str, Any]] = {}  # call_id -> its item_completed payload
        self._answered: set[str] = set()  # this turn's calls whose output is on record
        self._agent: list[dict[str, Any]] = []  # agent_message items awaiting their response item
        self._unclaimed: list[str] = []  # assistant texts on record that no event named yet

    @property
    def awaits_first_turn(self) -> bool:
        """A new file's shaper that holds nothing but its initial context, deferred to the
        first turn (no turn and no line of no turn yet): a file made lazily is not made yet."""
        return self._defer_initial

    # ---- what the recorder calls --------------------------------------------------------------

    def response_item(self, item: Mapping[str, Any]) -> list[Line]:
        kind = item.get("type")
        if self._turn is None and self._defer_initial:
            self._before_first_turn.append(("response_item", item))
            return []
        out: list[Line] = []
        if kind in _MODEL_TYPES and item.get("role") != "user":
            self._first_output()
        if kind == "reasoning":
            summary = [
                str(part.get("text", ""))
                for part in item.get("summary") or ()
                if isinstance(part, dict)
            ]
            self._item(out, {
                "type": "Reasoning",
                "id": item.get("id") or uuid7(),
                "summary_text": summary,
                "raw_content": _texts(item.get("content")),
            })  # fmt: skip
        elif kind == "message" and item.get("role") == "assistant":
            text = "".join(_texts(item.get("content")))
            if self._agent and self._agent[0]["content"][0]["text"] == text:
                agent = self._agent.pop(0)
                agent["id"] = item.get("id") or agent["id"] or f"msg_{uuid7()}"
            else:
                agent = self._agent_item(text, item.get("id"))
                self._unclaimed.append(text)  # its agent_message event may follow
            self._item(out, agent)
        elif kind in _OUTPUT_TYPES:
            self._usage_record(out)
            call_id = item.get("call_id")
            if isinstance(call_id, str):
                self._answered.add(call_id)
            done = self._tools.pop(call_id, None) if isinstance(call_id, str) else None
            if done is not None:
                out.append(("event_msg", done))
        out.append(("response_item", item))
        return self._hold(out)

    def event(self, msg: Mapping[str, Any]) -> list[Line]:
        kind = msg.get("type")
        if kind == "task_started":
            return self._task_started(msg)
        if kind in ("task_complete", "turn_aborted"):
            return self._turn_end(msg)
        out: list[Line] = self._outside_turn()
        if kind == "user_message":
            self._item(out, self._user_item(msg))
        elif kind == "agent_message":
            # Its response item follows (with the id); a message that has none (a compaction's
            # notice) is written when the request or turn ends. One whose response item came
            # first (a review records the item, then the event) is on record already.
            text = str(msg.get("message") or "")
            if text in self._unclaimed:
                self._unclaimed.remove(text)
            else:
                # Its id comes with the response item; one is minted only if none does.
                self._agent.append(self._agent_item(text, None, mint=False))
        elif kind in ("agent_reasoning", "agent_reasoning_raw_content"):
            pass  # written from the reasoning response item, with its id
        elif kind == "exec_command_end":
            self._tool_done(out, msg, self._command_item(msg))
        elif kind == "patch_apply_end":
            self._tool_done(out, msg, self._patch_item(msg))
        elif kind == "token_count":
            self._token_count(out, msg)
        else:
            out.append(("event_msg", dict(msg)))
        return self._hold(out)

    def turn_context(self, ctx: Mapping[str, Any]) -> list[Line]:
        """Called before every model request: one line per turn (again only if it changed)."""
        out: list[Line] = self._outside_turn()
        self._boundary(out)
        turn = self._turn
        if turn is None:
            return [*out, ("turn_context", dict(ctx))]
        payload = {"turn_id": turn.id, "root_turn_id": turn.id, **ctx}
        if turn.context != payload:
            turn.context = payload
            out.append(("turn_context", payload))
            if not self._settings_written and self._new_file:
                out.append(self._settings_line(ctx))
        held, self._held = self._held, None
        if held is None:
            return out
        # The turn's opening lines, in 0.169's order, then what waited for them.
        head: list[Line] = []
        if not self._settings_written:
            head.append(self._settings_line(ctx))  # a resumed process: before task_started
        head.append(held[0])  # task_started
        head.extend(self._before_first_turn)
        self._before_first_turn = []
        return [*head, *out, *held[1:]]

    def line(self, kind: str, payload: Any) -> list[Line]:
        """Any other line, as given, in its place among the turn's lines."""
        return self._hold([*self._outside_turn(), (kind, payload)])

    def compacted(self) -> list[Line]:
        out: list[Line] = self._outside_turn()
        self._boundary(out)
        if self._turn is not None:
            # The next request's turn context follows the compaction (as upstream): a resume
            # reads the context the compacted history continues with from it.
            self._turn.context = None
        return self._hold(out)

    def release(self, *, final: bool = False) -> list[Line]:
        """The turn's lines held back for its turn context, in order (before a write-through).
        `final` (a turn end, close): also a response's usage and agent messages still waiting
        for their response item, and a new file's initial context."""
        out: list[Line] = list(self._held or ())
        self._held = None
        if self._turn is None or final:
            out[:0] = self._before_first_turn
            self._before_first_turn = []
        if final:
            self._boundary(out)
        return out

    def _outside_turn(self) -> list[Line]:
        """A line that is no turn's (a writer without task_started events): the initial context
        held for the first turn goes first, so the file keeps the order it was recorded in."""
        if self._turn is not None:
            return []
        self._defer_initial = False
        out, self._before_first_turn = self._before_first_turn, []
        return out

    def amend_initial(self, old: Mapping[str, Any] | None, new: Mapping[str, Any]) -> bool:
        """Put `new` in place of the held initial-context item `old` (None: before its first
        item): a first turn's setting that 0.169 writes into the opening context. False once
        that context is out."""
        held = self._before_first_turn
        for i, (kind, item) in enumerate(held):
            if kind == "response_item" and (old is None or item == old):
                held[i : i + 1] = [(kind, new)] if old is not None else [(kind, new), held[i]]
                return True
        return False

    # ---- turns ----------------------------------------------------------------------------------

    def _task_started(self, msg: Mapping[str, Any]) -> list[Line]:
        out = self._turn_end(None) if self._turn is not None else []
        turn_id = str(msg.get("turn_id") or uuid7())
        turn = self._turn = _Turn(turn_id)
        # A turn the thread started for its goal says so (0.169: "goal"); else the file's.
        trigger = (msg.get("turn_attribution") or {}).get("turn_trigger") or self._trigger
        self._defer_initial = False
        payload: dict[str, Any] = {
            "type": "task_started",
            "turn_attribution": {
                "turn_id": turn_id,
                "turn_trigger": trigger,
                "parent_turn_id": None,
                "initiating_agent_path": None,
                "root_turn_id": turn_id,
            },
            "turn_id": turn_id,
            "root_turn_id": turn_id,
            "started_at": turn.started_ms // 1000,
        }
        for key, value in msg.items():
            if key not in payload and key != "type" and value is not None:
                payload[key] = value
        payload.setdefault("collaboration_mode_kind", "default")
        out.extend(self.release())  # nothing of an earlier turn waits behind this one
        self._held = [("event_msg", payload)]
        return out

    def _turn_end(self, msg: Mapping[str, Any] | None) -> list[Line]:
        out: list[Line] = []
        self._boundary(out)
        for done in self._tools.values():  # a call never answered (interrupted)
            out.append(("event_msg", done))
        self._tools.clear()
        self._answered.clear()
        turn = self._turn
        if msg is not None:
            payload = dict(msg)
            if msg.get("type") == "task_complete" and turn is not None:
                payload = self._complete_payload(msg, turn)
            elif turn is not None and not payload.get("turn_id"):
                payload["turn_id"] = turn.id
            out.append(("event_msg", payload))
        self._turn = None
        return [*self.release(), *out]

    def _complete_payload(self, msg: Mapping[str, Any], turn: _Turn) -> dict[str, Any]:
        now = _now_ms()
        first = turn.first_output_ms
        payload: dict[str, Any] = {
            "type": "task_complete",
            "root_turn_id": msg.get("root_turn_id") or turn.id,
            "turn_id": msg.get("turn_id") or turn.id,
            "last_agent_message": msg.get("last_agent_message"),
            "started_at": turn.started_ms // 1000,
            "completed_at": now // 1000,
            "duration_ms": now - turn.started_ms,
            "time_to_first_token_ms": None if first is None else first - turn.started_ms,
        }
        for key, value in msg.items():
            if (key in payload and value is not None) or key not in payload:
                payload[key] = value
        return payload

    def _boundary(self, out: list[Line]) -> None:
        """A response is over (the next request, a compaction, the turn's end): its usage, and
        any agent message that had no response item."""
        for agent in self._agent:
            if agent["id"] is None:  # no response item named it
                agent["id"] = f"msg_{uuid7()}"
            out.append(("event_msg", self._completed(agent)))
        self._agent.clear()
        self._unclaimed.clear()
        self._usage_done(out)

    def _usage_done(self, out: list[Line]) -> None:
        """The held usage of the last response, record and count, if any."""
        if self._usage is not None:
            self._usage_record(out)
            assert self._usage is not None
            out.append(("event_msg", self._usage[1]))
            self._usage = None

    def _first_output(self) -> None:
        if self._turn is not None and self._turn.first_output_ms is None:
            self._turn.first_output_ms = _now_ms()

    def _hold(self, lines: list[Line]) -> list[Line]:
        if self._held is not None:
            self._held.extend(lines)
            return []
        return lines

    # ---- items -------------------------------------------------------------------------------

    def _completed(self, item: dict[str, Any], started_ms: int | None = None) -> dict[str, Any]:
        now = _now_ms()
        turn = self._turn
        return {
            "type": "item_completed",
            "thread_id": self.thread_id,
            "turn_id": turn.id if turn is not None else None,
            "item": item,
            "started_at_ms": now if started_ms is None else started_ms,
            "completed_at_ms": now,
        }

    def _item(self, out: list[Line], item: dict[str, Any]) -> None:
        out.append(("event_msg", self._completed(item)))

    def _user_item(self, msg: Mapping[str, Any]) -> dict[str, Any]:
        content: list[dict[str, Any]] = []
        text = msg.get("message")
        if text:
            content.append({"type": "text", "text": str(text), "text_elements": []})
        for image in msg.get("images") or ():
            content.append({"type": "image", "image_url": str(image)})
        for path in msg.get("local_images") or ():
            content.append({"type": "local_image", "path": str(path)})
        content.extend(dict(skill) for skill in msg.get("skills") or ())
        return {"type": "UserMessage", "id": uuid7(), "content": content}

    def _agent_item(self, text: str, item_id: Any, *, mint: bool = True) -> dict[str, Any]:
        return {
            "type": "AgentMessage",
            "id": item_id or (f"msg_{uuid7()}" if mint else None),
            "content": [{"type": "Text", "text": text}],
        }

    def _tool_done(self, out: list[Line], msg: Mapping[str, Any], item: dict[str, Any]) -> None:
        duration = msg.get("duration")
        took_ms = 0
        if isinstance(duration, dict):
            took_ms = int(duration.get("secs") or 0) * 1000
            took_ms += int(duration.get("nanos") or 0) // 1_000_000
        payload = self._completed(item, _now_ms() - took_ms)
        call_id = str(msg.get("call_id") or item["id"])
        if call_id in self._answered:  # the process ended after the call was answered
            out.append(("event_msg", payload))
        else:
            self._tools[call_id] = payload  # written before the call's output line

    def _command_item(self, msg: Mapping[str, Any]) -> dict[str, Any]:
        code = msg.get("exit_code")
        cwd = str(msg.get("cwd") or "")
        status = msg.get("status") or ("completed" if code == 0 else "failed")
        return {
            "type": "CommandExecution",
            "id": str(msg.get("call_id") or ""),
            "process_id": msg.get("process_id"),
            "command": list(msg.get("command") or ()),
            "cwd": f"file://{cwd}" if cwd.startswith("/") else cwd,
            "parsed_cmd": list(msg.get("parsed_cmd") or ()) or _unknown_cmd(msg.get("command")),
            "source": msg.get("source"),
            "status": status,
            "aggregated_output": msg.get("aggregated_output", ""),
            "exit_code": code,
            "duration": msg.get("duration"),
        }

    def _patch_item(self, msg: Mapping[str, Any]) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        for path, change in (msg.get("changes") or {}).items():
            changes[path] = _file_change(change)
        success = bool(msg.get("success"))
        return {
            "type": "FileChange",
            "id": str(msg.get("call_id") or ""),
            "changes": changes,
            "status": msg.get("status") or ("completed" if success else "failed"),
            "stdout": msg.get("stdout", ""),
            "stderr": msg.get("stderr", ""),
        }

    # ---- usage and settings ----------------------------------------------------------------

    def _token_count(self, out: list[Line], msg: Mapping[str, Any]) -> None:
        info = msg.get("info")
        if not isinstance(info, dict):  # a rate-limit-only update: as it comes
            out.append(("event_msg", dict(msg)))
            return
        self._first_output()
        self._usage_done(out)  # an earlier response's count, never merged into this one
        last = info.get("last_token_usage") or {}
        turn = self._turn
        turn_usage: dict[str, int] = {}
        if turn is not None:
            _add_usage(turn.usage, last)
            turn_usage = dict(turn.usage)
        record = {
            "thread_id": self.thread_id,
            "turn_id": turn.id if turn is not None else None,
            "session_id": self.thread_id,
            "root_turn_id": turn.id if turn is not None else None,
            "response_id": None,
            "usage": last,
            "turn_token_usage": turn_usage or last,
            "thread_token_usage": info.get("total_token_usage") or {},
        }
        self._usage = (record, dict(msg))

    def _usage_record(self, out: list[Line]) -> None:
        """The response's usage record, once (right after the response's own items)."""
        if self._usage is not None and self._usage[0]:
            out.append(("token_usage_record", dict(self._usage[0])))
            self._usage = ({}, self._usage[1])

    def _settings_line(self, ctx: Mapping[str, Any]) -> Line:
        self._settings_written = True
        cwd = ctx.get("cwd")
        settings: dict[str, Any] = {
            "model": ctx.get("model"),
            "model_provider_id": self.model_provider,
            "approval_policy": ctx.get("approval_policy"),
            "approvals_reviewer": "user",
            "requested_approvals_reviewer": "user",
            "cwd": cwd,
            "runtime_workspace_roots": [cwd] if cwd else [],
            "collaboration_mode": {
                "mode": "default",
                "settings": {
                    "model": ctx.get("model"),
                    "reasoning_effort": ctx.get("effort"),
                    "developer_instructions": None,
                },
            },
            "disabled_plugin_ids": [],
        }
        payload = {
            "type": "thread_settings_applied",
            "thread_id": self.thread_id,
            "thread_settings": settings,
        }
        return ("event_msg", payload)


def _unknown_cmd(command: Any) -> list[dict[str, Any]]:
    """0.169's `parsed_cmd` for a command it does not classify: the script a `bash -lc` runs
    (or the argv joined), as one `unknown` action."""
    import shlex

    words = [str(w) for w in command] if isinstance(command, list | tuple) else []
    if not words:
        return []
    if len(words) == 3 and words[1] in ("-lc", "-c"):
        return [{"type": "unknown", "cmd": words[2]}]
    return [{"type": "unknown", "cmd": shlex.join(words)}]


def _file_change(change: Any) -> Any:
    """Our protocol's FileChange dict (`{"add": {...}}` or already `{"type": "add", ...}`) in
    0.169's item form: `{"type": "add" | "delete" | "update", ...fields}`."""
    if not isinstance(change, dict) or "type" in change or len(change) != 1:
        return change
    ((kind, fields),) = change.items()
    return {"type": kind, **(fields if isinstance(fields, dict) else {})}
