"""The MCP client: `[mcp_servers.<name>]` servers started beside a session, their tools offered to
the model as `mcp__<server>__<tool>`, their calls routed back to them.

Nothing here imports the `mcp` SDK at module level except `connection`, which the manager imports
only once a session has at least one enabled server: `codex exec` without `mcp_servers` and
`codex --version` never load it.
"""
