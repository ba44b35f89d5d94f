// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ThreadItemEntry = { turnId: string, item: { [key in string]?: unknown }, startedAtMs: number | null, completedAtMs: number | null, };
