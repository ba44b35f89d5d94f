// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ExperimentalFeatureEnablementSetParams = { enablement: { [key in string]?: boolean }, };
