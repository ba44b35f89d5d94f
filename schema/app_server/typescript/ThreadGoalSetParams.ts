// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ThreadGoalSetParams = { threadId: string, objective?: string | null, status?: "active" | "paused" | "blocked" | "usageLimited" | "budgetLimited" | "complete" | null, tokenBudget?: number | null, origin?: "user" | "automatic" | null, };
