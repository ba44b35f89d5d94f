// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { SkillDependencies } from "./SkillDependencies";
import type { SkillInterface } from "./SkillInterface";

export type SkillMetadata = { name: string, description: string, shortDescription?: string | null, interface?: SkillInterface | null, dependencies?: SkillDependencies | null, path: string, scope: "user" | "repo" | "system" | "admin", enabled: boolean, pluginId?: string | null, };
