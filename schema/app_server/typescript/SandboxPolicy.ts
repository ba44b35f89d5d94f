// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

export type SandboxPolicy = { type: "readOnly" | "workspaceWrite" | "dangerFullAccess" | "externalSandbox", networkAccess?: unknown, writableRoots?: Array<string>, excludeTmpdirEnvVar?: boolean, excludeSlashTmp?: boolean, };
