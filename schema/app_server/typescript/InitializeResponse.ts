// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type InitializeResponse = { userAgent: string, codexHome: string, platformFamily: string, platformOs: string, };
