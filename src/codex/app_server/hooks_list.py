"""`hooks/list`: per cwd, the hooks configured in `$CODEX_HOME/hooks.json` and config.toml's
`[hooks]` tables (listed in that order, tests/fixtures/lifecycle_hooks_official.json) with their
trust state, in 0.169's shape (tests/fixtures/hook_trust_official.json): each hook's `key` and
`currentHash` are the `[hooks.state]` key and hash a client writes (config/batchWrite) to trust
it, `trustStatus` is trusted / untrusted / modified, `enabled` false once switched off.

What differs from 0.169, on purpose: `timeoutSec` is what codex-py gives the hook (PreToolUse /
PostToolUse hooks without a timeout get 60s here, 600s there; the other events get 0.169's); the
fork's `tool_hook_command` is not one of 0.169's hook events, so it is not listed, but a
`warnings` line says when it waits for review; a hooks.json codex-py cannot read is a `warnings`
line, as 0.169 reports one.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.params import array, string

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer
    from codex.core.hooks_view import HookEntry


def _camel(event: str) -> str:
    return event[:1].lower() + event[1:]


def hook_metadata(hook: HookEntry, order: int) -> dict[str, Any]:
    """One hook as 0.169's HookMetadata (its field order)."""
    return {
        "key": hook.key,
        "eventName": _camel(hook.event),
        "handlerType": "command",
        "command": hook.command,
        "async": hook.is_async,
        "matcher": hook.event_matcher,
        "timeoutSec": max(1, round(hook.timeout_s)),
        "statusMessage": hook.status_message,
        "additionalContextLimit": None,
        "sourcePath": hook.source_path,
        "source": "user",
        "pluginId": None,
        "environmentId": None,
        "displayOrder": order,
        "enabled": hook.enabled,
        "isManaged": False,
        "currentHash": hook.current_hash,
        "trustStatus": hook.trust,
    }


def listing(config: Any) -> dict[str, Any]:
    """The hooks and warnings of one HooksListEntry (without its cwd)."""
    from codex.core.hooks_view import TOOL_HOOK_SOURCE, discover
    from codex.errors import CodexError

    try:
        found, warnings = discover(config, every_event=True)
    except CodexError as err:
        return {"hooks": [], "warnings": [str(err)], "errors": []}
    hooks = [h for h in found if h.source != TOOL_HOOK_SOURCE]
    if any(h.needs_review for h in found if h.source == TOOL_HOOK_SOURCE):
        warnings.append("tool_hook_command needs review before it can run (/hooks in the TUI)")
    data = [hook_metadata(hook, n) for n, hook in enumerate(hooks)]
    return {"hooks": data, "warnings": warnings, "errors": []}


async def hooks_list(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    """Per cwd (the thread's, the given ones, else the server's), the configured hooks. The
    hooks codex-py reads are user-level ($CODEX_HOME), so every cwd lists the same ones."""
    thread_id = string(p, "threadId", required=False)
    cwds = array(p, "cwds", required=False)
    if thread_id is not None:
        if cwds:
            raise errors.invalid_request("cwds cannot be combined with threadId")
        cwds = [server.thread(p).cwd]
    if not cwds:
        cwds = [os.getcwd()]
    if any(not isinstance(cwd, str) for cwd in cwds):
        raise errors.invalid_params("invalid type: expected a string")
    entry = listing(server.load_config())
    return {"data": [{"cwd": cwd, **entry} for cwd in cwds]}
