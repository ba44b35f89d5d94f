// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type SkillInterface = { displayName?: string | null, shortDescription?: string | null, iconSmall?: string | null, iconLarge?: string | null, iconSmallUrl?: string | null, iconLargeUrl?: string | null, brandColor?: string | null, defaultPrompt?: string | null, };
