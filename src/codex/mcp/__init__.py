"""MCP front ends: codex-py's servers that MCP clients talk to over stdio.

`server` (with `tool_schemas`): codex itself as an MCP server, the `codex` / `codex-reply` tools
(`codex mcp-server`). `shell_server`: the sandboxed `shell` tool (`codex mcp-server --shell --root
DIR...`).
"""
