// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ReasoningItem = { type: "reasoning", id: string, summary: Array<string>, content: Array<string>, };
