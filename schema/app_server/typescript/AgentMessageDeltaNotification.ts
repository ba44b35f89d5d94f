// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type AgentMessageDeltaNotification = { threadId: string, turnId: string, itemId: string, delta: string, };
