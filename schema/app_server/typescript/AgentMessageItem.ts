// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type AgentMessageItem = { type: "agentMessage", moderation: unknown, id: string, text: string, phase: "commentary" | "partial_answer" | "final_answer" | null, memoryCitation: unknown, delivery: unknown, questions: unknown, startedAtMs: number | null, completedAtMs: number | null, };
