"""The `[mcp_servers]` manager for a config: the one way front ends and sessions reach the MCP
client, so `codex.mcp_client` is imported only when a server is configured."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex.config import Config


def mcp_manager(config: Config) -> Any:
    """A manager over the configured MCP servers, or None when none is configured."""
    if not getattr(config, "mcp_servers", None):
        return None
    from codex.mcp_client.manager import manager_for

    return manager_for(config)
