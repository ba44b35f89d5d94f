// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type UserMessageItem = { type: "userMessage", id: string, clientId: string | null, content: Array<{ [key in string]?: unknown }>, startedAtMs: number | null, completedAtMs: number | null, };
