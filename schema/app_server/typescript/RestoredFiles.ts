// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type RestoredFiles = { written: Array<string>, deleted: Array<string>, cwd: string, };
