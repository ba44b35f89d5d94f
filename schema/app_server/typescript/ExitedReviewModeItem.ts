// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ExitedReviewModeItem = { type: "exitedReviewMode", id: string, review: string, startedAtMs: number | null, completedAtMs: number | null, };
