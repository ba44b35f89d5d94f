// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ThreadGoal = { threadId: string, objective: string, status: "active" | "paused" | "blocked" | "usageLimited" | "budgetLimited" | "complete", tokenBudget?: number | null, tokensUsed: number, timeUsedSeconds: number, createdAt: number, updatedAt: number, };
