// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { ToolRequestUserInputAnswer } from "./ToolRequestUserInputAnswer";

export type ToolRequestUserInputResponse = { answers: { [key in string]?: ToolRequestUserInputAnswer }, };
