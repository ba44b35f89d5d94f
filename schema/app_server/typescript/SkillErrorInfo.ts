// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type SkillErrorInfo = { path: string, message: string, };
