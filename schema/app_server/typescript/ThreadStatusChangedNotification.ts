// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { ThreadStatus } from "./ThreadStatus";

export type ThreadStatusChangedNotification = { threadId: string, status: ThreadStatus, };
