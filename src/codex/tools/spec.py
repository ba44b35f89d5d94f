"""Which tools the model is offered, and their JSON definitions, per model family.

Current OpenAI codex-capable models get `exec_command` + `write_stdin` and the freeform (grammar)
`apply_patch`; other models get `shell` (or `shell_command`) and `apply_patch` as a JSON function;
Chat Completions providers get function tools only. Parameter schemas match what the official
CLI 0.169 sends (properties in alphabetical order, `additionalProperties: false`); the
descriptions are our own words. Pure data, no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from enum import StrEnum
from typing import Any

from codex._dataclass import dataclass
from codex.tools.apply_patch.grammar import APPLY_PATCH_LARK_GRAMMAR
from codex.tools.output import TruncationPolicy

__all__ = [
    "ApplyPatchToolType",
    "ModelFamily",
    "ShellToolType",
    "ToolsConfig",
    "build_tools",
    "find_model_family",
    "to_chat_completions_tools",
    "tool_name",
]


class ShellToolType(StrEnum):
    UNIFIED_EXEC = "unified_exec"  # exec_command + write_stdin
    SHELL_COMMAND = "shell_command"  # one script string, run by the user's shell
    SHELL = "shell"  # an argv array
    LOCAL = "local_shell"  # the built-in Responses `local_shell` tool
    DISABLED = "disabled"


class ApplyPatchToolType(StrEnum):
    FREEFORM = "freeform"  # custom tool with a Lark grammar
    FUNCTION = "function"  # JSON function with one `input` string


@dataclass(frozen=True, slots=True)
class ModelFamily:
    """The tool-relevant traits of a model slug."""

    family: str
    shell_type: ShellToolType
    apply_patch: ApplyPatchToolType | None
    truncation: TruncationPolicy
    supports_parallel_tool_calls: bool = True


_TOKENS = TruncationPolicy.tokens(10_000)
_BYTES = TruncationPolicy.bytes(10_000)

# First match wins; patterns are matched against the whole slug.
_FAMILIES: tuple[tuple[re.Pattern[str], ModelFamily], ...] = tuple(
    (re.compile(pattern), family)
    for pattern, family in (
        (
            r"codex-mini-latest",
            ModelFamily("codex-mini", ShellToolType.LOCAL, ApplyPatchToolType.FUNCTION, _BYTES),
        ),
        (
            r"(gpt-5(\.\d+)?-codex.*|codex-.*|gpt-5\.[5-9].*|gpt-[6-9].*|gpt-daybreak.*|exp-.*)",
            ModelFamily("codex", ShellToolType.UNIFIED_EXEC, ApplyPatchToolType.FREEFORM, _TOKENS),
        ),
        (
            r"gpt-5\.[1-4].*",
            ModelFamily(
                "gpt-5.x", ShellToolType.SHELL_COMMAND, ApplyPatchToolType.FREEFORM, _BYTES
            ),
        ),
        (
            r"gpt-oss.*",
            ModelFamily(
                "gpt-oss",
                ShellToolType.SHELL,
                ApplyPatchToolType.FUNCTION,
                _BYTES,
                supports_parallel_tool_calls=False,
            ),
        ),
    )
)
_DEFAULT_FAMILY = ModelFamily("other", ShellToolType.SHELL, ApplyPatchToolType.FUNCTION, _BYTES)


def find_model_family(slug: str) -> ModelFamily:
    """The family of a model slug (provider prefixes like `openai/` are ignored)."""
    name = slug.rsplit("/", 1)[-1].lower()
    for pattern, family in _FAMILIES:
        if pattern.fullmatch(name):
            return family
    return _DEFAULT_FAMILY


@dataclass(frozen=True, slots=True)
class ToolsConfig:
    """The resolved set of built-in tools for one turn."""

    shell_type: ShellToolType
    apply_patch: ApplyPatchToolType | None
    web_search: str | None = "cached"  # None, "cached" or "live"
    view_image: bool = True
    update_plan: bool = True
    goals: bool = True  # 0.169's `features.goals` (on by default)
    request_user_input: bool = True  # 0.169 offers it to every model
    user_input_default_mode: bool = False  # `features.default_mode_request_user_input`
    function_tools_only: bool = False  # Chat Completions providers

    @classmethod
    def for_model(
        cls,
        slug: str,
        *,
        wire_api: str = "responses",
        features: Mapping[str, bool] | None = None,
        web_search: str | None = "cached",
    ) -> ToolsConfig:
        """Tools for `slug`, adjusted by config `features` (upstream's names: `unified_exec`,
        `shell_tool`, `apply_patch_freeform`, `view_image_tool`, `web_search_request`; plus our
        `update_plan`) and the `web_search` mode (`"cached"`, `"live"`, None/`"disabled"`)."""
        feats = dict(features or {})
        family = find_model_family(slug)
        shell = family.shell_type
        if feats.get("unified_exec") is True:
            shell = ShellToolType.UNIFIED_EXEC
        elif feats.get("unified_exec") is False and shell is ShellToolType.UNIFIED_EXEC:
            shell = ShellToolType.SHELL_COMMAND
        if feats.get("shell_tool") is False:
            shell = ShellToolType.DISABLED
        apply_patch = family.apply_patch
        if feats.get("apply_patch_freeform") is True:
            apply_patch = ApplyPatchToolType.FREEFORM
        if web_search == "disabled":
            web_search = None
        if feats.get("web_search_request") is True:
            web_search = "live"
        config = cls(
            shell_type=shell,
            apply_patch=apply_patch,
            web_search=web_search,
            view_image=feats.get("view_image_tool", True),
            update_plan=feats.get("update_plan", True),
            goals=feats.get("goals", True),
            user_input_default_mode=feats.get("default_mode_request_user_input", False),
        )
        if wire_api == "chat":
            config = config.function_only()
        return config

    def function_only(self) -> ToolsConfig:
        """The same tools restricted to JSON functions (for Chat Completions)."""
        shell = ShellToolType.SHELL if self.shell_type is ShellToolType.LOCAL else self.shell_type
        patch = ApplyPatchToolType.FUNCTION if self.apply_patch else None
        return replace(
            self,
            shell_type=shell,
            apply_patch=patch,
            web_search=None,
            function_tools_only=True,
        )


# ---- schema helpers -------------------------------------------------------------------------


def _prop(kind: str, description: str, **more: Any) -> dict[str, Any]:
    return {"type": kind, "description": description, **more}


def _object(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": dict(sorted(properties.items())),
        "required": required,
        "additionalProperties": False,
    }


def _function(name: str, description: str, parameters: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "function",
        "name": name,
        "description": description,
        "strict": False,
        "parameters": parameters,
    }


_WORKDIR = "Directory to run in; set it instead of using `cd` (default: the session directory)."
_JUSTIFICATION = (
    "Only with sandbox_permissions=require_escalated: one sentence, phrased as a question to the "
    "user, saying why the command must run outside the sandbox."
)
_SANDBOX_PERMISSIONS = (
    "use_default runs inside the sandbox; require_escalated asks the user to run it unsandboxed."
)
_PREFIX_RULE = (
    'With require_escalated: a command prefix (e.g. ["npm", "test"]) the user may approve '
    "for the rest of the session."
)
_MAX_OUTPUT_TOKENS = "Largest output to return, in tokens; longer output is cut in the middle."


def exec_command_tool() -> dict[str, Any]:
    return _function(
        "exec_command",
        "Run a shell command, optionally in a pseudo-terminal. Returns its output, or a session "
        "id to keep talking to it with write_stdin if it is still running when the wait ends.",
        _object(
            {
                "cmd": _prop("string", "The command line to run."),
                "justification": _prop("string", _JUSTIFICATION),
                "login": _prop(
                    "boolean", "Run through a login shell (-lc) rather than -c. Default true."
                ),
                "max_output_tokens": _prop("number", _MAX_OUTPUT_TOKENS),
                "prefix_rule": _prop("array", _PREFIX_RULE, items={"type": "string"}),
                "sandbox_permissions": _prop(
                    "string", _SANDBOX_PERMISSIONS, enum=["use_default", "require_escalated"]
                ),
                "shell": _prop("string", "Shell binary to use (default: the user's shell)."),
                "tty": _prop(
                    "boolean", "Give the command a pseudo-terminal (for interactive programs)."
                ),
                "workdir": _prop("string", _WORKDIR),
                "yield_time_ms": _prop(
                    "number", "How long to wait for output before returning, in milliseconds."
                ),
            },
            ["cmd"],
        ),
    )


def write_stdin_tool() -> dict[str, Any]:
    return _function(
        "write_stdin",
        "Send characters to a running exec_command session and return the output it produced "
        "since; send nothing to just poll.",
        _object(
            {
                "chars": _prop("string", "Characters to write (may be empty)."),
                "max_output_tokens": _prop("number", _MAX_OUTPUT_TOKENS),
                "session_id": _prop("number", "The session id exec_command returned."),
                "yield_time_ms": _prop(
                    "number", "How long to wait for output before returning, in milliseconds."
                ),
            },
            ["session_id"],
        ),
    )


def shell_tool() -> dict[str, Any]:
    return _function(
        "shell",
        'Run a command given as an argument vector (execvp). Use ["bash", "-lc", "..."] '
        "for shell syntax, and set workdir rather than using cd.",
        _object(
            {
                "command": _prop(
                    "array", "The command and its arguments.", items={"type": "string"}
                ),
                "justification": _prop("string", _JUSTIFICATION),
                "prefix_rule": _prop("array", _PREFIX_RULE, items={"type": "string"}),
                "sandbox_permissions": _prop(
                    "string", _SANDBOX_PERMISSIONS, enum=["use_default", "require_escalated"]
                ),
                "timeout_ms": _prop("number", "Kill the command after this many milliseconds."),
                "workdir": _prop("string", _WORKDIR),
            },
            ["command"],
        ),
    )


def shell_command_tool() -> dict[str, Any]:
    return _function(
        "shell_command",
        "Run a script with the user's shell and return its exit code and output. Set workdir "
        "rather than using cd.",
        _object(
            {
                "command": _prop("string", "The script to run."),
                "justification": _prop("string", _JUSTIFICATION),
                "login": _prop(
                    "boolean", "Run through a login shell (-lc) rather than -c. Default true."
                ),
                "prefix_rule": _prop("array", _PREFIX_RULE, items={"type": "string"}),
                "sandbox_permissions": _prop(
                    "string", _SANDBOX_PERMISSIONS, enum=["use_default", "require_escalated"]
                ),
                "timeout_ms": _prop("number", "Kill the command after this many milliseconds."),
                "workdir": _prop("string", _WORKDIR),
            },
            ["command"],
        ),
    )


_PATCH_SUMMARY = (
    "Create, edit, move and delete files with one patch. The patch starts with `*** Begin Patch` "
    "and ends with `*** End Patch`. Inside, each file gets one section: `*** Add File: <path>` "
    "followed by its lines each prefixed with `+`; `*** Delete File: <path>`; or "
    "`*** Update File: <path>`, optionally followed by `*** Move to: <new path>`, then one or more "
    "change blocks. A change block starts with `@@` (optionally `@@ <a line near the change, such "
    "as a function or class header>`), then the lines: ` ` (space) for unchanged context, `-` for "
    "removed and `+` for added. Give about three lines of context around each change, enough to "
    "make the spot unique. `*** End of File` marks a change at the end of the file. Paths are "
    "relative to the working directory."
)


def apply_patch_freeform_tool() -> dict[str, Any]:
    return {
        "type": "custom",
        "name": "apply_patch",
        "description": _PATCH_SUMMARY + " Send the patch text itself, not JSON.",
        "format": {"type": "grammar", "syntax": "lark", "definition": APPLY_PATCH_LARK_GRAMMAR},
    }


def apply_patch_function_tool() -> dict[str, Any]:
    return _function(
        "apply_patch",
        _PATCH_SUMMARY,
        _object({"input": _prop("string", "The whole patch text.")}, ["input"]),
    )


def update_plan_tool() -> dict[str, Any]:
    item = {
        "type": "object",
        "properties": {
            "status": _prop("string", "One of pending, in_progress or completed."),
            "step": _prop("string", "What the step does."),
        },
        "required": ["step", "status"],
        "additionalProperties": False,
    }
    return _function(
        "update_plan",
        "Record or revise your plan for the task as a list of steps with a status each; keep at "
        "most one step in_progress.",
        _object(
            {
                "explanation": _prop("string", "Why the plan changed (optional)."),
                "plan": _prop("array", "The steps, in order.", items=item),
            },
            ["plan"],
        ),
    )


def view_image_tool() -> dict[str, Any]:
    return _function(
        "view_image",
        "Show a local image file to yourself: it is attached to the conversation for this turn.",
        _object({"path": _prop("string", "Path of the image file.")}, ["path"]),
    )


def web_search_tool(mode: str) -> dict[str, Any]:
    tool: dict[str, Any] = {"type": "web_search", "external_web_access": mode != "cached"}
    if mode == "indexed":  # 0.169's fourth mode: live access plus its index
        tool["indexed_web_access"] = True
    tool["search_content_types"] = ["text", "image"]
    return tool


def build_tools(
    config: ToolsConfig, extra_tools: list[dict[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """The `tools` array of a request, in the official CLI's order (MCP and custom tools, already
    converted to function tools, go last via `extra_tools`)."""
    tools: list[dict[str, Any]] = []
    shell = config.shell_type
    if shell is ShellToolType.UNIFIED_EXEC:
        tools += [exec_command_tool(), write_stdin_tool()]
    elif shell is ShellToolType.SHELL_COMMAND:
        tools.append(shell_command_tool())
    elif shell is ShellToolType.SHELL:
        tools.append(shell_tool())
    elif shell is ShellToolType.LOCAL:
        tools.append({"type": "local_shell"})
    if config.request_user_input:
        from codex.tools.user_input_spec import request_user_input_tool

        tools.append(request_user_input_tool(config.user_input_default_mode))
    if config.update_plan:
        tools.append(update_plan_tool())
    if config.apply_patch is ApplyPatchToolType.FREEFORM:
        tools.append(apply_patch_freeform_tool())
    elif config.apply_patch is ApplyPatchToolType.FUNCTION:
        tools.append(apply_patch_function_tool())
    if config.view_image:
        tools.append(view_image_tool())
    if config.goals:
        from codex.tools.goal_spec import goal_tools

        tools.extend(goal_tools())
    if config.web_search and not config.function_tools_only:
        tools.append(web_search_tool(config.web_search))
    tools.extend(extra_tools or ())
    return tools


def tool_name(tool: Mapping[str, Any]) -> str:
    """A tool's name (built-in typed tools like web_search are named by their type)."""
    return str(tool.get("name") or tool.get("type"))


def to_chat_completions_tools(tools: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Responses-style function tools in the Chat Completions shape; other kinds are dropped."""
    return [
        {
            "type": "function",
            "function": {
                "name": t["name"],
                "description": t.get("description", ""),
                "parameters": t["parameters"],
            },
        }
        for t in tools
        if t.get("type") == "function"
    ]
