// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { HooksListEntry } from "./HooksListEntry";

export type HooksListResponse = { data: Array<HooksListEntry>, };
