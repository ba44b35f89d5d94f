// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type PatchChangeKind = { type: "add" | "delete" | "update", move_path?: string | null, };
