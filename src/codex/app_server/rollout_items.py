"""The tool items of a recorded turn (`thread/read`, `thread/resume`, `thread/turns/list` with
turns): commandExecution, fileChange, mcpToolCall and webSearch rebuilt from a rollout, as the
official 0.169 server returns them for the same rollout.

Our rollouts hold a tool call as its `response_item` pair (the call, then its output); a 0.169
rollout also holds an `item_completed` event per finished item. Items are placed where the call
was made; an `item_completed` of the same id replaces what the pair gave, since it is the
richer record. The output text formats read here are the ones our tools write (exec_command:
"Process exited with code N ... Output:", shell/apply_patch: "Exit code: N ... Output:").
"""

from __future__ import annotations

import json
import re
from typing import Any

from codex.app_server.item_shapes import command_text
from codex.core.patch_changes import patch_changes

SHELL_TOOLS = frozenset({"exec_command", "shell", "container.exec", "shell_command", "local_shell"})
PATCH_TOOL = "apply_patch"
_EXIT = re.compile(r"(?:Process exited with code|Exit code:)\s*(-?\d+)")
_WALL = re.compile(r"Wall time:\s*([0-9.]+)\s*seconds")


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _arguments(payload: dict[str, Any]) -> dict[str, Any]:
    raw = payload.get("arguments")
    if isinstance(raw, dict):
        return raw
    try:
        value = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _output_text(payload: dict[str, Any]) -> str:
    out = payload.get("output")
    if isinstance(out, dict):  # {content, success} bodies
        out = out.get("content")
    if isinstance(out, list):
        return "".join(str(p.get("text", "")) for p in out if isinstance(p, dict))
    return out if isinstance(out, str) else ""


def _parse_shell_output(text: str) -> tuple[int | None, int | None, str]:
    """(exit code, duration ms, the command's output) from a shell tool's output text."""
    if text.startswith("{"):  # the JSON form: {"output", "metadata": {exit_code, duration_seconds}}
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            meta = _dict(data.get("metadata"))
            code = meta.get("exit_code")
            secs = meta.get("duration_seconds")
            return (
                code if isinstance(code, int) else None,
                int(secs * 1000) if isinstance(secs, int | float) else None,
                str(data.get("output", "")),
            )
    code_match = _EXIT.search(text)
    wall = _WALL.search(text)
    _, sep, body = text.partition("Output:\n")
    return (
        int(code_match.group(1)) if code_match else None,
        int(float(wall.group(1)) * 1000) if wall else None,
        body if sep else text,
    )


def _command_item(call_id: str, argv: list[str], command: str, cwd: str, ms: int) -> dict:
    return {
        "type": "commandExecution",
        "id": call_id,
        "pluginId": None,
        "scriptPath": None,
        "command": command_text(argv),
        "cwd": cwd,
        "processId": None,
        "source": "unifiedExecStartup" if command else "agent",
        "status": "inProgress",
        "commandActions": [{"type": "unknown", "command": command or command_text(argv)}],
        "aggregatedOutput": None,
        "exitCode": None,
        "durationMs": None,
        "startedAtMs": ms,
        "completedAtMs": None,
    }


