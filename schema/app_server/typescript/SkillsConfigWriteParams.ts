// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type SkillsConfigWriteParams = { enabled: boolean, path?: string | null, name?: string | null, };
