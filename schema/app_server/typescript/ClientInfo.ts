// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ClientInfo = { name: string, title?: string | null, version: string, };
