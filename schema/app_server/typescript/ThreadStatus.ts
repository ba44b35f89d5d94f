// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ThreadStatus = { type: "notLoaded" | "idle" | "systemError" | "active", activeFlags?: Array<"waitingOnApproval" | "waitingOnUserInput">, };
