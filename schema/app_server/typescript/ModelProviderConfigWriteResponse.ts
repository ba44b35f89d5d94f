// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { ModelProviderSummary } from "./ModelProviderSummary";

export type ModelProviderConfigWriteResponse = { provider: ModelProviderSummary, };
