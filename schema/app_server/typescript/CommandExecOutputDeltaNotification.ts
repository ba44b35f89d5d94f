// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type CommandExecOutputDeltaNotification = { processId: string, stream: "stdout" | "stderr", deltaBase64: string, capReached: boolean, };
