// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type WebSearchItem = { type: "webSearch", id: string, query: string, action: unknown, };
