// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type McpServerToolCallParams = { threadId: string, server: string, tool: string, arguments?: unknown, _meta?: unknown, };
