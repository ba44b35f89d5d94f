// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { SandboxPolicy } from "./SandboxPolicy";
import type { Thread } from "./Thread";

export type ThreadStartResponse = { thread: Thread, model: string, modelProvider: string, serviceTier: string | null, disabledPluginIds: Array<string>, cwd: string, runtimeWorkspaceRoots: Array<string>, instructionSources: Array<string>, approvalPolicy: string, approvalsReviewer: string, sandbox: SandboxPolicy, activePermissionProfile: { [key in string]?: unknown } | null, reasoningEffort: string | null, multiAgentMode: string, };
