// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { TerminalSize } from "./TerminalSize";

export type CommandExecResizeParams = { processId: string, size: TerminalSize, };
