// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type TurnSteerParams = { threadId: string, input: Array<{ [key in string]?: unknown }>, expectedTurnId: string, };
