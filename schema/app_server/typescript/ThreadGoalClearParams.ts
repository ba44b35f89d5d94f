// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ThreadGoalClearParams = { threadId: string, origin?: "user" | "automatic" | null, };
