"""Which tools the model is offered, as JSON (spec-core §2.1, rust-anchor §3.1).

Prefers codex.tools' per-family builder when it exists; otherwise offers what the current
codex-capable models get: `exec_command` + `write_stdin`, the freeform `apply_patch`,
`update_plan` and `view_image` (Chat Completions providers get function tools only: apply_patch
as a JSON function). Pure.
"""

from __future__ import annotations

from typing import Any

_EXEC_COMMAND = {
    "type": "function",
    "name": "exec_command",
    "description": (
        "Runs a command in a PTY, returning output or a session ID for ongoing interaction."
    ),
    "strict": False,
    "parameters": {
        "type": "object",
        "properties": {
            "cmd": {"type": "string", "description": "Shell command to execute."},
            "justification": {
                "type": "string",
                "description": "One sentence for the user when asking for escalated permissions.",
            },
            "login": {"type": "boolean", "description": "Run the shell with -l (default true)."},
            "max_output_tokens": {"type": "number", "description": "Output token budget."},
            "sandbox_permissions": {
                "type": "string",
                "enum": ["use_default", "require_escalated"],
                "description": "require_escalated asks the user to run outside the sandbox.",
            },
            "shell": {"type": "string", "description": "Shell binary (default /bin/bash)."},
            "tty": {"type": "boolean", "description": "Run on a PTY so stdin stays open."},
            "workdir": {"type": "string", "description": "Working directory."},
            "yield_time_ms": {
                "type": "number",
                "description": "How long to wait for output before returning.",
            },
        },
        "required": ["cmd"],
        "additionalProperties": False,
    },
}

_WRITE_STDIN = {
    "type": "function",
    "name": "write_stdin",
    "description": (
        "Writes characters to an existing unified exec session and returns recent output."
    ),
    "strict": False,
    "parameters": {
        "type": "object",
        "properties": {
            "chars": {"type": "string", "description": "Bytes to write (empty: just poll)."},
            "max_output_tokens": {"type": "number", "description": "Output token budget."},
            "session_id": {"type": "number", "description": "Session id from exec_command."},
            "yield_time_ms": {"type": "number", "description": "How long to wait for output."},
        },
        "required": ["session_id"],
        "additionalProperties": False,
    },
}

_UPDATE_PLAN = {
    "type": "function",
    "name": "update_plan",
    "description": "Updates the task plan. At most one step can be in_progress at a time.",
    "strict": False,
    "parameters": {
        "type": "object",
        "properties": {
            "explanation": {"type": "string"},
            "plan": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "status": {
                            "type": "string",
                            "description": "One of: pending, in_progress, completed",
                        },
                        "step": {"type": "string"},
                    },
                    "required": ["step", "status"],
                    "additionalProperties": False,
                },
            },
        },
        "required": ["plan"],
        "additionalProperties": False,
    },
}

_VIEW_IMAGE = {
    "type": "function",
    "name": "view_image",
    "description": (
        "Attach a local image (by filesystem path) to the conversation context for this turn."
    ),
    "strict": False,
    "parameters": {
        "type": "object",
        "properties": {"path": {"type": "string", "description": "Local filesystem path."}},
        "required": ["path"],
        "additionalProperties": False,
    },
}

_APPLY_PATCH_JSON = {
    "type": "function",
    "name": "apply_patch",
    "description": "Edit files with a patch in the `*** Begin Patch` ... `*** End Patch` format.",
    "strict": False,
    "parameters": {
        "type": "object",
        "properties": {"input": {"type": "string", "description": "The whole patch."}},
        "required": ["input"],
        "additionalProperties": False,
    },
}


def _apply_patch_freeform() -> dict[str, Any]:
    from codex.tools.apply_patch.grammar import APPLY_PATCH_LARK_GRAMMAR

    return {
        "type": "custom",
        "name": "apply_patch",
        "description": (
            "Use the `apply_patch` tool to edit files. This is a FREEFORM tool, so do not wrap "
            "the patch in JSON."
        ),
        "format": {"type": "grammar", "syntax": "lark", "definition": APPLY_PATCH_LARK_GRAMMAR},
    }


def build_tools(model: str, *, chat_wire: bool = False) -> tuple[list[dict[str, Any]], bool]:
    """(tool JSON list, whether apply_patch is the freeform tool)."""
    try:
        from codex.tools.specs import tools_for_model  # type: ignore[import-not-found]
    except ImportError:
        tools_for_model = None
    if tools_for_model is not None:
        tools = list(tools_for_model(model, chat_wire=chat_wire))
        freeform = any(t.get("type") == "custom" and t.get("name") == "apply_patch" for t in tools)
        return tools, freeform
    patch_tool = _APPLY_PATCH_JSON if chat_wire else _apply_patch_freeform()
    tools = [_EXEC_COMMAND, _WRITE_STDIN, _UPDATE_PLAN, patch_tool, _VIEW_IMAGE]
    return tools, not chat_wire
