// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { SkillToolDependency } from "./SkillToolDependency";

export type SkillDependencies = { tools: Array<SkillToolDependency>, };
