// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type CommandExecWriteParams = { processId: string, deltaBase64?: string | null, closeStdin?: boolean, };
