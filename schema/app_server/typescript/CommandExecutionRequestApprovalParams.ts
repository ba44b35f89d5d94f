// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { CommandAction } from "./CommandAction";

export type CommandExecutionRequestApprovalParams = { kind: string, threadId: string, turnId: string, itemId: string, startedAtMs: number | null, environmentId: string, reason: string | null, command: string, cwd: string, commandActions: Array<CommandAction>, proposedExecpolicyAmendment: Array<string> | null, availableDecisions: Array<unknown>, };
