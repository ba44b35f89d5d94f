// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { SkillsListEntry } from "./SkillsListEntry";

export type SkillsListResponse = { data: Array<SkillsListEntry>, };
