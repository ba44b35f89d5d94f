// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { ToolRequestUserInputOption } from "./ToolRequestUserInputOption";

export type ToolRequestUserInputQuestion = { id: string, header: string, question: string, isOther?: boolean, isSecret?: boolean, options?: Array<ToolRequestUserInputOption> | null, };
