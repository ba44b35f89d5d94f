"""The hooks a session would run, as a list to show (the TUI's /hooks): `tool_hook_command` from
config.toml (run before and after every tool call, codex.tools.hooks) and the PreToolUse /
PostToolUse entries of `$CODEX_HOME/hooks.json` (codex.tools.claude_hooks). Read with the same
parser the session uses, so a malformed hooks.json is the same CodexError here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The lifecycle events codex-py runs hooks for, with 0.169's descriptions of them.
EVENTS: tuple[tuple[str, str], ...] = (
    ("PreToolUse", "Before a tool executes"),
    ("PostToolUse", "After a tool executes"),
)


@dataclass(frozen=True, slots=True)
class HookEntry:
    event: str  # one of EVENTS
    matcher: str  # a regular expression over the tool name; "" = every tool
    command: str
    timeout_s: float
    source: str  # where it is configured


def configured_hooks(config: Any) -> list[HookEntry]:
    """Every configured hook, per event in EVENTS order (CodexError for a bad hooks.json)."""
    from codex.tools.claude_hooks import HOOKS_FILE, ClaudeHooks
    from codex.tools.hooks import DEFAULT_HOOK_TIMEOUT_MS

    found: dict[str, list[HookEntry]] = {event: [] for event, _ in EVENTS}
    argv = getattr(config, "tool_hook_command", None)
    if argv:
        timeout = getattr(config, "tool_hook_timeout_ms", None)
        if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0:
            timeout = DEFAULT_HOOK_TIMEOUT_MS  # (as codex.tools.hooks.hook_from_config)
        import shlex

        for event in found:
            command = shlex.join(str(a) for a in argv)
            found[event].append(HookEntry(event, "", command, timeout / 1000, "tool_hook_command"))
    home = getattr(config, "codex_home", None)
    loaded = ClaudeHooks.load(Path(home)) if home is not None else None
    if loaded is not None and home is not None:
        source = str(Path(home) / HOOKS_FILE)
        for event, hooks in (("PreToolUse", loaded.pre), ("PostToolUse", loaded.post)):
            for hook in hooks:
                matcher = hook.matcher.pattern if hook.matcher is not None else ""
                found[event].append(HookEntry(event, matcher, hook.command, hook.timeout_s, source))
    return [entry for event, _ in EVENTS for entry in found[event]]
