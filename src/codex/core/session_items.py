"""A recorded session as clean items: what `codex export` (and the TUI's `/export`) writes.

Why not the rollout lines themselves: a rollout is a log of envelopes (`{timestamp, type,
payload}`) that says most things twice or three times (0.169 records a message as a response
item and as a completed item; v0.63-style files as a response item and an event), and splits a
command over its call, its output and its completion. Here each thing becomes one item: a
command carries its exit code, duration and output, a turn's end carries its duration and token
usage, and a message recorded twice in a turn appears once. A line that is not a JSON object
(torn, cut, garbage) becomes a `malformed` item that says so, never an error.

Items are plain dicts (JSON-ready); every item has `type` and `line` (its first source line),
and `timestamp` when the line had one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from codex.core.rollout_pages import RawLine, stamp_seconds, token_delta, token_totals
from codex.core.session_render import duration_seconds

SHELL_TOOLS = ("exec_command", "shell", "container.exec", "local_shell", "shell_command")
_EXIT = re.compile(r"^(?:Process exited with code|Exit code:) (-?\d+)$", re.M)
_WALL = re.compile(r"^Wall time: ([0-9.]+) seconds$", re.M)
_OUTPUT = re.compile(r"^Output:\n", re.M)
# Text the harness (not the person) puts in a user-role message.
_CONTEXT_PREFIXES = (
    "<environment_context>",
    "<user_instructions>",
    "<permissions",
    "<INSTRUCTIONS>",
    "# AGENTS.md",
    "<user_shell_command>",
    "<turn_aborted>",
    "<skill>",
    "<codex_internal_context",  # a goal turn's hidden input (codex.core.goals)
)
EXCERPT = 200


@dataclass
class SessionExport:
    """The session's header (from its session_meta) and its items, oldest first."""

    meta: dict[str, Any] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"session": self.meta, "items": self.items}


