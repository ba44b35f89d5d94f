// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ThreadMetadataGitInfoUpdateParams = { sha?: string | null, branch?: string | null, originUrl?: string | null, };
