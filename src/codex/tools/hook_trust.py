"""Hook trust: a configured hook runs only after the user reviewed and trusted it, as in the
official CLI 0.169, and with the same records in config.toml, so a hook trusted there is trusted
here and back.

What 0.169 keeps (facts, checked against its app-server's `hooks/list`, recorded in
tests/fixtures/hook_trust_official.json)::

    [hooks.state."<source file>:<event_snake>:<group index>:<hook index>"]
    trusted_hash = "sha256:<hex>"   # the hook's definition when the user trusted it
    enabled = false                 # only when the user switched a trusted hook off

The source file is the absolute path of the file defining the hook (`$CODEX_HOME/hooks.json`);
the indices are positions in the event's matcher-group list and in that group's `hooks` list
(every entry counts, also the prompt hooks nobody runs). The hash is sha256 over compact JSON with
keys sorted at every level of the hook's normalized definition::

    {"event_name": "pre_tool_use", "matcher": "exec_command|shell",
     "hooks": [{"type": "command", "command": "~/check.sh", "timeout": 30, "async": false}]}

normalized as 0.169 does: `matcher` left out for events without matchers (and when absent, kept
verbatim otherwise, "" included); `timeout` the effective seconds (600 when absent, at least 1;
SessionEnd and Interrupt hooks: 1 when absent, clamped to 1..3); `async` always present;
`statusMessage` / `additionalContextLimit` only when set; anything else in the entry (Windows
commands, unknown keys) is not part of it. A stored hash that differs from the current one means
the hook changed since it was trusted ("modified"): it does not run until trusted again.

`tool_hook_command` (the fork's observer hook, not a 0.169 hook) follows the same rule: 0.169
requires trust for hooks defined in the user's own config.toml too, so it gets a record of the
same shape keyed `<config file>:tool_hook_command:0:0`, its hash over the argv and timeout.
0.169 ignores that record.

This module only computes and reads; writing the records is codex.core.hooks_view's job.
"""

from __future__ import annotations

import json
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# 0.169's hook events in its listing order, each with the label its keys and hashes use.
EVENT_LABELS: dict[str, str] = {
    "PreModelRequest": "pre_model_request",
    "PostModelRequest": "post_model_request",
    "PreToolUse": "pre_tool_use",
    "PermissionRequest": "permission_request",
    "PostToolUse": "post_tool_use",
    "PreCompact": "pre_compact",
    "PostCompact": "post_compact",
    "SessionStart": "session_start",
    "SessionEnd": "session_end",
    "UserPromptSubmit": "user_prompt_submit",
    "SubagentStart": "subagent_start",
    "SubagentStop": "subagent_stop",
    "Stop": "stop",
    "Interrupt": "interrupt",
}
# Events whose matcher 0.169 ignores (dropped from the listing and the hash).
_NO_MATCHER = frozenset(
    {"PreModelRequest", "PostModelRequest", "UserPromptSubmit", "Stop", "Interrupt"}
)
# Events that must finish quickly: 1s when unset, clamped to 1..3s.
_SHORT = frozenset({"SessionEnd", "Interrupt"})
DEFAULT_TIMEOUT_SEC = 600

TOOL_HOOK = "tool_hook_command"  # the label of the fork's observer hook in its key and hash

TRUSTED, UNTRUSTED, MODIFIED = "trusted", "untrusted", "modified"


def event_matcher(event: str, raw: Any) -> str | None:
    """The matcher 0.169 keeps for `event` (None: the event has none, or none was given)."""
    if event in _NO_MATCHER or raw is None:
        return None
    return str(raw)


def effective_timeout(event: str, raw: Any) -> int:
    """The timeout in seconds 0.169 gives a hook whose `timeout` is `raw`."""
    given = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
    if event in _SHORT:
        return min(3, max(1, 1 if given is None else given))
    return max(1, DEFAULT_TIMEOUT_SEC if given is None else given)


