// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { SandboxPolicy } from "./SandboxPolicy";

export type TurnStartParams = { threadId: string, input: Array<{ [key in string]?: unknown }>, cwd?: string | null, approvalPolicy?: "untrusted" | "on-failure" | "on-request" | "never" | null, sandboxPolicy?: SandboxPolicy | null, model?: string | null, effort?: string | null, summary?: string | null, outputSchema?: unknown, };
