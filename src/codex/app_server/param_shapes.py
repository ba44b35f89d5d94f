"""The shapes 0.169's serde gives request params, so a malformed request is refused with the
words 0.169 uses, before the method runs (facts: tests/fixtures/bad_params_official.json,
captured by tests/app_server/capture_bad_params.py).

serde decodes a request's params into the method's params struct before the method runs:
- params that are not an object name the struct: "invalid type: string \"x\", expected struct
  ThreadStartParams"; an array is read as the struct's fields in order, so `[]` is "invalid
  length 0, expected struct ThreadReadParams with 2 elements" (the length is the first field
  without a default; a struct whose fields all have one takes `[]` as `{}`);
- an object's keys are decoded in the order they come: the first known field of a wrong type is
  the error; unknown keys are ignored; then the first missing required field, in the struct's
  order ("missing field `input`"), before any thread is looked up.
Each method's fields are checked from a table generated from 0.169's JSON schema and its live
answers (codex.app_server.param_table, checked by codex.app_server.param_check): their types,
which take null, which are required and in what order. The most used methods (FIELDS, 20 of
them) also have fields described here by hand, which win over the table's: the ones whose
errors were captured first, with nuances of their own (variants codex-py adds, tagged input
items); an enum among them takes the table's variants and words, and codex-py's extras. A
non-empty array is not modelled (serde would decode it field by field): the handler refuses
it.
"""

from __future__ import annotations

from codex.app_server.errors import invalid_params
from codex.app_server.param_check import SCALARS as _SCALARS
from codex.app_server.params import APPROVAL_POLICIES, SANDBOX_MODES, _describe, one_of

TYPE_CHECKING = False  # `typing` stays unloaded on the start-up path (early.py)
if TYPE_CHECKING:
    from typing import Any

