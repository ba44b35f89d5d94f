// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { CommandAction } from "./CommandAction";

export type CommandExecutionItem = { type: "commandExecution", id: string, pluginId: string | null, scriptPath: string | null, command: string, cwd: string, processId: string | null, source: string, status: "inProgress" | "completed" | "failed" | "declined", commandActions: Array<CommandAction>, aggregatedOutput: string | null, exitCode: number | null, durationMs: number | null, startedAtMs: number | null, completedAtMs: number | null, };
