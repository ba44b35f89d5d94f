// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { TerminalSize } from "./TerminalSize";

export type CommandExecParams = { command: Array<string>, processId?: string | null, tty?: boolean, streamStdin?: boolean, streamStdoutStderr?: boolean, outputBytesCap?: number | null, disableOutputCap?: boolean, disableTimeout?: boolean, timeoutMs?: number | null, cwd?: string | null, env?: { [key in string]?: string | null } | null, size?: TerminalSize | null, sandboxPolicy?: { [key in string]?: unknown } | null, };
