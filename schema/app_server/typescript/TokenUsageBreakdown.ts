// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type TokenUsageBreakdown = { totalTokens: number, inputTokens: number, cachedInputTokens: number, cacheWriteInputTokens: number, outputTokens: number, reasoningOutputTokens: number, };
