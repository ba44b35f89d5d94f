"""How a tool call looks to PreToolUse / PostToolUse hooks, as 0.169 presents it
(tests/fixtures/tool_hooks_official.json, tests/extensions/capture_tool_hooks.py):

- The shell tools (`exec_command`, `shell`, `shell_command`, `local_shell`) are `Bash`, with
  `tool_input` {"command": <the command line>} and nothing else (no workdir, timeouts or
  justification); the document's `cwd` is the command's working directory. `tool_response` is
  the command's output text (not the "Chunk ID / Wall time" text the model gets). A matcher
  naming our own tool names (`exec_command`, `shell`) does not match: 0.169 never offers them.
- `apply_patch` keeps its name, and a matcher may also name it `Edit` or `Write` (0.169's
  aliases); `tool_input` {"command": <the patch text>}; `tool_response` is the output text the
  model gets ("Exit code: 0\\nWall time: ...\\nOutput:\\nSuccess. ...").
- An MCP tool is `mcp__<server>__<tool>`, `tool_input` its arguments (the raw text when they
  are not JSON), `tool_response` the call's result as the model gets it (upstream's source:
  not captured, the mock cannot send 0.169's namespaced MCP calls).
- `[custom_tools]` (a codex-py extension, nothing to match in 0.169) keep their names and their
  arguments as `tool_input`.
- Every other built-in tool (update_plan, write_stdin, view_image, ...) runs no tool hooks, as
  in 0.169, whose other tools offer no hook payload.

A matcher (0.169's rule) is "", "*" or absent: every tool; made only of letters, digits, `_`
and `|`: one of those exact names; anything else: a regular expression searched for in the
name (so "^Bash$" and "Bash|Edit" work, "Bas" does not match `Bash`).
"""

from __future__ import annotations

import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from codex.tools.runtime.context import ToolCall

SHELL_TOOLS = frozenset({"exec_command", "shell", "shell_command", "local_shell"})
APPLY_PATCH = "apply_patch"
APPLY_PATCH_ALIASES = ("Edit", "Write")
_EXACT = re.compile(r"[A-Za-z0-9_|]*")


@dataclass(frozen=True, slots=True)
class HookTool:
    """A tool call as the hooks see it."""

    name: str  # `tool_name` in the document
    aliases: tuple[str, ...]  # further names a matcher may use
    tool_input: Any
    cwd: str | None  # the document's `cwd` when not the session's (a command's workdir)
    kind: str  # "bash", "apply_patch", "mcp" or "custom"

    @property
    def matcher_inputs(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)


def matcher_matches(raw: str | None, pattern: re.Pattern[str] | None, inputs: Any) -> bool:
    """Whether a group's matcher (`raw`, compiled as `pattern` when it is a regex) matches
    one of `inputs` (0.169's rule, module docstring)."""
    if raw is None or raw in ("", "*"):
        return True
    if _EXACT.fullmatch(raw):
        names = raw.split("|")
        return any(name in names for name in inputs)
    return pattern is not None and any(pattern.search(name) for name in inputs)


def _arguments(call: ToolCall) -> Any:
    try:
        return orjson.loads(call.payload) if call.payload else {}
    except orjson.JSONDecodeError:
        return None


def _command_line(command: Any) -> str | None:
    """The command line of a `shell` argv (the script of `bash -lc <script>`)."""
    if isinstance(command, str):
        return command
    if not isinstance(command, list) or not all(isinstance(a, str) for a in command):
        return None
    if len(command) == 3 and command[1] in ("-lc", "-c"):
        return command[2]
    return shlex.join(command)


def _workdir(raw: Any, cwd: Path | None) -> str | None:
    if not isinstance(raw, str) or not raw or cwd is None:
        return str(cwd) if cwd is not None else None
    return os.path.normpath(os.path.join(cwd, raw))


def hook_tool(call: ToolCall, cwd: Path | None = None, custom: Any = ()) -> HookTool | None:
    """The call as 0.169's hooks see it, or None when 0.169 runs no tool hooks for it.
    `cwd` is the turn's working directory; `custom` the names of the `[custom_tools]`."""
    if call.mcp_target is not None:
        server, tool = call.mcp_target
        args = call.payload
        tool_input: Any = {} if not args.strip() else (_arguments(call) or args)
        return HookTool(f"mcp__{server}__{tool}", (), tool_input, None, "mcp")
    if call.name == APPLY_PATCH:
        if call.kind == "custom":
            patch: Any = call.payload
        else:
            args = _arguments(call)
            patch = args.get("input") if isinstance(args, dict) else None
        if not isinstance(patch, str):
            return None
        return HookTool(APPLY_PATCH, APPLY_PATCH_ALIASES, {"command": patch}, None, "apply_patch")
    if call.name in SHELL_TOOLS or call.kind == "local_shell":
        args = _arguments(call)
        if not isinstance(args, dict):
            return None
        if call.kind == "local_shell":
            command, workdir = args.get("command"), args.get("working_directory")
        else:
            command = args.get("cmd") if call.name == "exec_command" else args.get("command")
            workdir = args.get("workdir")
        line = _command_line(command)
        if line is None:
            return None
        return HookTool("Bash", (), {"command": line}, _workdir(workdir, cwd), "bash")
    if call.name in custom:
        args = _arguments(call)
        return HookTool(call.name, (), args if args is not None else call.payload, None, "custom")
    return None


def tool_response(tool: HookTool, output: Any) -> Any:
    """PostToolUse's `tool_response` from what the model got (`output`): a command's output
    text for Bash, the model's text for the others."""
    if tool.kind != "bash" or not isinstance(output, str):
        return output
    if output.startswith("{"):  # `shell`: {"output": ..., "metadata": ...}
        try:
            data = orjson.loads(output)
        except orjson.JSONDecodeError:
            data = None
        if isinstance(data, dict) and isinstance(data.get("output"), str):
            return data["output"]
    _, sep, body = output.partition("Output:\n")
    if not sep:
        return output
    if body.startswith("Warning: truncated output"):  # exec_command's cut notice
        body = body.partition("\n")[2]
    return body
