// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { ExperimentalFeature } from "./ExperimentalFeature";

export type ExperimentalFeatureListResponse = { data: Array<ExperimentalFeature>, nextCursor?: string | null, };