# method -> (params struct, its field count), from 0.169's `app-server generate-json-schema`
# (ClientRequest.json). The schema leaves out hidden fields: where 0.169's answer to `[]` says
# otherwise, SEQUENCE below has the count it gave (captured for every method we serve).
STRUCTS: dict[str, tuple[str, int]] = {
    "account/login/cancel": ("CancelLoginAccountParams", 1),
    "account/rateLimitResetCredit/consume": ("ConsumeAccountRateLimitResetCreditParams", 2),
    "account/read": ("GetAccountParams", 1),
    "account/sendAddCreditsNudgeEmail": ("SendAddCreditsNudgeEmailParams", 1),
    "app/installed": ("AppsInstalledParams", 2),
    "app/list": ("AppsListParams", 4),
    "app/read": ("AppsReadParams", 3),
    "command/exec": ("CommandExecParams", 13),
    "command/exec/resize": ("CommandExecResizeParams", 2),
    "command/exec/terminate": ("CommandExecTerminateParams", 1),
    "command/exec/write": ("CommandExecWriteParams", 3),
    "config/batchWrite": ("ConfigBatchWriteParams", 4),
    "config/read": ("ConfigReadParams", 2),
    "config/value/write": ("ConfigValueWriteParams", 5),
    "experimentalFeature/enablement/set": ("ExperimentalFeatureEnablementSetParams", 1),
    "experimentalFeature/list": ("ExperimentalFeatureListParams", 3),
    "externalAgentConfig/detect": ("ExternalAgentConfigDetectParams", 6),
    "externalAgentConfig/import": ("ExternalAgentConfigImportParams", 4),
    "externalAgentConfig/import/recordHistory": ("ExternalAgentConfigImportHistoryRecordParams", 2),
    "feedback/save": ("FeedbackSaveParams", 7),
    "feedback/upload": ("FeedbackUploadParams", 6),
    "fs/copy": ("FsCopyParams", 3),
    "fs/createDirectory": ("FsCreateDirectoryParams", 2),
    "fs/getMetadata": ("FsGetMetadataParams", 1),
    "fs/readDirectory": ("FsReadDirectoryParams", 1),
    "fs/readFile": ("FsReadFileParams", 1),
    "fs/remove": ("FsRemoveParams", 3),
    "fs/unwatch": ("FsUnwatchParams", 1),
    "fs/watch": ("FsWatchParams", 2),
    "fs/writeFile": ("FsWriteFileParams", 2),
    "fuzzyFileSearch": ("FuzzyFileSearchParams", 3),
    "hooks/list": ("HooksListParams", 2),
    "initialize": ("InitializeParams", 2),
    "marketplace/add": ("MarketplaceAddParams", 3),
    "marketplace/remove": ("MarketplaceRemoveParams", 1),
    "marketplace/upgrade": ("MarketplaceUpgradeParams", 1),
    "mcpServer/oauth/login": ("McpServerOauthLoginParams", 5),
    "mcpServer/resource/read": ("McpResourceReadParams", 7),
    "mcpServer/tool/call": ("McpServerToolCallParams", 5),
    "mcpServerStatus/list": ("ListMcpServerStatusParams", 5),
    "model/list": ("ModelListParams", 4),
    "modelProvider/config/write": ("ModelProviderConfigWriteParams", 1),
    "permissionProfile/list": ("PermissionProfileListParams", 3),
    "plugin/install": ("PluginInstallParams", 4),
    "plugin/installed": ("PluginInstalledParams", 2),
    "plugin/list": ("PluginListParams", 3),
    "plugin/read": ("PluginReadParams", 3),
    "plugin/reconcile": ("PluginReconcileParams", 1),
    "plugin/share/checkout": ("PluginShareCheckoutParams", 1),
    "plugin/share/delete": ("PluginShareDeleteParams", 1),
    "plugin/share/save": ("PluginShareSaveParams", 4),
    "plugin/share/updateTargets": ("PluginShareUpdateTargetsParams", 3),
    "plugin/skill/read": ("PluginSkillReadParams", 3),
    "plugin/uninstall": ("PluginUninstallParams", 1),
    "review/start": ("ReviewStartParams", 3),
    "skills/config/write": ("SkillsConfigWriteParams", 3),
    "skills/extraRoots/set": ("SkillsExtraRootsSetParams", 1),
    "skills/list": ("SkillsListParams", 2),
    "thread/approveGuardianDeniedAction": ("ThreadApproveGuardianDeniedActionParams", 2),
    "thread/archive": ("ThreadArchiveParams", 1),
    "thread/attachment/add": ("ThreadAttachmentAddParams", 4),
    "thread/attachment/list": ("ThreadAttachmentListParams", 3),
    "thread/attachment/remove": ("ThreadAttachmentRemoveParams", 3),
    "thread/attachmentOwner/list": ("ThreadAttachmentOwnerListParams", 5),
    "thread/compact/start": ("ThreadCompactStartParams", 1),
    "thread/delete": ("ThreadDeleteParams", 1),
    "thread/fork": ("ThreadForkParams", 15),
    "thread/goal/clear": ("ThreadGoalClearParams", 2),
    "thread/goal/get": ("ThreadGoalGetParams", 1),
    "thread/goal/set": ("ThreadGoalSetParams", 5),
    "thread/inject_items": ("ThreadInjectItemsParams", 2),
    "thread/items/list": ("ThreadItemsListParams", 6),
    "thread/list": ("ThreadListParams", 14),
    "thread/loaded/list": ("ThreadLoadedListParams", 2),
    "thread/metadata/update": ("ThreadMetadataUpdateParams", 2),
    "thread/name/set": ("ThreadSetNameParams", 2),
    "thread/read": ("ThreadReadParams", 2),
    "thread/resume": ("ThreadResumeParams", 13),
    "thread/revert": ("ThreadRevertParams", 2),
    "thread/section/move": ("ThreadSectionMoveParams", 3),
    "thread/shellCommand": ("ThreadShellCommandParams", 3),
    "thread/start": ("ThreadStartParams", 15),
    "thread/turns/list": ("ThreadTurnsListParams", 5),
    "thread/unarchive": ("ThreadUnarchiveParams", 1),
    "thread/unsubscribe": ("ThreadUnsubscribeParams", 1),
    "threadSection/create": ("ThreadSectionCreateParams", 2),
    "threadSection/delete": ("ThreadSectionDeleteParams", 1),
    "threadSection/list": ("ThreadSectionListParams", 2),
    "threadSection/update": ("ThreadSectionUpdateParams", 3),
    "turn/interrupt": ("TurnInterruptParams", 2),
    "turn/start": ("TurnStartParams", 19),
    "turn/steer": ("TurnSteerParams", 4),
    "windowsSandbox/setupStart": ("WindowsSandboxSetupStartParams", 2),
}

# method -> (field count, index of the first field without a default or None), as 0.169
# answers `[]`, where that is not (the schema's count, 0).
SEQUENCE: dict[str, tuple[int, int | None]] = {
    "thread/start": (27, 0),
    "thread/resume": (18, 0),
    "thread/fork": (23, 0),
    "thread/list": (19, 2),
    "turn/start": (28, 0),
    "config/read": (2, 1),
    "command/exec": (14, 0),
    "skills/list": (2, None),
    "account/read": (1, None),
    "externalAgentConfig/detect": (6, 1),
    "hooks/list": (2, 1),
    "thread/metadata/update": (4, 0),
    "turn/steer": (7, 0),
}

