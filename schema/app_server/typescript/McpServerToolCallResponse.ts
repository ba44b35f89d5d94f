// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type McpServerToolCallResponse = { content: Array<unknown>, structuredContent?: unknown, isError?: boolean | null, _meta?: unknown, };
