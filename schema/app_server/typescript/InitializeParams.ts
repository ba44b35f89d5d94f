// GENERATED CODE! DO NOT MODIFY BY HAND! (codex app-server generate-ts)

import type { ClientInfo } from "./ClientInfo";
import type { InitializeCapabilities } from "./InitializeCapabilities";

export type InitializeParams = { clientInfo: ClientInfo, capabilities?: InitializeCapabilities | null, };
