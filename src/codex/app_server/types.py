"""The protocol's message types as this server speaks them (v2, camelCase): TypedDicts the
builders in `items` / `notifications` / `threads` return and the requests `params` checks.
`codex app-server generate-json-schema` / `generate-ts` are generated from these classes
(codex.app_server.schema); the committed schema under schema/app_server/ is checked against
them by tests/app_server/test_schema.py, and the messages the server sends in the tests are
validated against that schema.
"""

# No `from __future__ import annotations`: TypedDict learns which keys are NotRequired only
# from evaluated annotations (Python 3.11).
from typing import Any, Literal, NotRequired, TypedDict

# ---- primitives ------------------------------------------------------------------------------

TurnStatus = Literal["completed", "interrupted", "failed", "inProgress"]
ItemStatus = Literal["inProgress", "completed", "failed", "declined"]
ApprovalPolicy = Literal["untrusted", "on-failure", "on-request", "never"]
SandboxMode = Literal["read-only", "workspace-write", "danger-full-access"]


class ClientInfo(TypedDict):
    name: str
    title: NotRequired[str | None]
    version: str


class InitializeCapabilities(TypedDict):
    experimentalApi: NotRequired[bool]
    optOutNotificationMethods: NotRequired[list[str] | None]


class InitializeParams(TypedDict):
    clientInfo: ClientInfo
    capabilities: NotRequired[InitializeCapabilities | None]


class InitializeResponse(TypedDict):
    userAgent: str
    codexHome: str
    platformFamily: str
    platformOs: str


class ThreadStatus(TypedDict):
    type: Literal["notLoaded", "idle", "systemError", "active"]
    activeFlags: NotRequired[list[Literal["waitingOnApproval", "waitingOnUserInput"]]]


class TurnError(TypedDict):
    message: str
    codexErrorInfo: Any
    additionalDetails: str | None
    misalignment: Any


class TextInput(TypedDict):
    type: Literal["text"]
    text: str
    text_elements: NotRequired[list[Any]]


class UserMessageItem(TypedDict):
    type: Literal["userMessage"]
    id: str
    clientId: str | None
    content: list[dict[str, Any]]
    startedAtMs: int | None
    completedAtMs: int | None


class AgentMessageItem(TypedDict):
    type: Literal["agentMessage"]
    moderation: Any
    id: str
    text: str
    phase: Literal["commentary", "partial_answer", "final_answer"] | None
    memoryCitation: Any
    delivery: Any
    questions: Any
    startedAtMs: int | None
    completedAtMs: int | None


class ReasoningItem(TypedDict):
    type: Literal["reasoning"]
    id: str
    summary: list[str]
    content: list[str]


class CommandAction(TypedDict):
    type: str
    command: str


class CommandExecutionItem(TypedDict):
    type: Literal["commandExecution"]
    id: str
    pluginId: str | None
    scriptPath: str | None
    command: str
    cwd: str
    processId: str | None
    source: str
    status: ItemStatus
    commandActions: list[CommandAction]
    aggregatedOutput: str | None
    exitCode: int | None
    durationMs: int | None
    startedAtMs: int | None
    completedAtMs: int | None


class PatchChangeKind(TypedDict):
    # 0.169 carries `move_path` on updates only, in live notifications and thread/read alike.
    type: Literal["add", "delete", "update"]
    move_path: NotRequired[str | None]


class FileUpdateChange(TypedDict):
    path: str
    kind: PatchChangeKind
    diff: str


class FileChangeItem(TypedDict):
    type: Literal["fileChange"]
    id: str
    changes: list[FileUpdateChange]
    status: ItemStatus
    startedAtMs: int | None
    completedAtMs: int | None


class ContextCompactionItem(TypedDict):
    type: Literal["contextCompaction"]
    id: str


class McpToolCallItem(TypedDict):
    type: Literal["mcpToolCall"]
    id: str
    server: str
    tool: str
    status: ItemStatus
    arguments: Any
    result: Any
    error: Any
    durationMs: int | None
    pluginId: str | None
    appContext: Any
    mcpAppResourceUri: str | None
    mcpAppUi: Any
    readOnlyHint: bool | None


