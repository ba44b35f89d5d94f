// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ThreadListParams = { cursor?: string | null, limit?: number | null, archived?: boolean | null, modelProviders?: Array<string> | null, searchTerm?: string | null, };
