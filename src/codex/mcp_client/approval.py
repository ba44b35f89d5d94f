"""Whether a call of an MCP tool needs the user's approval, by upstream's rules (0.169,
codex-rs/core/src/mcp_tool_call.rs, read for facts):

- Full access (approval policy `never` with sandbox `danger-full-access` or an external
  sandbox, i.e. `--dangerously-bypass-approvals-and-sandbox`) never asks.
- A tool's `approval_mode` "approve" never asks, "prompt" always asks; with the default "auto",
  a tool that carries no annotations at all never asks.
- Otherwise the annotations decide, with the MCP spec's defaults for missing hints:
  `destructiveHint: true` asks; else `readOnlyHint: true` runs; else it asks when the tool may be
  destructive (`destructiveHint` missing counts as true) or reaches an open world
  (`openWorldHint` missing counts as true).

The approval policy itself is not consulted beyond the full-access case: MCP tools run outside
the sandbox, so `never` with a sandbox still asks. A front end that cannot answer the question
(`codex exec`, which upstream answers with `cancel`) gets the call cancelled:
"user cancelled MCP tool call", reported as the call's error.
"""

from __future__ import annotations

from typing import Any

CANCELLED = "user cancelled MCP tool call"
REJECTED = "user rejected MCP tool call"

_FULL_ACCESS_SANDBOXES = frozenset({"danger-full-access", "external-sandbox"})


def is_full_access(approval_policy: Any, sandbox_policy: Any) -> bool:
    policy = str(getattr(approval_policy, "value", approval_policy))
    kind = getattr(sandbox_policy, "type", sandbox_policy)
    return policy == "never" and str(getattr(kind, "value", kind)) in _FULL_ACCESS_SANDBOXES


def annotations_require_approval(annotations: Any) -> bool:
    """Upstream's reading of the hints (each may be missing: None)."""
    destructive = getattr(annotations, "destructive_hint", None)
    if destructive is True:
        return True
    if getattr(annotations, "read_only_hint", None) is True:
        return False
    open_world = getattr(annotations, "open_world_hint", None)
    return destructive is not False or open_world is not False


def needs_approval(
    tool: Any, approval_policy: Any, sandbox_policy: Any, mode: str = "auto"
) -> bool:
    """Whether calling `tool` (an `mcp.types.Tool`, or None when unknown) must be approved.
    `mode` is the tool's `approval_mode` (`[mcp_servers.<s>.tools.<t>]`, else the server's
    `default_tools_approval_mode`): "auto" (the rules above), "prompt" (always ask), "approve"
    (never ask)."""
    if is_full_access(approval_policy, sandbox_policy) or mode == "approve":
        return False
    annotations = getattr(tool, "annotations", None)
    if mode != "prompt" and annotations is None:
        return False
    return mode == "prompt" or annotations_require_approval(annotations)


def approval_mode(table: Any, tool: str) -> str:
    """The tool's `approval_mode` from its server's config table (keys the schema keeps in
    `model_extra`): `tools.<tool>.approval_mode`, else `default_tools_approval_mode`."""
    extra = getattr(table, "model_extra", None) or {}
    tools = extra.get("tools")
    entry = tools.get(tool) if isinstance(tools, dict) else None
    mode = entry.get("approval_mode") if isinstance(entry, dict) else None
    mode = mode or extra.get("default_tools_approval_mode") or "auto"
    return mode if mode in ("auto", "prompt", "approve") else "auto"


def question(server: str, tool: str) -> str:
    """The question upstream asks for a configured (non-app) server's tool."""
    return f'Allow the {server} MCP server to run tool "{tool}"?'
