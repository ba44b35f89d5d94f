// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ExperimentalFeatureListParams = { cursor?: string | null, limit?: number | null, threadId?: string | null, };
