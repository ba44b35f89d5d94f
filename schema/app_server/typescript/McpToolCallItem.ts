// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type McpToolCallItem = { type: "mcpToolCall", id: string, server: string, tool: string, status: "inProgress" | "completed" | "failed" | "declined", arguments: unknown, result: unknown, error: unknown, durationMs: number | null, pluginId: string | null, appContext: unknown, mcpAppResourceUri: string | null, mcpAppUi: unknown, readOnlyHint: boolean | null, };
