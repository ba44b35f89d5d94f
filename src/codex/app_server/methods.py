"""The method table: every client→server method this server answers, by wire name. Methods
of the official protocol a local CLI cannot serve (cloud tasks, realtime audio, plugins,
marketplace, remote control...) answer a clear "not supported" error instead of
"unknown method", so a client can tell the two apart."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.app_server import account, commands, review, rollback, threads, turns
from codex.app_server.errors import unsupported

if TYPE_CHECKING:
    from codex.app_server.server import Handler


def _unsupported(method: str) -> Handler:
    async def handler(server: Any, conn: Any, params: dict[str, Any]) -> Any:
        raise unsupported(method)

    return handler


METHODS: dict[str, Handler] = {
    "thread/start": threads.thread_start,
    "thread/resume": threads.thread_resume,
    "thread/fork": threads.thread_fork,
    "thread/list": threads.thread_list,
    "thread/loaded/list": threads.thread_loaded_list,
    "thread/read": threads.thread_read,
    "thread/turns/list": threads.thread_turns_list,
    "thread/archive": threads.thread_archive,
    "thread/unarchive": threads.thread_unarchive,
    "thread/name/set": threads.thread_name_set,
    "thread/unsubscribe": threads.thread_unsubscribe,
    "thread/compact/start": threads.thread_compact_start,
    "thread/rollback": rollback.thread_rollback,
    "thread/revert": rollback.thread_revert,
    "thread/shellCommand": threads.thread_shell_command,
    "turn/start": turns.turn_start,
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
    "command/exec": commands.command_exec,
    "command/exec/write": commands.command_write,
    "command/exec/resize": commands.command_resize,
    "command/exec/terminate": commands.command_terminate,
}

UNSUPPORTED = (
    "account/sendAddCreditsNudgeEmail",
    "thread/realtime/start",
    "thread/realtime/appendAudio",
    "thread/realtime/appendText",
    "thread/realtime/stop",
    "thread/goal/set",
    "thread/goal/get",
    "thread/goal/clear",
    "plugin/list",
    "plugin/install",
    "plugin/uninstall",
    "marketplace/add",
    "marketplace/remove",
    "app/list",
    "feedback/upload",
    "mcpServer/oauth/login",
    "windowsSandbox/setupStart",
    "remoteControl/enable",
    "device/key/create",
)
for _method in UNSUPPORTED:
    METHODS.setdefault(_method, _unsupported(_method))
