// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type FuzzyFileSearchParams = { query: string, roots: Array<string>, cancellationToken?: string | null, };
