// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type FuzzyFileSearchResult = { root: string, path: string, match_type: string, file_name: string, score: number, indices: Array<number> | null, };
