// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { PatchChangeKind } from "./PatchChangeKind";

export type FileUpdateChange = { path: string, kind: PatchChangeKind, diff: string, };
