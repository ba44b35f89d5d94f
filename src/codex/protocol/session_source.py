"""`session_meta.source` as 0.169 sorts it: which kind (`thread/list`'s `sourceKinds`) a
recorded session is of, and which sessions count as interactive (what the TUI offers to resume
and what `thread/list` lists when no kind is asked for).

A rollout's source is the snake_case form of upstream's SessionSource: "cli", "vscode", "exec",
"mcp" (kind `appServer`), "unknown", or `{"subagent": "review" | "compact" | {"thread_spawn":
{...}} | {"other": ...}}`; a session_meta without a source reads as "vscode" (its default). Each
kind's match is upstream's (codex-rs app-server thread listing), checked against the 0.169 binary
(tests/fixtures/tui_identity_official.json `by_source`).
"""

from __future__ import annotations

from collections.abc import Mapping

# Light on purpose (the app-server's early `thread/list` pages with it): typing only for checkers.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

# In 0.169's order (its "expected one of" error names them so).
SOURCE_KINDS = (
    "cli",
    "vscode",
    "exec",
    "appServer",
    "subAgent",
    "subAgentReview",
    "subAgentCompact",
    "subAgentThreadSpawn",
    "subAgentOther",
    "unknown",
)
# Listed when a client asks for no kind (absent or []), and resumable from the TUI.
INTERACTIVE_KINDS = ("cli", "vscode")
_MISSING = object()


def _subagent(source: Any) -> Any:
    """The subagent part of a `{"subagent": ...}` source, else _MISSING."""
    if isinstance(source, Mapping) and "subagent" in source:
        return source["subagent"]
    return _MISSING


def kind_matches(source: Any, kind: str) -> bool:
    """Whether a session whose session_meta.source is `source` is of `kind`."""
    if kind in ("cli", "vscode", "exec", "unknown"):
        return bool(source == kind)
    if kind == "appServer":
        return bool(source == "mcp")
    sub = _subagent(source)
    if sub is _MISSING:
        return False
    if kind == "subAgent":
        return True
    if kind == "subAgentReview":
        return bool(sub == "review")
    if kind == "subAgentCompact":
        return bool(sub == "compact")
    if kind == "subAgentThreadSpawn":
        return isinstance(sub, Mapping) and "thread_spawn" in sub
    if kind == "subAgentOther":
        return isinstance(sub, Mapping) and "other" in sub
    return False


def meta_matches(meta: Mapping[str, Any], kinds: Iterable[str]) -> bool:
    """Whether a session_meta payload's session is of one of `kinds` (no source: "vscode")."""
    source = meta.get("source", "vscode")
    return any(kind_matches(source, kind) for kind in kinds)


def is_interactive(meta: Mapping[str, Any]) -> bool:
    """A session the TUI offers to resume: an interactive front end's (cli, vscode)."""
    return meta_matches(meta, INTERACTIVE_KINDS)


def wire_source(meta: Mapping[str, Any]) -> Any:
    """A session's source as 0.169's `thread/list` shows it: no source "vscode", "mcp" as
    "appServer", a review or compact subagent's as `{"subAgent": ...}`; the rest as recorded."""
    source = meta.get("source", "vscode")
    if source == "mcp":
        return "appServer"
    sub = _subagent(source)
    if isinstance(sub, str):
        return {"subAgent": sub}
    return source if source is not None else "unknown"
