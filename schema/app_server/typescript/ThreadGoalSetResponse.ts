// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { ThreadGoal } from "./ThreadGoal";

export type ThreadGoalSetResponse = { goal: ThreadGoal, };