class WebSearchItem(TypedDict):
    type: Literal["webSearch"]
    id: str
    query: str
    action: Any


class EnteredReviewModeItem(TypedDict):
    type: Literal["enteredReviewMode"]
    id: str
    review: str
    startedAtMs: int | None
    completedAtMs: int | None


class ExitedReviewModeItem(TypedDict):
    type: Literal["exitedReviewMode"]
    id: str
    review: str
    startedAtMs: int | None
    completedAtMs: int | None


ThreadItem = (
    UserMessageItem
    | AgentMessageItem
    | ReasoningItem
    | CommandExecutionItem
    | FileChangeItem
    | ContextCompactionItem
    | McpToolCallItem
    | WebSearchItem
    | EnteredReviewModeItem
    | ExitedReviewModeItem
)


class Turn(TypedDict):
    id: str
    rootTurnId: str
    items: list[ThreadItem]
    itemsView: Literal["notLoaded", "summary", "full"]
    status: TurnStatus
    error: TurnError | None
    startedAt: int | None
    completedAt: int | None
    durationMs: int | None


class Thread(TypedDict):
    id: str
    environments: list[dict[str, Any]] | None
    extra: Any
    sessionId: str
    forkedFromId: str | None
    attachedToThreadId: str | None
    parentThreadId: str | None
    preview: str
    ephemeral: bool
    section: Any
    sectionEnteredAt: Any
    projectId: str | None
    historyMode: str
    modelProvider: str
    model: str | None
    reasoningEffort: str | None
    createdAt: int
    updatedAt: int
    recencyAt: int
    status: ThreadStatus
    path: str | None
    cwd: str
    cliVersion: str
    originator: str | None
    source: Any
    canAcceptDirectInput: bool | None
    threadSource: Any
    agentNickname: str | None
    agentRole: str | None
    gitInfo: Any
    name: str | None
    daybreakEnabled: Any
    turns: list[Turn]


# ---- requests and responses -------------------------------------------------------------------


class ThreadStartParams(TypedDict):
    model: NotRequired[str | None]
    modelProvider: NotRequired[str | None]
    cwd: NotRequired[str | None]
    approvalPolicy: NotRequired[ApprovalPolicy | None]
    sandbox: NotRequired[SandboxMode | None]
    config: NotRequired[dict[str, Any] | None]
    baseInstructions: NotRequired[str | None]
    developerInstructions: NotRequired[str | None]
    ephemeral: NotRequired[bool | None]


class SandboxPolicy(TypedDict):
    type: Literal["readOnly", "workspaceWrite", "dangerFullAccess", "externalSandbox"]
    networkAccess: NotRequired[Any]
    writableRoots: NotRequired[list[str]]
    excludeTmpdirEnvVar: NotRequired[bool]
    excludeSlashTmp: NotRequired[bool]


class ThreadStartResponse(TypedDict):
    thread: Thread
    model: str
    modelProvider: str
    serviceTier: str | None
    disabledPluginIds: list[str]
    cwd: str
    runtimeWorkspaceRoots: list[str]
    instructionSources: list[str]
    approvalPolicy: str
    approvalsReviewer: str
    sandbox: SandboxPolicy
    activePermissionProfile: dict[str, Any] | None
    reasoningEffort: str | None
    multiAgentMode: str


class ThreadResumeParams(ThreadStartParams):
    threadId: str
    excludeTurns: NotRequired[bool | None]


class ThreadReadParams(TypedDict):
    threadId: str
    includeTurns: NotRequired[bool]


class ThreadReadResponse(TypedDict):
    thread: Thread


class ThreadListParams(TypedDict):
    cursor: NotRequired[str | None]
    limit: NotRequired[int | None]
    archived: NotRequired[bool | None]
    modelProviders: NotRequired[list[str] | None]
    searchTerm: NotRequired[str | None]


class ThreadListResponse(TypedDict):
    data: list[Thread]
    nextCursor: str | None
    backwardsCursor: str | None


