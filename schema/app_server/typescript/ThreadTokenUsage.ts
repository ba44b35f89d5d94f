// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { TokenUsageBreakdown } from "./TokenUsageBreakdown";

export type ThreadTokenUsage = { total: TokenUsageBreakdown, last: TokenUsageBreakdown, modelContextWindow: number | null, };
