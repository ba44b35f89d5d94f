// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { RestoredFiles } from "./RestoredFiles";
import type { Thread } from "./Thread";

export type ThreadRollbackResponse = { thread: Thread, restoredFiles?: RestoredFiles, };
