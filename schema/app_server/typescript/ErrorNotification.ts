// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { TurnError } from "./TurnError";

export type ErrorNotification = { error: TurnError, willRetry: boolean, threadId: string, turnId: string, };
