"""Protocol types of the local methods added after the first set (codex.app_server.types):
thread/shellCommand, thread/metadata/update, thread/inject_items, thread/items/list,
fuzzyFileSearch, modelProvider/list, config/write and capabilities/read, hooks/list,
mcpServer/tool/call and resource/read,
experimentalFeature/list and enablement/set, fs/watch and fs/unwatch, and the `fs/changed`
notification. Registered into types.REQUESTS / NOTIFICATIONS, so `generate-json-schema` and
`generate-ts` describe them with the rest."""

# No `from __future__ import annotations` (as types.py): TypedDict sees NotRequired only in
# evaluated annotations.
from typing import Any, NotRequired, TypedDict

from codex.app_server.types import Thread


class EmptyResponse(TypedDict):
    pass


class ThreadShellCommandParams(TypedDict):
    threadId: str
    command: str
    timeoutMs: NotRequired[int | None]


class ThreadMetadataGitInfoUpdateParams(TypedDict):
    sha: NotRequired[str | None]
    branch: NotRequired[str | None]
    originUrl: NotRequired[str | None]


class ThreadMetadataUpdateParams(TypedDict):
    threadId: str
    gitInfo: NotRequired[ThreadMetadataGitInfoUpdateParams | None]


class ThreadMetadataUpdateResponse(TypedDict):
    thread: Thread


class ThreadInjectItemsParams(TypedDict):
    threadId: str
    items: list[Any]


class FuzzyFileSearchParams(TypedDict):
    query: str
    roots: list[str]
    cancellationToken: NotRequired[str | None]


class FuzzyFileSearchResult(TypedDict):
    root: str
    path: str
    match_type: str
    file_name: str
    score: int
    indices: list[int] | None


class FuzzyFileSearchResponse(TypedDict):
    files: list[FuzzyFileSearchResult]


class ModelProviderListParams(TypedDict):
    pass


class ModelProviderSummary(TypedDict):
    id: str
    name: str
    canEdit: bool
    baseUrl: NotRequired[str | None]
    settings: dict[str, Any]


class ModelProviderListResponse(TypedDict):
    data: list[ModelProviderSummary]
    defaultProviderId: str
    canChangeDefault: bool


class ModelProviderCapabilitiesReadResponse(TypedDict):
    imageGeneration: bool
    webSearch: bool


class HooksListParams(TypedDict):
    cwds: NotRequired[list[str]]
    threadId: NotRequired[str | None]


class HooksListEntry(TypedDict):
    cwd: str
    hooks: list[Any]
    warnings: list[str]
    errors: list[Any]


class HooksListResponse(TypedDict):
    data: list[HooksListEntry]


class FsWatchParams(TypedDict):
    path: str
    watchId: str


class FsWatchResponse(TypedDict):
    path: str


class FsUnwatchParams(TypedDict):
    watchId: str


class FsChangedNotification(TypedDict):
    watchId: str
    changedPaths: list[str]


class ExperimentalFeatureListParams(TypedDict):
    cursor: NotRequired[str | None]
    limit: NotRequired[int | None]
    threadId: NotRequired[str | None]


class ExperimentalFeature(TypedDict):
    name: str
    stage: str
    displayName: NotRequired[str | None]
    description: NotRequired[str | None]
    announcement: NotRequired[str | None]
    enabled: bool
    defaultEnabled: bool


class ExperimentalFeatureListResponse(TypedDict):
    data: list[ExperimentalFeature]
    nextCursor: NotRequired[str | None]


class ExperimentalFeatureEnablementSetParams(TypedDict):
    enablement: dict[str, bool]


class ExperimentalFeatureEnablementSetResponse(TypedDict):
    enablement: dict[str, bool]


class ThreadItemsListAnchor(TypedDict):
    type: str
    itemId: str


class ThreadItemsListParams(TypedDict):
    threadId: str
    turnId: NotRequired[str | None]
    cursor: NotRequired[str | ThreadItemsListAnchor | None]
    limit: NotRequired[int | None]
    sortDirection: NotRequired[str | None]


class ThreadItemEntry(TypedDict):
    turnId: str
    item: dict[str, Any]
    startedAtMs: int | None
    completedAtMs: int | None


class ThreadItemsListResponse(TypedDict):
    data: list[ThreadItemEntry]
    nextCursor: str | None
    backwardsCursor: str | None


class ModelProviderConfigWriteParams(TypedDict):
    settings: dict[str, Any]


class ModelProviderConfigWriteResponse(TypedDict):
    provider: ModelProviderSummary


class McpServerToolCallParams(TypedDict):  # MCP casing: `_meta`
    threadId: str
    server: str
    tool: str
    arguments: NotRequired[Any]
    _meta: NotRequired[Any]


class McpServerToolCallResponse(TypedDict):
    content: list[Any]
    structuredContent: NotRequired[Any]
    isError: NotRequired[bool | None]
    _meta: NotRequired[Any]


class McpResourceReadParams(TypedDict):
    server: str
    uri: str
    threadId: NotRequired[str | None]


class McpResourceReadResponse(TypedDict):
    contents: list[Any]
    originCallId: NotRequired[str | None]


REQUESTS: dict[str, tuple[type, type | None]] = {
    "thread/shellCommand": (ThreadShellCommandParams, EmptyResponse),
    "thread/metadata/update": (ThreadMetadataUpdateParams, ThreadMetadataUpdateResponse),
    "thread/inject_items": (ThreadInjectItemsParams, EmptyResponse),
    "thread/items/list": (ThreadItemsListParams, ThreadItemsListResponse),
    "fuzzyFileSearch": (FuzzyFileSearchParams, FuzzyFileSearchResponse),
    "modelProvider/list": (ModelProviderListParams, ModelProviderListResponse),
    "modelProvider/config/write": (
        ModelProviderConfigWriteParams,
        ModelProviderConfigWriteResponse,
    ),
    "modelProvider/capabilities/read": (
        ModelProviderListParams,
        ModelProviderCapabilitiesReadResponse,
    ),
    "hooks/list": (HooksListParams, HooksListResponse),
    "mcpServer/tool/call": (McpServerToolCallParams, McpServerToolCallResponse),
    "mcpServer/resource/read": (McpResourceReadParams, McpResourceReadResponse),
    "experimentalFeature/list": (ExperimentalFeatureListParams, ExperimentalFeatureListResponse),
    "experimentalFeature/enablement/set": (
        ExperimentalFeatureEnablementSetParams,
        ExperimentalFeatureEnablementSetResponse,
    ),
    "fs/watch": (FsWatchParams, FsWatchResponse),
    "fs/unwatch": (FsUnwatchParams, EmptyResponse),
}
NOTIFICATIONS: dict[str, type] = {"fs/changed": FsChangedNotification}
