// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ReviewTargetParams = { type: "uncommittedChanges" | "baseBranch" | "commit" | "custom", branch?: string, sha?: string, title?: string | null, instructions?: string, };
