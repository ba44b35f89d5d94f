// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { ReviewTargetParams } from "./ReviewTargetParams";

export type ReviewStartParams = { threadId: string, target: ReviewTargetParams, delivery?: "inline" | "detached" | null, };