class TurnStartParams(TypedDict):
    threadId: str
    input: list[dict[str, Any]]
    cwd: NotRequired[str | None]
    approvalPolicy: NotRequired[ApprovalPolicy | None]
    sandboxPolicy: NotRequired[SandboxPolicy | None]
    model: NotRequired[str | None]
    effort: NotRequired[str | None]
    summary: NotRequired[str | None]
    outputSchema: NotRequired[Any]


class TurnStartResponse(TypedDict):
    turn: Turn


class TurnInterruptParams(TypedDict):
    threadId: str
    turnId: str


class TurnSteerParams(TypedDict):
    threadId: str
    input: list[dict[str, Any]]
    expectedTurnId: str


class TurnSteerResponse(TypedDict):
    turnId: str


# ---- notifications ------------------------------------------------------------------------------


class ThreadStartedNotification(TypedDict):
    thread: Thread


class ThreadStatusChangedNotification(TypedDict):
    threadId: str
    status: ThreadStatus


class TurnStartedNotification(TypedDict):
    threadId: str
    turn: Turn


class TurnCompletedNotification(TypedDict):
    threadId: str
    turn: Turn


class ItemStartedNotification(TypedDict):
    item: ThreadItem
    threadId: str
    turnId: str
    startedAtMs: int


class ItemCompletedNotification(TypedDict):
    item: ThreadItem
    threadId: str
    turnId: str
    contentTokenCount: int | None
    completedAtMs: int


class AgentMessageDeltaNotification(TypedDict):
    threadId: str
    turnId: str
    itemId: str
    delta: str


class TokenUsageBreakdown(TypedDict):
    totalTokens: int
    inputTokens: int
    cachedInputTokens: int
    cacheWriteInputTokens: int
    outputTokens: int
    reasoningOutputTokens: int


class ThreadTokenUsage(TypedDict):
    total: TokenUsageBreakdown
    last: TokenUsageBreakdown
    modelContextWindow: int | None


class ThreadTokenUsageUpdatedNotification(TypedDict):
    threadId: str
    turnId: str
    tokenUsage: ThreadTokenUsage


class ErrorNotification(TypedDict):
    error: TurnError
    willRetry: bool
    threadId: str
    turnId: str


class ServerRequestResolvedNotification(TypedDict):
    threadId: str
    requestId: int


class ReviewTargetParams(TypedDict):
    type: Literal["uncommittedChanges", "baseBranch", "commit", "custom"]
    branch: NotRequired[str]
    sha: NotRequired[str]
    title: NotRequired[str | None]
    instructions: NotRequired[str]


class ReviewStartParams(TypedDict):
    threadId: str
    target: ReviewTargetParams
    # "detached" is codex-py's (upstream's earlier option): the review runs on a new thread
    delivery: NotRequired[Literal["inline", "detached"] | None]


class ReviewStartResponse(TypedDict):
    turn: Turn
    reviewThreadId: str


class ThreadRollbackParams(TypedDict):
    threadId: str
    numTurns: int
    # codex-py: put back the files the dropped turns changed (checkpoints); `force` overwrites
    # files changed by hand since
    restoreFiles: NotRequired[bool]
    force: NotRequired[bool]


class RestoredFiles(TypedDict):
    written: list[str]
    deleted: list[str]
    cwd: str


class ThreadRollbackResponse(TypedDict):
    thread: Thread
    restoredFiles: NotRequired[RestoredFiles]


class ThreadRevertParams(TypedDict):
    threadId: str
    beforeTurnId: str
    restoreFiles: NotRequired[bool]
    force: NotRequired[bool]


class ThreadRevertResponse(TypedDict):
    thread: Thread
    turnsBackwardsCursor: str | None
    itemsBackwardsCursor: str | None
    restoredFiles: NotRequired[RestoredFiles]


class TerminalSize(TypedDict):
    rows: int
    cols: int


class CommandExecParams(TypedDict):
    command: list[str]
    processId: NotRequired[str | None]
    tty: NotRequired[bool]
    streamStdin: NotRequired[bool]
    streamStdoutStderr: NotRequired[bool]
    outputBytesCap: NotRequired[int | None]
    disableOutputCap: NotRequired[bool]
    disableTimeout: NotRequired[bool]
    timeoutMs: NotRequired[int | None]
    cwd: NotRequired[str | None]
    env: NotRequired[dict[str, str | None] | None]
    size: NotRequired[TerminalSize | None]
    sandboxPolicy: NotRequired[dict[str, Any] | None]


