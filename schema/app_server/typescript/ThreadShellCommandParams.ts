// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ThreadShellCommandParams = { threadId: string, command: string, timeoutMs?: number | null, };
