// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ExperimentalFeature = { name: string, stage: string, displayName?: string | null, description?: string | null, announcement?: string | null, enabled: boolean, defaultEnabled: boolean, };
