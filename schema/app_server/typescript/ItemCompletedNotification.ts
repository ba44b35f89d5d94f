// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { AgentMessageItem } from "./AgentMessageItem";
import type { CommandExecutionItem } from "./CommandExecutionItem";
import type { ContextCompactionItem } from "./ContextCompactionItem";
import type { FileChangeItem } from "./FileChangeItem";
import type { ReasoningItem } from "./ReasoningItem";
import type { UserMessageItem } from "./UserMessageItem";

export type ItemCompletedNotification = { item: UserMessageItem | AgentMessageItem | ReasoningItem | CommandExecutionItem | FileChangeItem | ContextCompactionItem, threadId: string, turnId: string, contentTokenCount: number | null, completedAtMs: number, };
