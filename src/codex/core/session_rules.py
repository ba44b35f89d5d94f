"""A session's exec-policy rules (`$CODEX_HOME/rules/*.rules`): read when it starts, and amended
when the user approves a command prefix for good (`approved_execpolicy_amendment`), which the
running turn then reads through the shared `ExecRules`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from codex.config import Config
from codex.core.rules_probe import has_rule_files
from codex.tools.runtime.context import ExecRules


def load_rules(config: Config, enabled: bool, warnings: list[str]) -> Any:
    """The parsed rules; a malformed file is reported in `warnings` and ignored (upstream).
    None (the same as an empty policy to codex.sandbox.approval) when there are no rules, or
    when the front end was told to ignore them (`codex exec --ignore-rules`: not `enabled`)."""
    if not enabled or not has_rule_files(config.codex_home):
        return None
    from codex.sandbox.execpolicy import load_exec_policy

    policy, error = load_exec_policy([config.codex_home])
    if error is not None:
        warnings.append(f"ignoring exec policy rules: {error}")
    return policy


def allow_prefix(
    config: Config, enabled: bool, rules: ExecRules, prefix: list[str], warn: Callable[[str], None]
) -> None:
    """Persist the allow rule for `prefix` and use the rules, reread, from now on (a file broken
    since the start is ignored again, unreported); a rule that cannot be saved is a warning
    (`warn`), and the rules stay as they were."""
    from codex.sandbox.execpolicy import append_allow_prefix_rule

    try:
        append_allow_prefix_rule(config.codex_home, prefix)
    except (OSError, ValueError) as exc:
        warn(f"could not save the rule: {exc}")
        return
    rules.policy = load_rules(config, enabled, [])
