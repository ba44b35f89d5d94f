// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type SkillToolDependency = { type: string, value: string, description?: string | null, transport?: string | null, command?: string | null, url?: string | null, };
