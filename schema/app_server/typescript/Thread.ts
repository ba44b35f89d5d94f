// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { ThreadStatus } from "./ThreadStatus";
import type { Turn } from "./Turn";

export type Thread = { id: string, environments: Array<{ [key in string]?: unknown }> | null, extra: unknown, sessionId: string, forkedFromId: string | null, attachedToThreadId: string | null, parentThreadId: string | null, preview: string, ephemeral: boolean, section: unknown, sectionEnteredAt: unknown, projectId: string | null, historyMode: string, modelProvider: string, model: string | null, reasoningEffort: string | null, createdAt: number, updatedAt: number, recencyAt: number, status: ThreadStatus, path: string | null, cwd: string, cliVersion: string, originator: string | null, source: unknown, canAcceptDirectInput: boolean | null, threadSource: unknown, agentNickname: string | null, agentRole: string | null, gitInfo: unknown, name: string | null, daybreakEnabled: unknown, turns: Array<Turn>, };
