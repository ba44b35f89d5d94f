// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { AgentMessageItem } from "./AgentMessageItem";
import type { CommandExecutionItem } from "./CommandExecutionItem";
import type { ContextCompactionItem } from "./ContextCompactionItem";
import type { EnteredReviewModeItem } from "./EnteredReviewModeItem";
import type { ExitedReviewModeItem } from "./ExitedReviewModeItem";
import type { FileChangeItem } from "./FileChangeItem";
import type { McpToolCallItem } from "./McpToolCallItem";
import type { ReasoningItem } from "./ReasoningItem";
import type { TurnError } from "./TurnError";
import type { UserMessageItem } from "./UserMessageItem";
import type { WebSearchItem } from "./WebSearchItem";

export type Turn = { id: string, rootTurnId: string, items: Array<UserMessageItem | AgentMessageItem | ReasoningItem | CommandExecutionItem | FileChangeItem | ContextCompactionItem | McpToolCallItem | WebSearchItem | EnteredReviewModeItem | ExitedReviewModeItem>, itemsView: "notLoaded" | "summary" | "full", status: "completed" | "interrupted" | "failed" | "inProgress", error: TurnError | null, startedAt: number | null, completedAt: number | null, durationMs: number | null, };
