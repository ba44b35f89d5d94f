// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { Turn } from "./Turn";

export type ReviewStartResponse = { turn: Turn, reviewThreadId: string, };
