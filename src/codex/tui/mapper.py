"""Core events → transcript cells. The one place the TUI interprets the Event stream; it never
draws (the app asks it for `cells` and `status`) and never talks to the session (approval
requests are handed back to the caller as they arrive).

Kept free of Textual so tests drive it with recorded events and exports read it.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from typing import Any

from codex.tui.cells import (
    AgentCell,
    Cell,
    CommandCell,
    NoticeCell,
    PatchCell,
    PlanCell,
    ReasoningCell,
    UserCell,
    format_duration,
)

# What a resumed thread shows of its past (the rollout's event_msg lines of these types).
REPLAYED = frozenset(
    {
        "user_message",
        "agent_message",
        "agent_reasoning",
        "exec_command_end",
        "patch_apply_end",
        "plan_update",
        "error",
        "context_compacted",
        "turn_aborted",
    }
)


@dataclass(slots=True)
class Status:
    """What the status line shows."""

    model: str = "loading"
    effort: str | None = None
    cwd: str = ""
    approval: str = ""
    sandbox: str = ""
    session_id: str = ""
    rollout_path: str | None = None
    tokens_used: int = 0
    context_window: int | None = None
    last_input_tokens: int = 0
    running: bool = False
    thread_name: str = ""  # /rename (codex.tui.thread_cmds)
    fast: bool = False  # the priority service tier (/fast, codex.tui.fast_cmd)
    mode: str = ""  # the collaboration mode (codex.tui.modes)
    total_input_tokens: int = 0  # (the /statusline items, codex.tui.statusline_cmd)
    total_output_tokens: int = 0

    def context_left(self) -> int | None:
        """Percent of the context window left (as upstream: from the last request's input)."""
        if not self.context_window:
            return None
        used = min(self.last_input_tokens, self.context_window)
        return max(0, round(100 * (1 - used / self.context_window)))


def command_text(command: list[str]) -> str:
    """The command as a user reads it: the script of `bash -lc SCRIPT`, else shell-joined."""
    if len(command) == 3 and command[1] in ("-lc", "-c") and command[0].endswith("sh"):
        return command[2]
    return shlex.join(command)


def sandbox_label(policy: Any) -> str:
    data = policy if isinstance(policy, dict) else getattr(policy, "to_dict", lambda: {})()
    if isinstance(policy, str):
        return policy
    return str(data.get("type", "")) if isinstance(data, dict) else str(policy)


@dataclass(slots=True)
class Mapper:
    """Holds the transcript (`cells`) and folds each event into it. `changed` lists the cells
    touched since the caller last cleared it (new cells are appended to `cells`)."""

    cells: list[Cell] = field(default_factory=list)
    status: Status = field(default_factory=Status)
    _agent: AgentCell | None = None
    _reasoning: ReasoningCell | None = None
    _commands: dict[str, CommandCell] = field(default_factory=dict)
    _patches: dict[str, PatchCell] = field(default_factory=dict)
    _plan: PlanCell | None = None
    last_diff: str = ""
    _turn_started: float | None = None
    # A message being sent -> its `$name` mentions picked in the popup (drawn as such).
    mentions: dict[str, tuple[str, ...]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)  # retained for /warnings

    def add(self, cell: Cell) -> Cell:
        self.cells.append(cell)
        return cell

    def notice(self, text: str, style: str = "dim") -> None:
        self.add(NoticeCell(text=text, style=style))

    def feed(self, msg: Any) -> None:
        """Fold one event message (a protocol EventMsg) into the transcript."""
        handler = getattr(self, "_on_" + str(getattr(msg, "TAG", "")), None)
        if handler is not None:
            handler(msg)

    # ---- session --------------------------------------------------------------------------

    def _on_session_configured(self, msg: Any) -> None:
        s = self.status
        s.model = msg.model
        s.effort = msg.reasoning_effort
        s.cwd = msg.cwd
        s.approval = str(msg.approval_policy)
        s.sandbox = sandbox_label(msg.sandbox_policy)
        s.session_id = msg.session_id
        s.rollout_path = msg.rollout_path
        for old in msg.initial_messages or ():
            self._replay(old)

    def replay_rollout(self, path: str) -> None:
        """Rebuild the transcript of a resumed thread from its rollout's recorded events.

        Reads both shapes: older files (codex-py before 67deaad, official CLIs before 0.169)
        record `user_message` / `agent_message` / `agent_reasoning` / `exec_command_end` /
        `patch_apply_end` events; 0.169 (and ours since) records the same things as
        `item_completed` events (UserMessage, AgentMessage, Reasoning, CommandExecution,
        FileChange). A file holding both for one thing shows it once (see `_Replayed`)."""
        from pathlib import Path

        from codex.core.threads import recorded_events
        from codex.protocol.events import parse_event_msg

        seen = _Replayed()
        for _, line_type, payload in recorded_events(Path(path)):
            if line_type != "event_msg":
                continue
            kind = payload.get("type")
            if kind == "task_started":
                seen.clear()  # the same text may well come again in a later turn
                continue
            if kind == "item_completed":
                item = payload.get("item")
                if isinstance(item, dict):
                    self._replay_item(item, seen)
                continue
            if kind not in REPLAYED or not seen.first(*_legacy_key(payload)):
                continue
            try:
                msg = parse_event_msg(payload)
            except (KeyError, TypeError, ValueError):
                continue
            self.feed(msg)
        self._end_turn()

    def _replay_item(self, item: dict[str, Any], seen: _Replayed) -> None:
        """One 0.169 `item_completed` item as the cell its legacy event would have made."""
        kind = item.get("type")
        if kind == "UserMessage":
            text, images = _user_content(item.get("content"))
            if seen.first("user", text):
                self._agent = None
                self.add(UserCell(text=text, images=images))
        elif kind == "AgentMessage":
            text = "".join(_texts(item.get("content")))
            if seen.first("agent", text):
                cell = AgentCell()
                cell.finish(text)
                self.add(cell)
                self._agent = None
        elif kind == "Reasoning":
            for text in item.get("summary_text") or ():
                if isinstance(text, str) and seen.first("reasoning", text):
                    self.add(ReasoningCell(parts=[text]))
        elif kind == "CommandExecution":
            call_id = str(item.get("id") or "")
            if seen.first("command", call_id):
                command = item.get("command")
                words = [str(w) for w in command] if isinstance(command, list) else []
                cell = CommandCell(call_id=call_id, command=command_text(words))
                code = item.get("exit_code")
                cell.finish(
                    code if isinstance(code, int) else -1,
                    _seconds(item.get("duration")),
                    str(item.get("aggregated_output") or ""),
                )
                self.add(cell)
        elif kind == "FileChange":
            call_id = str(item.get("id") or "")
            changes = item.get("changes")
            if seen.first("patch", call_id) and isinstance(changes, dict):
                cell = PatchCell(call_id=call_id, changes=dict(changes), cwd=self.status.cwd)
                cell.status = "applied" if item.get("status") == "completed" else "failed"
                self.add(cell)
                stderr = item.get("stderr")
                if cell.status == "failed" and isinstance(stderr, str) and stderr.strip():
                    self.notice(stderr.strip(), "red")

    def _replay(self, msg: Any) -> None:
        tag = getattr(msg, "TAG", "")
        if tag == "user_message":
            self.add(UserCell(text=msg.message))
        elif tag == "agent_message":
            cell = AgentCell()
            cell.finish(msg.message)
            self.add(cell)

    def _on_task_started(self, msg: Any) -> None:
        import time

        self._turn_started = time.monotonic()
        self.status.running = True
        if msg.model_context_window:
            self.status.context_window = msg.model_context_window

    _on_turn_started = _on_task_started

    def _on_task_complete(self, msg: Any) -> None:
        self._end_turn()
        import time

        took = None
        if msg.duration_ms is not None:
            took = msg.duration_ms / 1000
        elif self._turn_started is not None:
            took = time.monotonic() - self._turn_started
        if took is not None:
            worked = "<1s" if took < 1 else format_duration(took).replace(".0s", "s")
            self.notice(f"  Worked for {worked} • {time.strftime('%H:%M')}")

    _on_turn_complete = _on_task_complete

    def _on_turn_aborted(self, msg: Any) -> None:
        self._end_turn()
        self.notice("■ Conversation interrupted - tell the model what to do differently.", "red")

    def _end_turn(self) -> None:
        self.status.running = False
        if self._agent is not None and not self._agent.done:
            self._agent.finish()
        self._agent = None
        self._reasoning = None

    def _on_token_count(self, msg: Any) -> None:
        info = msg.info
        if info is None:
            return
        self.status.tokens_used = info.total_token_usage.total_tokens
        self.status.last_input_tokens = info.last_token_usage.input_tokens
        self.status.total_input_tokens = info.total_token_usage.input_tokens
        self.status.total_output_tokens = info.total_token_usage.output_tokens
        if info.model_context_window:
            self.status.context_window = info.model_context_window

    # ---- messages -------------------------------------------------------------------------

    def _on_user_message(self, msg: Any) -> None:
        self._agent = None
        # Core lists a local image's path under `images` (with image URLs); a data URL is
        # not worth showing.
        images = [*(msg.local_images or ()), *(msg.images or ())]
        shown = [str(i) for i in images if not str(i).startswith("data:")]
        mentions = self.mentions.pop(msg.message, ())
        self.add(UserCell(text=msg.message, images=shown, mentions=mentions))

    def _on_agent_message_delta(self, msg: Any) -> None:
        if self._agent is None or self._agent.done:
            self._agent = AgentCell()
            self.add(self._agent)
        self._agent.append(msg.delta)

    def _on_agent_message(self, msg: Any) -> None:
        if self._agent is None or self._agent.done:
            self._agent = AgentCell()
            self.add(self._agent)
        self._agent.finish(msg.message)

    def _on_agent_reasoning_delta(self, msg: Any) -> None:
        if self._reasoning is None:
            self._reasoning = ReasoningCell()
            self.add(self._reasoning)
        self._reasoning.parts.append(msg.delta)
        self._reasoning.touch()

    def _on_agent_reasoning(self, msg: Any) -> None:
        if self._reasoning is None:
            self._reasoning = ReasoningCell()
            self.add(self._reasoning)
        self._reasoning.parts[:] = [msg.text]
        self._reasoning.touch()
        self._reasoning = None

    def _on_agent_reasoning_section_break(self, msg: Any) -> None:
        self._reasoning = None

    # ---- tools ----------------------------------------------------------------------------

    def _on_exec_command_begin(self, msg: Any) -> None:
        cell = CommandCell(call_id=msg.call_id, command=command_text(list(msg.command)))
        self._commands[msg.call_id] = cell
        self._agent = None
        self.add(cell)

    def _on_exec_command_output_delta(self, msg: Any) -> None:
        cell = self._commands.get(msg.call_id)
        if cell is not None:
            chunk = msg.chunk
            cell.add_output(chunk.decode("utf-8", "replace") if isinstance(chunk, bytes) else chunk)

    def _on_exec_command_end(self, msg: Any) -> None:
        cell = self._commands.pop(msg.call_id, None)
        if cell is None:
            cell = CommandCell(call_id=msg.call_id, command=command_text(list(msg.command)))
            self.add(cell)
        duration = msg.duration.seconds if hasattr(msg.duration, "seconds") else 0.0
        # What the command printed, never the model-facing text (`formatted_output` carries the
        # unified-exec header "Chunk ID / Wall time / ..."): nothing printed is "(no output)".
        output = msg.aggregated_output or (msg.stdout or "") + (msg.stderr or "")
        cell.finish(msg.exit_code, duration, output)

    def _on_patch_apply_begin(self, msg: Any) -> None:
        cell = self._patches.get(msg.call_id)
        if cell is None:
            cell = PatchCell(call_id=msg.call_id, changes=dict(msg.changes), cwd=self.status.cwd)
            self._patches[msg.call_id] = cell
            self._agent = None
            self.add(cell)
        cell.touch()

    def _on_patch_apply_end(self, msg: Any) -> None:
        cell = self._patches.pop(msg.call_id, None)
        if cell is None:
            cell = PatchCell(call_id=msg.call_id, changes=dict(msg.changes), cwd=self.status.cwd)
            self.add(cell)
        cell.status = "applied" if msg.success else "failed"
        if not msg.success and msg.stderr:
            self.notice(msg.stderr.strip(), "red")
        cell.touch()

    def _on_turn_diff(self, msg: Any) -> None:
        self.last_diff = msg.unified_diff

    def _on_plan_update(self, msg: Any) -> None:
        steps = [(item.step, str(item.status)) for item in msg.plan]
        self._plan = PlanCell(steps=steps, explanation=msg.explanation)
        self.add(self._plan)

    def _on_web_search_end(self, msg: Any) -> None:
        self.notice(f"• Searched {msg.query}")

    def _on_mcp_tool_call_end(self, msg: Any) -> None:
        inv = msg.invocation
        self.notice(f"• Called {inv.get('server')}.{inv.get('tool')}")

    # ---- problems -------------------------------------------------------------------------

    def _on_error(self, msg: Any) -> None:
        self.notice(f"■ {msg.message}", "bold red")

    def _on_stream_error(self, msg: Any) -> None:
        self.notice(f"⚠ {msg.message}", "yellow")

    def _on_warning(self, msg: Any) -> None:
        self.notice(f"⚠ {msg.message}", "yellow")
        self.warnings.append(str(msg.message))

    def _on_background_event(self, msg: Any) -> None:
        self.notice(f"• {msg.message}")

    def _on_context_compacted(self, msg: Any) -> None:
        self.notice("• Context compacted", "cyan")

    def _on_deprecation_notice(self, msg: Any) -> None:
        self.notice(f"⚠ {msg.summary}", "yellow")


class _Replayed:
    """What a replayed turn has shown already, so a thing recorded both as a legacy event and
    as an `item_completed` item (a file written across versions) gets one cell."""

    __slots__ = ("_keys",)

    def __init__(self) -> None:
        self._keys: set[tuple[str, str]] = set()

    def clear(self) -> None:
        self._keys.clear()

    def first(self, kind: str, key: str) -> bool:
        """True the first time (kind, key) is seen in this turn."""
        if not kind:
            return True
        if (kind, key) in self._keys:
            return False
        self._keys.add((kind, key))
        return True


def _legacy_key(payload: dict[str, Any]) -> tuple[str, str]:
    """The `_Replayed` key of a legacy event ("" kind: nothing to match against)."""
    kind = payload.get("type")
    if kind == "user_message":
        return "user", str(payload.get("message") or "")
    if kind == "agent_message":
        return "agent", str(payload.get("message") or "")
    if kind == "agent_reasoning":
        return "reasoning", str(payload.get("text") or "")
    if kind == "exec_command_end":
        return "command", str(payload.get("call_id") or "")
    if kind == "patch_apply_end":
        return "patch", str(payload.get("call_id") or "")
    return "", ""


def _texts(content: Any) -> list[str]:
    if not isinstance(content, list):
        return []
    return [
        part["text"]
        for part in content
        if isinstance(part, dict) and isinstance(part.get("text"), str)
    ]


def _user_content(content: Any) -> tuple[str, list[str]]:
    """A UserMessage item's text and its local images' paths."""
    images = (
        [
            str(part.get("path"))
            for part in content
            if isinstance(part, dict) and part.get("type") == "local_image"
        ]
        if isinstance(content, list)
        else []
    )
    return "".join(_texts(content)), images


def _seconds(duration: Any) -> float:
    """A recorded duration (`{"secs", "nanos"}`, as Rust's Duration serialises) in seconds."""
    if isinstance(duration, dict):
        return float(duration.get("secs") or 0) + float(duration.get("nanos") or 0) / 1e9
    return float(duration) if isinstance(duration, (int, float)) else 0.0