# Structs serde reads from a map only (a flattened field): an array is a type error.
MAP_ONLY = frozenset({"feedback/save"})

# A field's type: "str" (a string), "path" (a path string), "abspath" (an absolute one), "bool",
# "u32", "i64", "map", ("seq", item type), ("enum", variants named in the error, more accepted),
# ("tagged", enum name, {variant: required string fields} or None: not checked here).
# 0.169 no longer takes `on-failure`; codex-py still does (its variants and words are the
# table's otherwise: check_shape).
_POLICY = ("enum", APPROVAL_POLICIES, ("on-failure",))
_SANDBOX = ("enum", SANDBOX_MODES, ())
_USER_INPUT = (
    "tagged",
    "UserInput",
    {
        "text": ("text",),
        "image": ("url",),
        "localImage": ("path",),
        "skill": ("name", "path"),
        "mention": ("name", "path"),
    },
)
_REVIEW_TARGET = (
    "tagged",
    "ReviewTarget",
    {
        "uncommittedChanges": (),
        "baseBranch": ("branch",),
        "commit": ("sha",),
        "custom": ("instructions",),
    },
)
_THREAD = {"threadId": "str"}

# method -> {field: type} (the table says which are required).
FIELDS: dict[str, dict[str, Any]] = {
    "thread/start": {
        "model": "str",
        "modelProvider": "str",
        "cwd": "str",
        "approvalPolicy": _POLICY,
        "sandbox": _SANDBOX,
        "config": "map",
        "baseInstructions": "str",
        "developerInstructions": "str",
        "ephemeral": "bool",
    },
    "thread/resume": {**_THREAD, "approvalPolicy": _POLICY, "sandbox": _SANDBOX},
    "thread/fork": {**_THREAD, "approvalPolicy": _POLICY, "sandbox": _SANDBOX, "ephemeral": "bool"},
    "thread/list": {
        "cursor": "str",
        "limit": "u32",
        # 0.169's four keys (codex-py sorts by the first two: listing.py refuses the others).
        "sortKey": ("enum", ("created_at", "updated_at", "recency_at", "section_position"), ()),
        "archived": "bool",
        "modelProviders": ("seq", "str"),
    },
    "thread/read": {**_THREAD, "includeTurns": "bool"},
    "turn/start": {**_THREAD, "input": ("seq", _USER_INPUT), "approvalPolicy": _POLICY},
    "turn/interrupt": {**_THREAD, "turnId": "str"},
    "thread/archive": _THREAD,
    "thread/unarchive": _THREAD,
    "thread/name/set": {**_THREAD, "name": "str"},
    "thread/goal/set": {**_THREAD, "objective": "str"},
    "thread/goal/get": _THREAD,
    "thread/turns/list": {**_THREAD, "limit": "u32"},
    "thread/loaded/list": {"cursor": "str", "limit": "u32"},
    "model/list": {"cursor": "str", "limit": "u32", "includeHidden": "bool"},
    "config/read": {"includeLayers": "bool", "cwd": "str"},
    "command/exec": {
        "command": ("seq", "str"),
        "timeoutMs": "i64",
        "cwd": "path",
        "sandboxPolicy": ("tagged", "SandboxPolicyDeserialize", None),
    },
    "review/start": {
        **_THREAD,
        "target": _REVIEW_TARGET,
        # 0.169 names `inline` only; codex-py also takes `detached` (review.py).
        "delivery": ("enum", ("inline",), ("detached",)),
    },
    "skills/list": {"cwds": ("seq", "path"), "forceReload": "bool"},
    "thread/shellCommand": {**_THREAD, "command": "str", "timeoutMs": "i64"},
    "fs/readFile": {"path": "abspath"},
}


_INTEGERS = {"u32": (0, 2**32 - 1), "i64": (-(2**63), 2**63 - 1)}


