// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ThreadRevertParams = { threadId: string, beforeTurnId: string, restoreFiles?: boolean, force?: boolean, };