class ToolItems:
    """Builds one turn's tool items while the rollout is read; `items` is the turn's list."""

    def __init__(self, items: list[dict[str, Any]], cwd: str) -> None:
        self.items = items
        self.cwd = cwd
        self.by_call: dict[str, dict[str, Any]] = {}

    def _add(self, call_id: str, item: dict[str, Any]) -> None:
        self.items.append(item)
        if call_id:
            self.by_call[call_id] = item

    def response_item(self, payload: dict[str, Any], ms: int) -> None:
        kind = payload.get("type")
        call_id = str(payload.get("call_id") or payload.get("id") or "")
        if kind in ("function_call", "local_shell_call"):
            name = str(payload.get("name") or "local_shell")
            args = _arguments(payload)
            if kind == "local_shell_call":
                action = _dict(payload.get("action"))
                args = {
                    "command": action.get("command"),
                    "workdir": action.get("working_directory"),
                }
            if name in SHELL_TOOLS:
                self._shell_call(call_id, args, ms)
            elif name == PATCH_TOOL:
                self._patch_call(call_id, str(args.get("input", "")), ms)
            elif name.startswith("mcp__") and name.count("__") >= 2:
                _, server, tool = name.split("__", 2)
                self._add(call_id, _mcp_item(call_id, server, tool, args))
        elif kind == "custom_tool_call" and payload.get("name") == PATCH_TOOL:
            self._patch_call(call_id, str(payload.get("input", "")), ms)
        elif kind in ("function_call_output", "custom_tool_call_output"):
            item = self.by_call.get(call_id)
            if item is not None:
                self._finish(item, _output_text(payload), ms)
        elif kind == "web_search_call":
            raw_action = payload.get("action")
            web_action = raw_action if isinstance(raw_action, dict) else None
            query = str((web_action or {}).get("query") or "")
            self._add(
                call_id,
                {"type": "webSearch", "id": call_id, "query": query, "action": web_action},
            )

    def _shell_call(self, call_id: str, args: dict[str, Any], ms: int) -> None:
        cwd = str(args.get("workdir") or self.cwd)
        cmd = args.get("cmd")
        if isinstance(cmd, str):
            shell = str(args.get("shell") or "/bin/bash")
            argv = [shell, "-lc" if args.get("login", True) else "-c", cmd]
            self._add(call_id, _command_item(call_id, argv, cmd, cwd, ms))
            return
        command = args.get("command")
        if isinstance(command, str):
            argv = ["/bin/bash", "-lc", command]
            self._add(call_id, _command_item(call_id, argv, command, cwd, ms))
        elif isinstance(command, list):
            argv = [str(word) for word in command]
            script = argv[2] if len(argv) == 3 and argv[1] in ("-lc", "-c") else ""
            item = _command_item(call_id, argv, script, cwd, ms)
            item["source"] = "agent"
            self._add(call_id, item)

    def _patch_call(self, call_id: str, patch: str, ms: int) -> None:
        item = {
            "type": "fileChange",
            "id": call_id,
            "changes": patch_changes(patch, self.cwd),
            "status": "inProgress",
            "startedAtMs": ms,
            "completedAtMs": None,
        }
        self._add(call_id, item)

    def _finish(self, item: dict[str, Any], text: str, ms: int) -> None:
        kind = item["type"]
        item["completedAtMs"] = ms
        if kind == "commandExecution":
            code, duration, output = _parse_shell_output(text)
            item["aggregatedOutput"] = output
            item["exitCode"] = code
            item["durationMs"] = duration
            item["status"] = "completed" if code == 0 else "failed"
        elif kind == "fileChange":
            code, _, _ = _parse_shell_output(text)
            item["status"] = "completed" if code in (0, None) else "failed"
        elif kind == "mcpToolCall":
            item["status"] = "completed"
            item["result"] = {
                "content": [{"type": "text", "text": text}],
                "structuredContent": None,
            }

    def item_completed(self, payload: dict[str, Any]) -> bool:
        """A 0.169 `item_completed` tool item: replaces (or adds) the item of that id. Returns
        whether the payload was a tool item this reader knows."""
        item = payload.get("item")
        if not isinstance(item, dict):
            return False
        kind = item.get("type")
        call_id = str(item.get("id") or "")
        started = payload.get("started_at_ms")
        completed = payload.get("completed_at_ms")
        if kind == "CommandExecution":
            argv = item.get("command")
            cwd = str(item.get("cwd") or self.cwd).removeprefix("file://")
            duration = _dict(item.get("duration"))
            new = _command_item(call_id, argv if isinstance(argv, list) else [], "", cwd, 0)
            actions = _list(item.get("parsed_cmd"))
            source = str(item.get("source") or "agent")
            new.update(
                processId=item.get("process_id"),
                source=re.sub(r"_(\w)", lambda m: m.group(1).upper(), source),
                status=_camel(str(item.get("status") or "completed")),
                commandActions=[
                    {"type": a.get("type", "unknown"), "command": a.get("cmd", "")}
                    for a in actions
                    if isinstance(a, dict)
                ],
                aggregatedOutput=item.get("aggregated_output"),
                exitCode=item.get("exit_code"),
                durationMs=int(duration.get("secs", 0)) * 1000
                + int(duration.get("nanos", 0)) // 1_000_000,
                startedAtMs=started,
                completedAtMs=completed,
            )
        elif kind == "FileChange":
            raw = _dict(item.get("changes"))
            changes = []
            for path, change in sorted(raw.items()):
                change = change if isinstance(change, dict) else {}
                tag = change.get("type", "update")
                kind_out: dict[str, Any] = {"type": tag}
                if tag == "update":
                    kind_out["move_path"] = change.get("move_path")
                diff = change.get("unified_diff") or change.get("content") or ""
                changes.append({"path": path, "kind": kind_out, "diff": diff})
            new = {
                "type": "fileChange",
                "id": call_id,
                "changes": changes,
                "status": _camel(str(item.get("status") or "completed")),
                "startedAtMs": started,
                "completedAtMs": completed,
            }
        else:
            return False
        old = self.by_call.get(call_id)
        if old is not None and old in self.items:
            self.items[self.items.index(old)] = new
        else:
            self.items.append(new)
        self.by_call[call_id] = new
        return True

    def close(self, status: str) -> None:
        """At the turn's end: calls that never got an output did not complete."""
        for item in self.by_call.values():
            if item.get("status") == "inProgress":
                item["status"] = "failed" if status == "completed" else "declined"


def _camel(word: str) -> str:
    return re.sub(r"_(\w)", lambda m: m.group(1).upper(), word)


def _mcp_item(call_id: str, server: str, tool: str, args: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "mcpToolCall",
        "id": call_id,
        "server": server,
        "tool": tool,
        "status": "inProgress",
        "arguments": args,
        "result": None,
        "error": None,
        "durationMs": None,
        "pluginId": None,
        "appContext": None,
        "mcpAppResourceUri": None,
        "mcpAppUi": None,
        "readOnlyHint": None,
    }
