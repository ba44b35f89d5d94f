"""What a session's tool calls are built from besides the sandbox and the shell: the config's
tool hooks, its `[custom_tools]` and its `[mcp_servers]` (each imported only when configured),
and the thread's goal. Apart from the session actor so that module stays one job."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex.config import Config


def tool_hook(
    config: Config,
    session_id: str,
    transcript_path: str | None,
    warn: Callable[[str], None] | None = None,
) -> Any:
    """The `tool_hook_command` / hooks.json hook around every tool call (None: none set).
    `warn` gets the session's one line about hooks waiting for review (/hooks), if any."""
    from codex.tools.hooks import hook_from_config

    return hook_from_config(
        config,
        warn=warn,
        session_id=session_id,
        transcript_path=transcript_path,
        cwd=str(config.cwd),
    )


def mcp_manager(config: Config) -> Any:
    """The `[mcp_servers]` manager, or None (then codex.mcp_client is never imported)."""
    from codex.core.mcp_servers import mcp_manager as manager

    return manager(config)


def custom_tools(config: Config) -> dict[str, Any]:
    """`[custom_tools.<name>]` by API name; a bad table raises CodexError (lazy: only if set)."""
    if not getattr(config, "custom_tools", None):
        return {}
    from codex.tools.custom import load_custom_tools

    return load_custom_tools(config)


def goal_runtime(config: Config, thread_id: str, emit: Callable[[str, Any], None]) -> Any:
    """The thread's goal (codex.core.goals.runtime.GoalRuntime; its store opens only once the
    thread has a goal)."""
    from codex.core.goals.runtime import GoalRuntime

    return GoalRuntime(config.codex_home, thread_id, emit)
