// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { Thread } from "./Thread";

export type ThreadMetadataUpdateResponse = { thread: Thread, };