class CommandExecResponse(TypedDict):
    exitCode: int
    stdout: str
    stderr: str


class CommandExecWriteParams(TypedDict):
    processId: str
    deltaBase64: NotRequired[str | None]
    closeStdin: NotRequired[bool]


class CommandExecResizeParams(TypedDict):
    processId: str
    size: TerminalSize


class CommandExecTerminateParams(TypedDict):
    processId: str


class CommandExecOutputDeltaNotification(TypedDict):
    processId: str
    stream: Literal["stdout", "stderr"]
    deltaBase64: str
    capReached: bool


# ---- server → client requests --------------------------------------------------------------------


class CommandExecutionRequestApprovalParams(TypedDict):
    kind: str
    threadId: str
    turnId: str
    itemId: str
    startedAtMs: int | None
    environmentId: str
    reason: str | None
    command: str
    cwd: str
    commandActions: list[CommandAction]
    proposedExecpolicyAmendment: list[str] | None
    availableDecisions: list[Any]


class FileChangeRequestApprovalParams(TypedDict):
    threadId: str
    turnId: str
    itemId: str
    startedAtMs: int | None
    reason: str | None
    grantRoot: str | None


class ApprovalResponse(TypedDict):
    decision: Any


# What `generate-*` writes, by group (method → params / result / notification types).
REQUESTS: dict[str, tuple[type, type | None]] = {
    "initialize": (InitializeParams, InitializeResponse),
    "thread/start": (ThreadStartParams, ThreadStartResponse),
    "thread/resume": (ThreadResumeParams, ThreadStartResponse),
    "thread/read": (ThreadReadParams, ThreadReadResponse),
    "thread/list": (ThreadListParams, ThreadListResponse),
    "turn/start": (TurnStartParams, TurnStartResponse),
    "turn/steer": (TurnSteerParams, TurnSteerResponse),
    "turn/interrupt": (TurnInterruptParams, None),
    "review/start": (ReviewStartParams, ReviewStartResponse),
    "thread/rollback": (ThreadRollbackParams, ThreadRollbackResponse),
    "thread/revert": (ThreadRevertParams, ThreadRevertResponse),
    "command/exec": (CommandExecParams, CommandExecResponse),
    "command/exec/write": (CommandExecWriteParams, None),
    "command/exec/resize": (CommandExecResizeParams, None),
    "command/exec/terminate": (CommandExecTerminateParams, None),
}
NOTIFICATIONS: dict[str, type] = {
    "thread/started": ThreadStartedNotification,
    "thread/status/changed": ThreadStatusChangedNotification,
    "turn/started": TurnStartedNotification,
    "turn/completed": TurnCompletedNotification,
    "item/started": ItemStartedNotification,
    "item/completed": ItemCompletedNotification,
    "item/agentMessage/delta": AgentMessageDeltaNotification,
    "thread/tokenUsage/updated": ThreadTokenUsageUpdatedNotification,
    "error": ErrorNotification,
    "serverRequest/resolved": ServerRequestResolvedNotification,
    "command/exec/outputDelta": CommandExecOutputDeltaNotification,
}
SERVER_REQUESTS: dict[str, tuple[type, type]] = {
    "item/commandExecution/requestApproval": (
        CommandExecutionRequestApprovalParams,
        ApprovalResponse,
    ),
    "item/fileChange/requestApproval": (FileChangeRequestApprovalParams, ApprovalResponse),
}

# The shapes of later method families, each in a module of its own (they build on the above).
from codex.app_server import types_goals, types_local, types_skills, types_user_input  # noqa: E402

for _family in (types_local, types_skills, types_goals, types_user_input):
    REQUESTS.update(getattr(_family, "REQUESTS", {}))
    NOTIFICATIONS.update(getattr(_family, "NOTIFICATIONS", {}))
    SERVER_REQUESTS.update(getattr(_family, "SERVER_REQUESTS", {}))
