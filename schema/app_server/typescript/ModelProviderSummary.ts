// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ModelProviderSummary = { id: string, name: string, canEdit: boolean, baseUrl?: string | null, settings: { [key in string]?: unknown }, };
