// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ThreadReadParams = { threadId: string, includeTurns?: boolean, };
