// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ToolRequestUserInputAnswer = { answers: Array<string>, };
