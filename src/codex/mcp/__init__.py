"""MCP front ends: codex-py's servers that MCP clients talk to over stdio.

`shell_server`: the sandboxed `shell` tool (`codex mcp-server --shell --root DIR...`). Codex
itself as an MCP server (the `codex` / `codex-reply` tools) is not implemented yet.
"""
