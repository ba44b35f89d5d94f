// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ToolRequestUserInputOption = { label: string, description: string, };