def _check(value: Any, kind: Any, required: bool) -> None:
    """Raise serde's error for `value` that is not of type `kind` (null passes an optional
    field: the struct's fields are Options)."""
    if value is None:
        if required:
            raise invalid_params(f"invalid type: null, expected {_expected(kind)}")
        return
    if isinstance(kind, str) and kind in _SCALARS:
        python_type, label = _SCALARS[kind]
        if not isinstance(value, python_type):
            raise invalid_params(f"invalid type: {_describe(value)}, expected {label}")
        if kind == "abspath" and not value.startswith("/"):
            raise invalid_params("AbsolutePathBuf deserialized without a base path")
    elif isinstance(kind, str):  # an integer
        low, high = _INTEGERS[kind]
        if isinstance(value, bool) or not isinstance(value, int):
            raise invalid_params(f"invalid type: {_describe(value)}, expected {kind}")
        if not low <= value <= high:
            raise invalid_params(f"invalid value: {_describe(value)}, expected {kind}")
    elif kind[0] == "seq":
        if not isinstance(value, list):
            raise invalid_params(f"invalid type: {_describe(value)}, expected a sequence")
        for item in value:
            _check(item, kind[1], True)
    elif kind[0] == "enum":
        _, named, more = kind
        if not isinstance(value, dict) and not (isinstance(value, str) and value in more):
            one_of({"v": value}, "v", named)
    else:
        _tagged(value, kind[1], kind[2])


def _is_enum(kind: Any) -> bool:
    return isinstance(kind, (tuple, list)) and kind[0] == "enum"


def _is_seq(kind: Any) -> bool:
    return isinstance(kind, list) and kind[0] == "seq"


def _expected(kind: Any) -> str:
    """What serde says it expected of a field of type `kind`."""
    if isinstance(kind, str):
        return _SCALARS[kind][1] if kind in _SCALARS else kind
    if kind[0] == "seq":
        return "a sequence"
    if kind[0] == "enum":
        return "string or map"
    return f"internally tagged enum {kind[1]}"


def _tagged(value: Any, name: str, variants: dict[str, tuple[str, ...]] | None) -> None:
    """An internally tagged enum (`{"type": ...}`): a map, its tag, the variant's fields."""
    if not isinstance(value, dict):
        raise invalid_params(
            f"invalid type: {_describe(value)}, expected internally tagged enum {name}"
        )
    if variants is None:
        return
    tag = one_of(value, "type", tuple(variants))
    if tag is None:  # absent (captured) or null
        raise invalid_params("missing field `type`")
    for key, item in value.items():
        if key in variants[tag]:
            _check(item, "str", True)
    for key in variants[tag]:
        if key not in value:
            raise invalid_params(f"missing field `{key}`")


def check_shape(method: str, params: Any) -> None:
    """Raise the error 0.169's serde gives when `params` do not decode into `method`'s params
    struct (params already known present, request_params.check_params)."""
    struct = STRUCTS.get(method)
    if struct is None or params is None:
        return
    name, count = struct
    if isinstance(params, list) and method not in MAP_ONLY:
        count, first = SEQUENCE.get(method, (count, 0))
        if first is None or params:
            return  # `[]` of all-default fields is `{}`; a longer array is not modelled
        # The fields before `first` default; serde stops at the first that cannot.
        plural = "element" if count == 1 else "elements"
        raise invalid_params(
            f"invalid length {first}, expected struct {name} with {count} {plural}"
        )
    if not isinstance(params, dict):
        raise invalid_params(f"invalid type: {_describe(params)}, expected struct {name}")
    from codex.app_server.param_check import check_table

    if method in FIELDS:
        _check_hand(method, params)
    else:
        check_table(method, params)  # the less-used methods: all from 0.169's schema


def _check_hand(method: str, params: dict[str, Any]) -> None:
    """A most used method: the fields described here by hand, the others from the table; the
    table says which fields take null and which are required, in serde's order."""
    from codex.app_server.param_check import check_value
    from codex.app_server.param_table import TABLE

    fields = FIELDS[method]
    entry = TABLE.get(method) or {"fields": {}, "nullable": [], "required": ()}
    others, nullable, required = entry["fields"], entry["nullable"], entry["required"]
    for key, value in params.items():
        if key in fields:
            hand, table_kind = fields[key], others.get(key)
            if value is None and table_kind is not None and key not in nullable:
                check_value(None, table_kind, False)  # a bool with a default is no Option
            if _is_enum(hand) and _is_enum(table_kind):
                # 0.169's variants and words; the variants codex-py adds pass
                if not (isinstance(value, str) and value in hand[2]):
                    check_value(value, table_kind, True)
                continue
            if hand[0] == "seq" and _is_seq(table_kind) and isinstance(value, list):
                for item in value:  # each item: 0.169's words first (its variants), then ours
                    check_value(item, table_kind[1], False)
                    _check(item, hand[1], True)
                continue
            if hand[0] == "tagged" and hand[2] is None and table_kind is not None:
                check_value(value, table_kind, True)  # the table knows its tag and variants
                continue
            _check(value, hand, key in required)
        elif key in others:
            check_value(value, others[key], key in nullable)
    for key in required:
        if key not in params:
            raise invalid_params(f"missing field `{key}`")
