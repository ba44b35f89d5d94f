"""Trusting the hooks a test configures, as a user does once in /hooks (codex.core.hooks_view):
a hook runs only after it is trusted (codex.tools.hook_trust), so a test of what a hook does
trusts it first, through the same code path the TUI's `t trust all` takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codex.config import load_config
from codex.config.overrides import ConfigOverrides
from codex.core.hooks_view import trust_all


def trusted(config: Any) -> Any:
    """`config`, after trusting every hook it configures (records in its config file)."""
    trust_all(config)
    return config


def trust_home(home: Path) -> int:
    """Trust every hook configured under CODEX_HOME `home`; how many were trusted."""
    return trust_all(load_config(ConfigOverrides(config_home=str(home))))
