// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ThreadRollbackParams = { threadId: string, numTurns: number, restoreFiles?: boolean, force?: boolean, };
