// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { AgentMessageItem } from "./AgentMessageItem";
import type { CommandExecutionItem } from "./CommandExecutionItem";
import type { ContextCompactionItem } from "./ContextCompactionItem";
import type { EnteredReviewModeItem } from "./EnteredReviewModeItem";
import type { ExitedReviewModeItem } from "./ExitedReviewModeItem";
import type { FileChangeItem } from "./FileChangeItem";
import type { McpToolCallItem } from "./McpToolCallItem";
import type { ReasoningItem } from "./ReasoningItem";
import type { UserMessageItem } from "./UserMessageItem";
import type { WebSearchItem } from "./WebSearchItem";

export type ItemCompletedNotification = { item: UserMessageItem | AgentMessageItem | ReasoningItem | CommandExecutionItem | FileChangeItem | ContextCompactionItem | McpToolCallItem | WebSearchItem | EnteredReviewModeItem | ExitedReviewModeItem, threadId: string, turnId: string, contentTokenCount: number | null, completedAtMs: number, };
