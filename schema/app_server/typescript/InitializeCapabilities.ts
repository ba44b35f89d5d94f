// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type InitializeCapabilities = { experimentalApi?: boolean, optOutNotificationMethods?: Array<string> | null, };
