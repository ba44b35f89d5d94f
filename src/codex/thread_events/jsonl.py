"""Core events → `codex exec --json` ThreadEvents: the mapping of spec-core §4.4, as a pure state
machine. Input is an EventMsg in its wire form (a dict tagged by `"type"`, field names as upstream
spells them, exactly what a rollout's `event_msg` payload holds); output is the list of ThreadEvents
to print for it. No I/O, no clock: the same input always gives the same lines, which is what the
tests compare with the official captures.

Deltas, token counts and everything unmapped produce nothing, and cost one dict lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from codex.thread_events import wire as ev
from codex.thread_events.processor import NOTHING, Msg, Rendered
from codex.thread_events.shell_quote import join as join_argv

# The EventMsg types this processor reacts to; everything else is dropped before any work.
HANDLED = frozenset(
    {
        "session_configured",
        "task_started",
        "turn_started",
        "agent_message",
        "agent_reasoning",
        "exec_command_begin",
        "exec_command_end",
        "patch_apply_begin",
        "patch_apply_end",
        "mcp_tool_call_begin",
        "mcp_tool_call_end",
        "web_search_begin",
        "web_search_end",
        "plan_update",
        "warning",
        "deprecation_notice",
        "error",
        "stream_error",
        "token_count",
        "task_complete",
        "turn_complete",
    }
)


def usage_from_token_usage(total: Msg | None) -> ev.Usage:
    """`TokenUsage` (core) → `Usage` (exec); missing counters are 0."""
    if not total:
        return ev.Usage()
    return ev.Usage(
        input_tokens=int(total.get("input_tokens") or 0),
        cached_input_tokens=int(total.get("cached_input_tokens") or 0),
        cache_write_input_tokens=int(total.get("cache_write_input_tokens") or 0),
        output_tokens=int(total.get("output_tokens") or 0),
        reasoning_output_tokens=int(total.get("reasoning_output_tokens") or 0),
    )


def change_kind(change: Any) -> str:
    """`FileChange` in either serde shape (`{"type":"add",…}` or `{"add":{…}}`) → its kind."""
    if isinstance(change, dict):
        kind = change.get("type")
        if kind is None and len(change) == 1:
            kind = next(iter(change))
        if kind in ("add", "delete", "update"):
            return kind
    return "update"


def command_display(command: Any) -> str:
    if isinstance(command, str):
        return command
    return join_argv([str(word) for word in command or ()])


@dataclass(slots=True)
class _McpCall:
    item_id: str
    server: str
    tool: str
    arguments: Any


@dataclass(slots=True)
class JsonlEventProcessor:
    """One per process: item ids (`item_0`, `item_1`, …) count across the whole run."""

    next_item: int = 0
    thread_id: str | None = None
    usage: ev.Usage = field(default_factory=ev.Usage)
    saw_error: bool = False
    turn_error: str | None = None
    last_agent_message: str | None = None
    final_message: str | None = None
    turn_done: bool = False
    _commands: dict[str, ev.CommandExecutionItem] = field(default_factory=dict)
    _patches: dict[str, ev.FileChangeItem] = field(default_factory=dict)
    _mcp: dict[str, _McpCall] = field(default_factory=dict)
    _searches: dict[str, str] = field(default_factory=dict)
    _todo: ev.TodoListItem | None = None

    def _new_id(self) -> str:
        item_id = f"item_{self.next_item}"
        self.next_item += 1
        return item_id

    # ---- the EventProcessor interface (codex.thread_events.processor) -------------------------

    @property
    def handled(self) -> frozenset[str]:
        return HANDLED

    def render(self, msg: Msg) -> Rendered:
        """One JSON line per ThreadEvent, for stdout."""
        out = self.process(msg)
        if not out:
            return NOTHING
        return Rendered(stdout=b"".join(map(ev.encode_line, out)))

    def finish(self, last_agent_message: str | None) -> Rendered:
        return NOTHING  # turn.completed already carried everything

    # ---- the mapping ------------------------------------------------------------------------

    def process(self, msg: Msg) -> list[ev.ThreadEvent]:
        kind = msg.get("type")
        if kind not in HANDLED:
            return []
        handler = getattr(self, f"_on_{kind}")
        return handler(msg)

    # ---- thread and turn --------------------------------------------------------------------

    def _on_session_configured(self, msg: Msg) -> list[ev.ThreadEvent]:
        thread_id = msg.get("session_id") or msg.get("thread_id") or msg.get("conversation_id")
        self.thread_id = str(thread_id)
        return [ev.ThreadStarted(thread_id=self.thread_id)]

    def _on_task_started(self, msg: Msg) -> list[ev.ThreadEvent]:
        self.turn_error = None
        self.turn_done = False
        return [ev.TurnStarted()]

    _on_turn_started = _on_task_started

    def _on_token_count(self, msg: Msg) -> list[ev.ThreadEvent]:
        info = msg.get("info")
        if info:
            self.usage = usage_from_token_usage(info.get("total_token_usage"))
        return []

    def _on_task_complete(self, msg: Msg) -> list[ev.ThreadEvent]:
        out: list[ev.ThreadEvent] = []
        if self._todo is not None:
            out.append(ev.ItemCompleted(item=self._todo))
            self._todo = None
        self.final_message = msg.get("last_agent_message")
        self.turn_done = True
        if self.turn_error is not None:
            out.append(ev.TurnFailed(error=ev.ThreadErrorEvent(message=self.turn_error)))
        else:
            out.append(ev.TurnCompleted(usage=self.usage))
        return out

    _on_turn_complete = _on_task_complete

    def _on_error(self, msg: Msg) -> list[ev.ThreadEvent]:
        message = str(msg.get("message", ""))
        self.saw_error = True
        self.turn_error = message
        return [ev.ThreadError(message=message)]

    def _on_stream_error(self, msg: Msg) -> list[ev.ThreadEvent]:
        return [ev.ThreadError(message=str(msg.get("message", "")))]

    def _on_warning(self, msg: Msg) -> list[ev.ThreadEvent]:
        item = ev.ErrorItem(id=self._new_id(), message=str(msg.get("message", "")))
        return [ev.ItemCompleted(item=item)]

    def _on_deprecation_notice(self, msg: Msg) -> list[ev.ThreadEvent]:
        summary = str(msg.get("summary", ""))
        details = msg.get("details")
        message = f"{summary} {details}" if details else summary
        return [ev.ItemCompleted(item=ev.ErrorItem(id=self._new_id(), message=message))]

    # ---- messages ---------------------------------------------------------------------------

    def _on_agent_message(self, msg: Msg) -> list[ev.ThreadEvent]:
        text = str(msg.get("message", ""))
        self.last_agent_message = text
        return [ev.ItemCompleted(item=ev.AgentMessageItem(id=self._new_id(), text=text))]

    def _on_agent_reasoning(self, msg: Msg) -> list[ev.ThreadEvent]:
        text = str(msg.get("text", ""))
        if not text:
            return []
        return [ev.ItemCompleted(item=ev.ReasoningItem(id=self._new_id(), text=text))]

    # ---- commands ---------------------------------------------------------------------------

    def _on_exec_command_begin(self, msg: Msg) -> list[ev.ThreadEvent]:
        item = ev.CommandExecutionItem(
            id=self._new_id(),
            command=command_display(msg.get("command")),
            aggregated_output="",
            exit_code=None,
            status="in_progress",
        )
        self._commands[str(msg.get("call_id"))] = item
        return [ev.ItemStarted(item=item)]

    def _on_exec_command_end(self, msg: Msg) -> list[ev.ThreadEvent]:
        started = self._commands.pop(str(msg.get("call_id")), None)
        if started is None:
            return []  # an end without a begin is ignored, as upstream
        exit_code = msg.get("exit_code")
        status = msg.get("status")
        if status not in ("completed", "failed", "declined"):
            status = "completed" if exit_code == 0 else "failed"
        item = ev.CommandExecutionItem(
            id=started.id,
            command=started.command,
            aggregated_output=str(msg.get("aggregated_output") or ""),
            exit_code=None if exit_code is None else int(exit_code),
            status=status,
        )
        return [ev.ItemCompleted(item=item)]

    # ---- patches ----------------------------------------------------------------------------

    def _on_patch_apply_begin(self, msg: Msg) -> list[ev.ThreadEvent]:
        changes = [
            ev.FileUpdateChange(path=str(path), kind=change_kind(change))  # type: ignore[arg-type]
            for path, change in (msg.get("changes") or {}).items()
        ]
        item = ev.FileChangeItem(id=self._new_id(), changes=changes, status="in_progress")
        self._patches[str(msg.get("call_id"))] = item
        return [ev.ItemStarted(item=item)]

    def _on_patch_apply_end(self, msg: Msg) -> list[ev.ThreadEvent]:
        started = self._patches.pop(str(msg.get("call_id")), None)
        if started is None:
            return []
        status = "completed" if msg.get("success") else "failed"
        item = ev.FileChangeItem(id=started.id, changes=started.changes, status=status)
        return [ev.ItemCompleted(item=item)]

    # ---- MCP --------------------------------------------------------------------------------

    def _mcp_call(self, msg: Msg) -> _McpCall:
        """A new item for the MCP invocation an event describes."""
        invocation = msg.get("invocation") or {}
        return _McpCall(
            item_id=self._new_id(),
            server=str(invocation.get("server", "")),
            tool=str(invocation.get("tool", "")),
            arguments=invocation.get("arguments"),
        )

    def _on_mcp_tool_call_begin(self, msg: Msg) -> list[ev.ThreadEvent]:
        call = self._mcp[str(msg.get("call_id"))] = self._mcp_call(msg)
        item = ev.McpToolCallItem(
            id=call.item_id,
            server=call.server,
            tool=call.tool,
            arguments=call.arguments,
            status="in_progress",
        )
        return [ev.ItemStarted(item=item)]

    def _on_mcp_tool_call_end(self, msg: Msg) -> list[ev.ThreadEvent]:
        call = self._mcp.pop(str(msg.get("call_id")), None)
        if call is None:
            call = self._mcp_call(msg)
        result: ev.McpToolCallItemResult | None = None
        error: ev.McpToolCallItemError | None = None
        raw = msg.get("result")
        if isinstance(raw, dict) and "Err" in raw:
            error = ev.McpToolCallItemError(message=str(raw["Err"]))
            status = "failed"
        else:
            ok = raw.get("Ok", raw) if isinstance(raw, dict) else {}
            structured = ok.get("structured_content", ok.get("structuredContent"))
            result = ev.McpToolCallItemResult(
                content=list(ok.get("content") or []), structured_content=structured
            )
            is_error = ok.get("is_error", ok.get("isError"))
            status = "failed" if is_error else "completed"
        item = ev.McpToolCallItem(
            id=call.item_id,
            server=call.server,
            tool=call.tool,
            arguments=call.arguments,
            result=result,
            error=error,
            status=status,  # type: ignore[arg-type]
        )
        return [ev.ItemCompleted(item=item)]

    # ---- web search -------------------------------------------------------------------------

    def _on_web_search_begin(self, msg: Msg) -> list[ev.ThreadEvent]:
        item_id = self._new_id()
        self._searches[str(msg.get("call_id"))] = item_id
        item = ev.WebSearchItem(id=item_id, query="", action=ev.WebSearchActionOther())
        return [ev.ItemStarted(item=item)]

    def _on_web_search_end(self, msg: Msg) -> list[ev.ThreadEvent]:
        item_id = self._searches.pop(str(msg.get("call_id")), None) or self._new_id()
        query = str(msg.get("query") or "")
        raw = msg.get("action")
        action: ev.WebSearchAction
        if isinstance(raw, dict) and raw.get("type") not in (None, "search"):
            action = ev.WebSearchActionOther()
        elif isinstance(raw, dict) and isinstance(raw.get("query"), str):
            action = ev.WebSearchActionSearch(query=raw["query"])
        elif query:
            action = ev.WebSearchActionSearch(query=query)
        else:
            action = ev.WebSearchActionOther()
        return [ev.ItemCompleted(item=ev.WebSearchItem(id=item_id, query=query, action=action))]

    # ---- plan -------------------------------------------------------------------------------

    def _on_plan_update(self, msg: Msg) -> list[ev.ThreadEvent]:
        items = [
            ev.TodoItem(text=str(step.get("step", "")), completed=step.get("status") == "completed")
            for step in msg.get("plan") or ()
        ]
        if self._todo is None:
            self._todo = ev.TodoListItem(id=self._new_id(), items=items)
            return [ev.ItemStarted(item=self._todo)]
        self._todo = ev.TodoListItem(id=self._todo.id, items=items)
        return [ev.ItemUpdated(item=self._todo)]
