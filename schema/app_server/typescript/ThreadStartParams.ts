// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type ThreadStartParams = { model?: string | null, modelProvider?: string | null, cwd?: string | null, approvalPolicy?: "untrusted" | "on-failure" | "on-request" | "never" | null, sandbox?: "read-only" | "workspace-write" | "danger-full-access" | null, config?: { [key in string]?: unknown } | null, baseInstructions?: string | null, developerInstructions?: string | null, ephemeral?: boolean | null, };
