"""The method table: every client→server method this server answers, by wire name. Methods
of the official protocol a local CLI cannot serve (cloud tasks, realtime audio, plugins,
marketplace, remote control...) answer a clear "not supported" error instead of
"unknown method", so a client can tell the two apart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.app_server import (
    account,
    commands,
    feedback,
    fs,
    fs_watch,
    goals,
    hooks_list,
    local_methods,
    mcp_methods,
    mcp_reload,
    modes,
    review,
    rollback,
    shell_command,
    skills,
    thread_extra,
    threads,
    turns,
    turns_list,
)
from codex.app_server.errors import INVALID_REQUEST, RpcError, unsupported

if TYPE_CHECKING:
    from codex.app_server.server import Handler


def _unsupported(method: str) -> Handler:
    async def handler(server: Any, conn: Any, params: dict[str, Any]) -> Any:
        raise unsupported(method)

    return handler


def _not_implemented(method: str) -> Handler:
    async def handler(server: Any, conn: Any, params: dict[str, Any]) -> Any:
        raise RpcError(INVALID_REQUEST, f"{method} is not implemented by codex-py's app-server yet")

    return handler


def _constant(value: dict[str, Any]) -> Handler:
    """A method whose local answer is fixed: no plugins or apps are installed here."""

    async def handler(server: Any, conn: Any, params: dict[str, Any]) -> Any:
        return {key: list(item) if isinstance(item, list) else item for key, item in value.items()}

    return handler


async def _permission_profiles(server: Any, conn: Any, params: dict[str, Any]) -> Any:
    """The built-in permission profiles (what `sandbox` modes select), as 0.169 lists them."""
    ids = (":read-only", ":workspace", ":danger-full-access")
    return {
        "data": [{"id": i, "description": None, "allowed": True} for i in ids],
        "nextCursor": None,
    }


METHODS: dict[str, Handler] = {
    "thread/start": threads.thread_start,
    "thread/resume": threads.thread_resume,
    "thread/fork": threads.thread_fork,
    "thread/list": threads.thread_list,
    "thread/loaded/list": threads.thread_loaded_list,
    "thread/read": threads.thread_read,
    "thread/turns/list": turns_list.thread_turns_list,
    "thread/archive": threads.thread_archive,
    "thread/delete": threads.thread_delete,
    "thread/unarchive": threads.thread_unarchive,
    "thread/name/set": threads.thread_name_set,
    "thread/unsubscribe": threads.thread_unsubscribe,
    "thread/compact/start": threads.thread_compact_start,
    "thread/rollback": rollback.thread_rollback,
    "thread/revert": rollback.thread_revert,
    "thread/shellCommand": shell_command.thread_shell_command,
    "thread/metadata/update": thread_extra.thread_metadata_update,
    "thread/inject_items": thread_extra.thread_inject_items,
    "thread/items/list": thread_extra.thread_items_list,
    "thread/goal/set": goals.thread_goal_set,
    "thread/goal/get": goals.thread_goal_get,
    "thread/goal/clear": goals.thread_goal_clear,
    "fuzzyFileSearch": local_methods.fuzzy_file_search,
    "modelProvider/list": local_methods.model_provider_list,
    "modelProvider/config/write": local_methods.model_provider_config_write,
    "modelProvider/capabilities/read": local_methods.model_provider_capabilities_read,
    "hooks/list": hooks_list.hooks_list,
    "mcpServer/tool/call": mcp_methods.mcp_tool_call,
    "mcpServer/resource/read": mcp_methods.mcp_resource_read,
    "experimentalFeature/list": local_methods.experimental_feature_list,
    "experimentalFeature/enablement/set": local_methods.experimental_feature_enablement_set,
    "skills/list": skills.skills_list,
    "skills/config/write": skills.skills_config_write,
    "skills/extraRoots/set": skills.skills_extra_roots_set,
    "fs/watch": fs_watch.fs_watch,
    "fs/unwatch": fs_watch.fs_unwatch,
    "turn/start": turns.turn_start,
    "collaborationMode/list": modes.collaboration_mode_list,
    "turn/steer": turns.turn_steer,
    "turn/interrupt": turns.turn_interrupt,
    "review/start": review.review_start,
    "model/list": account.model_list,
    "account/read": account.account_read,
    "account/login/start": account.login_start,
    "account/login/cancel": account.login_cancel,
    "account/logout": account.logout,
    "account/rateLimits/read": account.rate_limits_read,
    "config/read": account.config_read,
    "config/value/write": account.config_value_write,
    "config/batchWrite": account.config_batch_write,
    "configRequirements/read": account.config_requirements_read,
    "mcpServerStatus/list": account.mcp_server_status_list,
    "config/mcpServer/reload": mcp_reload.config_mcp_server_reload,
    "feedback/save": feedback.feedback_save,
    "command/exec": commands.command_exec,
    "command/exec/write": commands.command_write,
    "command/exec/resize": commands.command_resize,
    "command/exec/terminate": commands.command_terminate,
    "fs/readFile": fs.read_file,
    "fs/writeFile": fs.write_file,
    "fs/createDirectory": fs.create_directory,
    "fs/getMetadata": fs.get_metadata,
    "fs/readDirectory": fs.read_directory,
    "fs/remove": fs.remove,
    "fs/copy": fs.copy,
    "permissionProfile/list": _permission_profiles,
    "plugin/list": _constant(
        {"marketplaces": [], "marketplaceLoadErrors": [], "featuredPluginIds": []}
    ),
    "app/list": _constant({"data": [], "nextCursor": None}),
}

UNSUPPORTED = (
    "account/sendAddCreditsNudgeEmail",
    "account/gatewayOAuth/read",
    "account/gatewayOAuth/login",
    "account/gatewayOAuth/cancel",
    "account/securitySetup/read",
    "account/rateLimitResetCredit/consume",
    "account/usage/read",
    "account/workspaceMessages/read",
    "thread/attachment/add",
    "thread/attachment/list",
    "thread/attachmentOwner/list",
    "thread/attachment/remove",
    "thread/section/move",
    "threadSection/list",
    "threadSection/create",
    "threadSection/update",
    "threadSection/delete",
    "marketplace/upgrade",
    "plugin/installed",
    "plugin/reconcile",
    "plugin/read",
    "plugin/skill/read",
    "plugin/share/save",
    "plugin/share/updateTargets",
    "plugin/share/list",
    "plugin/share/checkout",
    "plugin/share/delete",
    "app/read",
    "app/installed",
    "windowsSandbox/readiness",
    "thread/realtime/start",
    "thread/realtime/appendAudio",
    "thread/realtime/appendText",
    "thread/realtime/stop",
    "plugin/install",
    "plugin/uninstall",
    "marketplace/add",
    "marketplace/remove",
    "feedback/upload",
    "mcpServer/oauth/login",
    "windowsSandbox/setupStart",
    "remoteControl/enable",
    "device/key/create",
)
# Methods of the official 0.169 schema a local CLI could serve but codex-py does not yet: a
# clear -32600 naming them, not "unknown variant".
NOT_IMPLEMENTED = (
    "thread/approveGuardianDeniedAction",
    "externalAgentConfig/detect",
    "externalAgentConfig/import",
    "externalAgentConfig/import/recordHistory",
    "externalAgentConfig/import/readHistories",
)
for _method in UNSUPPORTED:
    METHODS.setdefault(_method, _unsupported(_method))
for _method in NOT_IMPLEMENTED:
    METHODS.setdefault(_method, _not_implemented(_method))
