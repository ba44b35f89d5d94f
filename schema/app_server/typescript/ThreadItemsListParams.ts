// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { ThreadItemsListAnchor } from "./ThreadItemsListAnchor";

export type ThreadItemsListParams = { threadId: string, turnId?: string | null, cursor?: string | ThreadItemsListAnchor | null, limit?: number | null, sortDirection?: string | null, };
