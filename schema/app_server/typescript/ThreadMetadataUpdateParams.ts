// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { ThreadMetadataGitInfoUpdateParams } from "./ThreadMetadataGitInfoUpdateParams";

export type ThreadMetadataUpdateParams = { threadId: string, gitInfo?: ThreadMetadataGitInfoUpdateParams | null, };