def fingerprint(value: Any) -> str:
    """`sha256:<hex>` of `value` as compact JSON with sorted keys (0.169's config fingerprint:
    non-ASCII stays UTF-8, control characters are escaped the same way by both)."""
    import hashlib  # here: its import (OpenSSL's) is ~1.5 ms of a first thread start with no hooks

    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()


def command_hook_hash(event: str, matcher: str | None, hook: Mapping[str, Any]) -> str:
    """The trust hash of one command hook of `event` in a group with (raw) `matcher`."""
    handler: dict[str, Any] = {
        "type": "command",
        "command": hook.get("command"),
        "timeout": effective_timeout(event, hook.get("timeout")),
        "async": hook.get("async") is True,
    }
    for name in ("statusMessage", "additionalContextLimit"):
        if hook.get(name) is not None:
            handler[name] = hook[name]
    identity: dict[str, Any] = {"event_name": EVENT_LABELS[event], "hooks": [handler]}
    kept = event_matcher(event, matcher)
    if kept is not None:
        identity["matcher"] = kept
    return fingerprint(identity)


def hook_key(source: Path | str, event: str, group: int, index: int) -> str:
    return f"{source}:{EVENT_LABELS[event]}:{group}:{index}"


def tool_hook_key(config_file: Path | str) -> str:
    return f"{config_file}:{TOOL_HOOK}:0:0"


def tool_hook_hash(argv: list[str], timeout_ms: int) -> str:
    return fingerprint({"event_name": TOOL_HOOK, "command": argv, "timeout_ms": timeout_ms})


def trust_status(current_hash: str, state: Mapping[str, Any] | None) -> str:
    stored = (state or {}).get("trusted_hash")
    if not isinstance(stored, str):
        return UNTRUSTED
    return TRUSTED if stored == current_hash else MODIFIED


def is_enabled(state: Mapping[str, Any] | None) -> bool:
    return (state or {}).get("enabled") is not False


def read_states(config_file: Path | str) -> dict[str, dict[str, Any]]:
    """`[hooks.state]` of `config_file` by key (none when the file is missing or unreadable: a
    broken config.toml already failed the config load, and no record means nothing runs)."""
    try:
        with open(config_file, "rb") as f:
            doc = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    hooks = doc.get("hooks")
    states = hooks.get("state") if isinstance(hooks, dict) else None
    if not isinstance(states, dict):
        return {}
    return {k: v for k, v in states.items() if isinstance(v, dict)}


class TrustGate:
    """Whether a hook may run now. Reads `[hooks.state]` again whenever config.toml changed
    (one stat per check), so trusting or switching off a hook in /hooks takes effect in the
    running session, and a record edited away stops the hook."""

    def __init__(self, config_file: Path | str, *, bypass: bool = False) -> None:
        self.config_file = str(config_file)
        # --dangerously-bypass-hook-trust: every enabled hook runs, reviewed or not.
        self.bypass = bypass
        self._stamp: tuple[int, int] | None = None
        self._states: dict[str, dict[str, Any]] = {}

    def states(self) -> dict[str, dict[str, Any]]:
        try:
            st = os.stat(self.config_file)
            stamp: tuple[int, int] | None = (st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        if stamp != self._stamp or stamp is None:
            self._stamp, self._states = stamp, read_states(self.config_file)
        return self._states

    def status(self, key: str, current_hash: str) -> str:
        return trust_status(current_hash, self.states().get(key))

    def allows(self, key: str, current_hash: str) -> bool:
        state = self.states().get(key)
        if not is_enabled(state):
            return False
        return self.bypass or trust_status(current_hash, state) == TRUSTED


def review_warning(count: int) -> str:
    """The one warning a session gives when hooks wait for review (0.169's wording)."""
    if count == 1:
        return "1 hook needs review before it can run. Review it with /hooks in the TUI."
    return f"{count} hooks need review before they can run. Review them with /hooks in the TUI."
