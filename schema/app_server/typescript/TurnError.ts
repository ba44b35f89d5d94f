// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type TurnError = { message: string, codexErrorInfo: unknown, additionalDetails: string | null, misalignment: unknown, };
