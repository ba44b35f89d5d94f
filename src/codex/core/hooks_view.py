"""The configured hooks as a list to review (the TUI's /hooks, the app-server's `hooks/list`):
`tool_hook_command` from config.toml (run before and after every tool call, codex.tools.hooks)
and every command hook of `$CODEX_HOME/hooks.json` and of config.toml's `[hooks]` tables (0.169's
two user-level sources, listed in that order, keys `<file>:<event>:<group>:<index>`), each with
its trust key, current hash, trust status and enabled state (codex.tools.hook_trust), and the
edits that trust a hook or switch it off, written to `[hooks.state]` of the config file as 0.169
writes them.

The hooks of the events codex-py runs (codex.tools.claude_hooks.RUN_EVENTS) are read with the
parser the session uses, so a malformed one is the same CodexError here; the other events'
hooks (which codex-py does not run) are listed leniently, as 0.169 lists them. The trust records
are read from the config file each time, so a list taken after an edit shows the edit.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The lifecycle events codex-py runs hooks for, in 0.169's order, with its descriptions.
EVENTS: tuple[tuple[str, str], ...] = (
    ("PreToolUse", "Before a tool executes"),
    ("PermissionRequest", "When permission is requested"),
    ("PostToolUse", "After a tool executes"),
    ("PreCompact", "Before context compaction"),
    ("PostCompact", "After context compaction"),
    ("SessionStart", "When a new session starts"),
    ("SessionEnd", "Right before a session ends"),
    ("UserPromptSubmit", "When the user submits a prompt"),
    ("Stop", "Right before Codex ends its turn"),
    ("Interrupt", "Right before an interrupted turn is aborted"),
)
# The tool events: the ones `tool_hook_command` is listed under.
_SEED_EVENTS = ("PreToolUse", "PostToolUse")
TOOL_HOOK_SOURCE = "tool_hook_command"


@dataclass(frozen=True, slots=True)
class HookEntry:
    event: str  # a 0.169 event name (PreToolUse, ...)
    matcher: str  # a regular expression over the tool name; "" = every tool
    command: str
    timeout_s: float  # what codex-py gives it
    source: str  # where it is configured: a file path, or TOOL_HOOK_SOURCE
    key: str = ""  # its `[hooks.state]` key
    current_hash: str = ""
    trust: str = "untrusted"  # trusted | untrusted | modified (codex.tools.hook_trust)
    enabled: bool = True
    is_async: bool = False
    status_message: str | None = None
    raw_matcher: str | None = None  # as configured (None: no matcher)
    source_path: str = ""  # the file defining it

    @property
    def needs_review(self) -> bool:
        return self.trust != "trusted"

    @property
    def active(self) -> bool:
        return self.enabled and self.trust == "trusted"

    @property
    def event_matcher(self) -> str | None:
        """The matcher as 0.169 keeps it for this event (None: none, or the event has none)."""
        from codex.tools.hook_trust import event_matcher

        return event_matcher(self.event, self.raw_matcher)


def configured_hooks(config: Any, *, every_event: bool = False) -> list[HookEntry]:
    """Every configured hook of the events in EVENTS (every 0.169 event with `every_event`):
    `tool_hook_command`'s, then per source (hooks.json, config.toml) per event in order.
    CodexError for a bad hooks.json."""
    return discover(config, every_event=every_event)[0]


def discover(config: Any, *, every_event: bool = False) -> tuple[list[HookEntry], list[str]]:
    """The hooks (see `configured_hooks`) and warnings about hooks.json entries skipped."""
    from codex.tools.hook_trust import EVENT_LABELS, read_states

    states = read_states(config.config_file)
    order = list(EVENT_LABELS) if every_event else [event for event, _ in EVENTS]
    warnings: list[str] = []
    seeds = _seed_entries(config, states)
    hooks = sorted(seeds, key=lambda entry: order.index(entry.event))
    home = getattr(config, "codex_home", None)
    if home is not None:  # per source (hooks.json, then config.toml), per event: 0.169's order
        hooks += _file_entries(Path(home), states, set(order), warnings, config)
    return hooks, warnings


def _seed_entries(config: Any, states: dict[str, Any]) -> list[HookEntry]:
    argv = getattr(config, "tool_hook_command", None)
    if not argv:
        return []
    import shlex

    from codex.tools.hook_trust import is_enabled, trust_status
    from codex.tools.hooks import seed_timeout_ms, seed_trust_id

    key, digest = seed_trust_id(config)
    state = states.get(key)
    command = shlex.join(str(a) for a in argv)
    timeout = seed_timeout_ms(config) / 1000
    return [
        HookEntry(
            event,
            "",
            command,
            timeout,
            TOOL_HOOK_SOURCE,
            key,
            digest,
            trust_status(digest, state),
            is_enabled(state),
            source_path=str(config.config_file),
        )
        for event in _SEED_EVENTS
    ]


def _file_entries(
    home: Path, states: dict[str, Any], events: set[str], warnings: list[str], config: Any
) -> Iterable[HookEntry]:
    """The hooks of hooks.json, then those of config.toml's `[hooks]` tables (0.169 lists
    both, in that order, and warns when both define hooks)."""
    import orjson

    from codex.tools.claude_hooks import HOOKS_FILE, ClaudeHooks
    from codex.tools.hook_trust import EVENT_LABELS
    from codex.tools.hooks import toml_hook_tables

    path = home / HOOKS_FILE
    tables = toml_hook_tables(config)
    config_file = getattr(config, "config_file", None)
    # The session's parser: its errors are ours.
    loaded = ClaudeHooks.load(home, toml_hooks=tables, config_file=config_file)
    runtime = {h.key: h for h in loaded.hooks} if loaded is not None else {}
    data: dict[str, Any] = {}
    if path.is_file():
        data = orjson.loads(path.read_bytes()).get("hooks") or {}
        yield from _source_entries(path, data, states, events, warnings, runtime)
    if tables and config_file is not None:
        if any(data.get(event) for event in EVENT_LABELS):
            warnings.append(
                f"loading hooks from both {path} and {config_file}; "
                "prefer a single representation for this layer"
            )
        yield from _source_entries(Path(config_file), tables, states, events, warnings, runtime)


def _source_entries(
    path: Path,
    data: dict[str, Any],
    states: dict[str, Any],
    events: set[str],
    warnings: list[str],
    runtime: dict[str, Any],
) -> Iterable[HookEntry]:
    from codex.tools.hook_trust import (
        EVENT_LABELS,
        command_hook_hash,
        effective_timeout,
        hook_key,
        is_enabled,
        trust_status,
    )

    for event in EVENT_LABELS:
        groups = data.get(event) if event in events else None
        if not isinstance(groups, list):
            continue
        for g, group in enumerate(groups):
            if not isinstance(group, dict) or not isinstance(group.get("hooks"), list):
                continue
            raw = group.get("matcher")
            for i, hook in enumerate(group["hooks"]):
                skipped = _skipped(event, hook, path)
                if skipped:
                    warnings.append(skipped)
                if not _runs(hook):
                    continue
                command = hook["command"]
                key = hook_key(path, event, g, i)
                digest = command_hook_hash(event, raw, hook)
                ran = runtime.get(key)  # one codex-py runs: the timeout it gets here
                timeout = ran.timeout_s if ran else effective_timeout(event, hook.get("timeout"))
                state = states.get(key)
                yield HookEntry(
                    event,
                    "" if raw in (None, "*") else str(raw),
                    command,
                    timeout,
                    str(path),
                    key,
                    digest,
                    trust_status(digest, state),
                    is_enabled(state),
                    is_async=hook.get("async") is True,
                    status_message=hook.get("statusMessage"),
                    raw_matcher=None if raw is None else str(raw),
                    source_path=str(path),
                )


def _runs(hook: Any) -> bool:
    """Whether a hooks.json entry is a command hook (the only kind there is to run)."""
    if not isinstance(hook, dict) or hook.get("type", "command") != "command":
        return False
    command = hook.get("command")
    return isinstance(command, str) and bool(command.strip())


def _skipped(event: str, hook: Any, path: Path) -> str | None:
    """0.169's warning about an entry it skips or adjusts (its wording), if any."""
    kind = hook.get("type", "command") if isinstance(hook, dict) else None
    if kind in ("prompt", "agent"):
        return f"skipping {kind} hook in {path}: {kind} hooks are not supported yet"
    if kind != "command":
        return f"skipping an unknown hook entry in {path}"
    if not _runs(hook):
        return f"skipping empty hook command in {path}"
    timeout = hook.get("timeout")
    if event in ("SessionEnd", "Interrupt") and isinstance(timeout, int) and timeout > 3:
        return f"clamping {event} hook timeout to 3s in {path}"
    return None


def pending_count(hooks: Iterable[HookEntry]) -> int:
    """How many distinct hooks wait for review (the seed is listed under two events)."""
    return len({h.key for h in hooks if h.needs_review})


def trust(config: Any, hooks: Iterable[HookEntry]) -> None:
    """Trust `hooks` as they are now (0.169's `t`): one atomic write of their records."""
    from codex.config.edits import ConfigEdits

    edits = ConfigEdits(config.config_file)
    for hook in {h.key: h for h in hooks}.values():
        edits.set(("hooks", "state", hook.key, "trusted_hash"), hook.current_hash)
    edits.apply()


def trust_all(config: Any) -> int:
    """Trust every configured hook that waits for review; how many were trusted."""
    pending = [h for h in discover(config, every_event=True)[0] if h.needs_review]
    if pending:
        trust(config, pending)
    return pending_count(pending)


def set_enabled(config: Any, hook: HookEntry, enabled: bool) -> None:
    """Switch a hook on or off (0.169 writes `enabled = false`; on again drops the key)."""
    from codex.config.edits import ConfigEdits

    edits = ConfigEdits(config.config_file)
    path = ("hooks", "state", hook.key, "enabled")
    (edits.remove(path) if enabled else edits.set(path, False)).apply()
