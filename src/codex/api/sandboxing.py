"""The sandbox outside a session: become one command under the configured policy
(`codex sandbox`), start one for a client under it (`spawn_under_policy`), what this machine
offers (`--probe`), and what execpolicy rule files decide for a command (`codex execpolicy
check`). From codex.core.sandbox."""

from __future__ import annotations

from codex.core.sandbox import (
    check_against_rules,
    exec_sandboxed,
    probe_report,
    spawn_under_policy,
)

__all__ = ["check_against_rules", "exec_sandboxed", "probe_report", "spawn_under_policy"]
