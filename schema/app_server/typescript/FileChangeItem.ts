// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { FileUpdateChange } from "./FileUpdateChange";

export type FileChangeItem = { type: "fileChange", id: string, changes: Array<FileUpdateChange>, status: "inProgress" | "completed" | "failed" | "declined", startedAtMs: number | null, completedAtMs: number | null, };
