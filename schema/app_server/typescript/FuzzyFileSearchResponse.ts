// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { FuzzyFileSearchResult } from "./FuzzyFileSearchResult";

export type FuzzyFileSearchResponse = { files: Array<FuzzyFileSearchResult>, };
