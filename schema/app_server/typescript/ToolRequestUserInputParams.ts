// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { ToolRequestUserInputQuestion } from "./ToolRequestUserInputQuestion";

export type ToolRequestUserInputParams = { threadId: string, turnId: string, itemId: string, questions: Array<ToolRequestUserInputQuestion>, isBlocking: boolean, autoResolutionMs?: number | null, };
