// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { RestoredFiles } from "./RestoredFiles";
import type { Thread } from "./Thread";

export type ThreadRevertResponse = { thread: Thread, turnsBackwardsCursor: string | null, itemsBackwardsCursor: string | null, restoredFiles?: RestoredFiles, };
