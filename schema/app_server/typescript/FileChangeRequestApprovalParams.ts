// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type FileChangeRequestApprovalParams = { threadId: string, turnId: string, itemId: string, startedAtMs: number | null, reason: string | null, grantRoot: string | null, };