def _mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one (rollout fields are untrusted)."""
    return value if isinstance(value, dict) else {}


def content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    texts = []
    for part in content:
        if isinstance(part, dict) and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif isinstance(part, dict) and part.get("type") in ("input_image", "image", "Image"):
            texts.append("[image]")
    return "\n\n".join(texts)


def _json_args(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return raw
    return raw


def _is_context(payload: dict[str, Any], text: str) -> bool:
    passthrough = payload.get("internal_chat_message_metadata_passthrough")
    kinds = passthrough.get("content_item_kinds") if isinstance(passthrough, dict) else None
    if isinstance(kinds, list) and kinds and not any(str(k).startswith("user.") for k in kinds):
        return True
    return text.lstrip().startswith(_CONTEXT_PREFIXES)


_duration = duration_seconds


def _command_text(cmd: Any) -> str:
    if isinstance(cmd, list):
        # 0.169 records the shell wrapper: show the script itself.
        if len(cmd) == 3 and str(cmd[1]) in ("-lc", "-c"):
            return str(cmd[2])
        return " ".join(map(str, cmd))
    return str(cmd or "")


class ItemBuilder:
    """Turns rollout lines, fed in order, into a SessionExport."""

    def __init__(self) -> None:
        self.out = SessionExport()
        self._calls: dict[str, dict[str, Any]] = {}
        # The records of each (kind, text hash) this turn, as groups of the sources that
        # recorded it: see _once.
        self._seen: dict[tuple[str, int], list[set[str]]] = {}
        self._source = ""  # where the line being fed comes from: response, event or item
        self._turn: dict[str, Any] | None = None
        self._turn_start_totals: dict[str, int] | None = None
        self._totals: dict[str, int] | None = None

    # -- plumbing ---------------------------------------------------------------------------
    def _add(self, item: dict[str, Any], line: int, stamp: Any) -> dict[str, Any]:
        item["line"] = line
        if isinstance(stamp, str):
            item["timestamp"] = stamp
        self.out.items.append(item)
        return item

    def _once(self, kind: str, text: str) -> bool:
        """False when this is a second record of a message already shown: the same kind and
        text earlier in this turn from another source (a response item and its event or
        completed item). The same text twice from one source is said twice, and is shown so."""
        groups = self._seen.setdefault((kind, hash(text.strip())), [])
        for group in groups:
            if self._source not in group:
                group.add(self._source)
                return False
        groups.append({self._source})
        return True

    def _call(self, call_id: Any, make: dict[str, Any], line: int, stamp: Any) -> dict[str, Any]:
        """The item of a tool call, created at its first mention."""
        key = str(call_id) if call_id else ""
        found = self._calls.get(key) if key else None
        if found is None:
            found = self._add(make, line, stamp)
            if key:
                found["call_id"] = key
                self._calls[key] = found
        return found

    # -- lines ------------------------------------------------------------------------------
    def feed(self, line: RawLine) -> None:
        obj: Any = None
        if not line.truncated:
            try:
                obj = orjson.loads(line.data)
            except orjson.JSONDecodeError:
                obj = None
        if not isinstance(obj, dict):
            self._malformed(line)
            return
        kind, payload, stamp = obj.get("type"), obj.get("payload"), obj.get("timestamp")
        if not isinstance(payload, dict):
            payload = {}
        n = line.number
        if kind == "session_meta":
            if not self.out.meta:
                keep = ("id", "timestamp", "cwd", "originator", "cli_version", "source")
                self.out.meta = {k: payload[k] for k in keep if k in payload}
                for k in ("model_provider", "git"):
                    if payload.get(k) is not None:
                        self.out.meta[k] = payload[k]
        elif kind == "turn_context":
            self._turn_context(payload, n, stamp)
        elif kind == "compacted":
            self._add({"type": "compaction", "message": str(payload.get("message", ""))}, n, stamp)
        elif kind == "response_item":
            self._source = "response"
            self._response_item(payload, n, stamp)
        elif kind == "event_msg":
            self._source = "event"
            self._event(payload, n, stamp)

    def _malformed(self, line: RawLine) -> None:
        if line.truncated:
            reason = "line too long (cut)"
        elif line.torn:
            reason = "truncated line (no newline at the end of the file)"
        else:
            reason = "unreadable line (not a JSON object)"
        excerpt = line.data[:EXCERPT].decode("utf-8", "replace")
        item = {"type": "malformed", "reason": reason, "excerpt": excerpt, "bytes": len(line.data)}
        self._add(item, line.number, None)

    def _open_turn(self, n: int, stamp: Any, turn_id: Any = None) -> dict[str, Any]:
        self._seen = {}
        self._turn_start_totals = self._totals
        turn: dict[str, Any] = {"type": "turn_started"}
        if turn_id is not None:
            turn["turn_id"] = str(turn_id)
        self._turn = self._add(turn, n, stamp)
        return self._turn

    def _turn_context(self, p: dict[str, Any], n: int, stamp: Any) -> None:
        turn = self._turn if self._turn is not None else self._open_turn(n, stamp)
        for key in ("model", "cwd", "approval_policy", "effort"):
            if p.get(key) is not None and key not in turn:
                turn[key] = p[key]
        sandbox = p.get("sandbox_policy")
        if isinstance(sandbox, dict) and "sandbox" not in turn:
            turn["sandbox"] = sandbox.get("type")

    def _close_turn(self, p: dict[str, Any], n: int, stamp: Any, status: str) -> None:
        end: dict[str, Any] = {"type": "turn_ended", "status": status}
        start = self._turn
        if start is not None and "turn_id" in start:
            end["turn_id"] = start["turn_id"]
        took = p.get("duration_ms")
        if isinstance(took, (int, float)):
            end["duration_ms"] = int(took)
        elif start is not None:
            t0, t1 = stamp_seconds(start.get("timestamp")), stamp_seconds(stamp)
            if t0 is not None and t1 is not None and t1 >= t0:
                end["duration_ms"] = round((t1 - t0) * 1000)
        if self._totals is not None and self._totals != self._turn_start_totals:
            end["tokens"] = token_delta(self._turn_start_totals, self._totals)
        if isinstance(p.get("reason"), str):
            end["reason"] = p["reason"]
        self._add(end, n, stamp)
        self._turn = None
        self._seen = {}

    def _message(self, role: str, text: str, n: int, stamp: Any, context: bool = False) -> None:
        if context or role in ("developer", "system"):
            self._add({"type": "context", "role": role, "text": text}, n, stamp)
            return
        kind = "user_message" if role == "user" else "agent_message"
        if self._once(kind, text):
            self._add({"type": kind, "text": text}, n, stamp)

    def _reasoning(self, text: str, n: int, stamp: Any) -> None:
        if not text.strip():
            return  # encrypted reasoning: nothing readable to export
        if self._once("reasoning", text):
            self._add({"type": "reasoning", "text": text}, n, stamp)

    def _response_item(self, p: dict[str, Any], n: int, stamp: Any) -> None:
        t = p.get("type")
        if t == "message":
            text = content_text(p.get("content"))
            role = str(p.get("role", ""))
            self._message(role, text, n, stamp, role == "user" and _is_context(p, text))
        elif t == "reasoning":
            self._reasoning(
                content_text(p.get("summary")) or content_text(p.get("content")), n, stamp
            )
        elif t == "function_call":
            self._function_call(p, n, stamp)
        elif t == "custom_tool_call":
            name = str(p.get("name", ""))
            body = str(p.get("input", ""))
            if name == "apply_patch":
                self._call(p.get("call_id"), {"type": "patch", "patch": body}, n, stamp)
            else:
                item = {"type": "tool_call", "name": name, "input": body}
                self._call(p.get("call_id"), item, n, stamp)
        elif t in ("function_call_output", "custom_tool_call_output"):
            self._call_output(p, n, stamp)
        elif t == "local_shell_call":
            action = _mapping(p.get("action"))
            cmd = _command_text(action.get("command"))
            self._call(p.get("call_id"), {"type": "command", "command": cmd}, n, stamp)
        elif t == "web_search_call":
            action = _mapping(p.get("action"))
            query = str(action.get("query") or "")
            if self._once("web_search", query):
                self._add({"type": "web_search", "query": query}, n, stamp)

    def _function_call(self, p: dict[str, Any], n: int, stamp: Any) -> None:
        name = str(p.get("name", ""))
        args = _json_args(p.get("arguments"))
        call_id = p.get("call_id")
        if name in SHELL_TOOLS and isinstance(args, dict):
            cmd = _command_text(args.get("cmd", args.get("command")))
            self._call(call_id, {"type": "command", "command": cmd}, n, stamp)
        elif name == "update_plan" and isinstance(args, dict):
            steps = [
                {"step": str(s.get("step", "")), "status": str(s.get("status", ""))}
                for s in args.get("plan") or []
                if isinstance(s, dict)
            ]
            plan = {"type": "plan", "explanation": args.get("explanation") or "", "steps": steps}
            self._call(call_id, plan, n, stamp)
        elif name == "apply_patch" and isinstance(args, dict):
            self._call(call_id, {"type": "patch", "patch": str(args.get("input", ""))}, n, stamp)
        else:
            item: dict[str, Any] = {"type": "tool_call", "name": name, "arguments": args}
            if p.get("namespace"):
                item["namespace"] = p["namespace"]
            self._call(call_id, item, n, stamp)

    def _call_output(self, p: dict[str, Any], n: int, stamp: Any) -> None:
        out = p.get("output")
        if isinstance(out, dict):
            out = out.get("content", out)
        text = out if isinstance(out, str) else orjson.dumps(out).decode()
        item = self._call(p.get("call_id"), {"type": "tool_call", "name": ""}, n, stamp)
        if item["type"] in ("command", "patch"):
            head = text[:400]
            if "exit_code" not in item and (code := _EXIT.search(head)):
                item["exit_code"] = int(code.group(1))
            if "duration_ms" not in item and (wall := _WALL.search(head)):
                item["duration_ms"] = round(float(wall.group(1)) * 1000)
            if "output" not in item:
                body = _OUTPUT.search(head)
                item["output"] = text[body.end() :] if body else text
        elif item["type"] != "plan":
            item["output"] = text

    def _event(self, p: dict[str, Any], n: int, stamp: Any) -> None:
        t = p.get("type")
        if t == "task_started":
            self._open_turn(n, stamp, p.get("turn_id"))
        elif t == "task_complete":
            self._close_turn(p, n, stamp, "completed")
        elif t == "turn_aborted":
            self._close_turn(p, n, stamp, "aborted")
        elif t == "user_message":
            self._message("user", str(p.get("message", "")), n, stamp)
        elif t == "agent_message":
            self._message("assistant", str(p.get("message", "")), n, stamp)
        elif t in ("agent_reasoning", "agent_reasoning_raw_content"):
            self._reasoning(str(p.get("text", "")), n, stamp)
        elif t == "token_count":
            totals = token_totals(p)
            if totals is not None:
                self._totals = totals
        elif t in ("error", "stream_error", "warning"):
            self._add({"type": "error", "kind": t, "message": str(p.get("message", ""))}, n, stamp)
        elif t == "context_compacted":
            self._add({"type": "compaction", "message": ""}, n, stamp)
        elif t == "exec_command_end":
            item = self._call(p.get("call_id"), {"type": "command"}, n, stamp)
            item.setdefault("command", _command_text(p.get("command")))
            self._finish_command(item, p)
        elif t == "patch_apply_end":
            item = self._call(p.get("call_id"), {"type": "patch"}, n, stamp)
            item["success"] = bool(p.get("success"))
        elif t == "item_completed" and isinstance(p.get("item"), dict):
            self._completed(p["item"], n, stamp)

    def _finish_command(self, item: dict[str, Any], p: dict[str, Any]) -> None:
        if isinstance(p.get("exit_code"), int):
            item["exit_code"] = p["exit_code"]
        secs = _duration(p.get("duration"))
        if secs is not None:
            item["duration_ms"] = round(secs * 1000)
        out = p.get("aggregated_output") or p.get("formatted_output")
        if isinstance(out, str):
            item["output"] = out

    def _completed(self, it: dict[str, Any], n: int, stamp: Any) -> None:
        """A 0.169 completed item: mostly a second record of a response item."""
        self._source = "item"
        t = it.get("type")
        if t == "UserMessage":
            self._message("user", content_text(it.get("content")), n, stamp)
        elif t == "AgentMessage":
            self._message("assistant", content_text(it.get("content")), n, stamp)
        elif t == "Reasoning":
            text = content_text(it.get("summary")) or content_text(it.get("content"))
            self._reasoning(text, n, stamp)
        elif t == "CommandExecution":
            item = self._call(it.get("id"), {"type": "command"}, n, stamp)
            item.setdefault("command", _command_text(it.get("command")))
            self._finish_command(item, it)
            if isinstance(it.get("status"), str):
                item["status"] = it["status"]
        elif t == "FileChange":
            item = self._call(it.get("id"), {"type": "patch"}, n, stamp)
            item["changes"] = it.get("changes")
            if isinstance(it.get("status"), str):
                item["status"] = it["status"]
        elif t in ("McpToolCall", "DynamicToolCall"):
            item = self._call(it.get("id"), {"type": "mcp_tool_call"}, n, stamp)
            if item["type"] == "tool_call":
                item["type"] = "mcp_tool_call"
            for key in ("server", "tool", "arguments", "result", "error", "status"):
                if it.get(key) is not None:
                    item[key] = it[key]
            secs = _duration(it.get("duration"))
            if secs is not None:
                item["duration_ms"] = round(secs * 1000)
        elif t == "WebSearch":
            query = str(it.get("query") or "")
            if self._once("web_search", query):
                self._add({"type": "web_search", "query": query}, n, stamp)

    def finish(self) -> SessionExport:
        if self._totals is not None:
            self.out.meta["total_tokens"] = dict(self._totals)
        return self.out


def session_items(lines: Iterable[RawLine]) -> SessionExport:
    """The clean items of a rollout's lines (see the module docstring)."""
    builder = ItemBuilder()
    for line in lines:
        builder.feed(line)
    return builder.finish()
