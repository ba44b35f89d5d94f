// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type HooksListParams = { cwds?: Array<string>, threadId?: string | null, };
