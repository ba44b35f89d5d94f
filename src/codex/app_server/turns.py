"""Turn methods: turn/start (answers at once with the in-progress turn; the thread's pump
streams the rest), turn/steer, turn/interrupt (review/start: codex.app_server.review).

A `turn/start` while a turn runs joins it, as the official server: the input is sent to the
running turn and the answer names the active turn's id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.items import text_content, turn_object
from codex.app_server.params import (
    APPROVAL_POLICIES,
    array,
    mapping,
    one_of,
    string,
    user_input,
)
from codex.core.service_tier import thread_tier

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer

_SANDBOX_TYPES = {
    "readOnly": "read-only",
    "workspaceWrite": "workspace-write",
    "dangerFullAccess": "danger-full-access",
    "externalSandbox": "external-sandbox",
}


def core_inputs(items: list[dict[str, Any]]) -> tuple[list[Any], list[dict[str, Any]]]:
    """(core input parts, the userMessage content echoed to the client)."""
    from codex.protocol.ops import InputImageUrl, InputLocalImage, InputSkill, InputText

    parts: list[Any] = []
    content: list[dict[str, Any]] = []
    for item in items:
        kind = item["type"]
        if kind == "text":
            parts.append(InputText(item["text"]))
            content.append(text_content(item["text"]))
        elif kind == "image":
            parts.append(InputImageUrl(item["url"]))
            content.append({"type": "image", "url": item["url"]})
        elif kind == "localImage":
            parts.append(InputLocalImage(item["path"]))
            content.append({"type": "localImage", "path": item["path"]})
        elif kind == "skill":  # core resolves it by path and hands its SKILL.md to the model
            parts.append(InputSkill(item["name"], item["path"]))
            content.append(dict(item))
        else:  # mention: named to the model as text
            text = f"[{kind}: {item['name']}]({item['path']})"
            parts.append(InputText(text))
            content.append(dict(item))
    return parts, content


def sandbox_policy(value: dict[str, Any]) -> Any:
    from codex.protocol.sandbox_policy import SandboxPolicy

    kind = _SANDBOX_TYPES.get(str(value.get("type")))
    if kind is None:
        expected = ", ".join(f"`{k}`" for k in _SANDBOX_TYPES)
        raise errors.invalid_params(
            f"unknown variant `{value.get('type')}`, expected one of {expected}"
        )
    data: dict[str, Any] = {"type": kind}
    if "networkAccess" in value:
        network = value["networkAccess"]
        data["network_access"] = network if kind != "external-sandbox" else str(network)
    if kind == "workspace-write":
        data["writable_roots"] = list(value.get("writableRoots") or [])
        data["exclude_tmpdir_env_var"] = bool(value.get("excludeTmpdirEnvVar"))
        data["exclude_slash_tmp"] = bool(value.get("excludeSlashTmp"))
    try:
        return SandboxPolicy.from_json_dict(data)
    except ValueError as exc:
        raise errors.invalid_params(str(exc)) from None


async def turn_start(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.app_server.modes import turn_mode
    from codex.protocol.ops import UserInput, UserTurn

    live = server.thread(p)
    mode, mode_settings = turn_mode(conn, p)  # experimental `collaborationMode`
    items = user_input(array(p, "input") or [])
    parts, content = core_inputs(items)
    if live.review_task is not None:
        raise errors.invalid_request("a review is running on this thread")
    if live.shell_task is not None:
        raise errors.invalid_request("a shell command is running on this thread")
    if live.current_turn is not None:  # join the running turn
        live.mapper.steered.append(content)  # its user message item shows what was sent
        await live.session.submit(UserInput(parts))
        return {"turn": turn_object(live.current_turn)}
    settings = live.session.settings
    policy = (
        one_of(p, "approvalPolicy", APPROVAL_POLICIES)
        if isinstance(p.get("approvalPolicy"), str | type(None))
        else None
    )
    sandbox = mapping(p, "sandboxPolicy")
    if not parts:
        raise errors.invalid_params("input must not be empty")
    model = string(p, "model", required=False) or mode_settings.get("model") or settings.model
    op = UserTurn(
        items=parts,
        cwd=string(p, "cwd", required=False) or str(settings.cwd),
        approval_policy=policy or settings.approval_policy,
        sandbox_policy=sandbox_policy(sandbox) if sandbox is not None else settings.sandbox_policy,
        model=model,
        effort=string(p, "effort", required=False)
        or mode_settings.get("reasoning_effort")
        or settings.effort,
        summary=string(p, "summary", required=False) or settings.summary,
        final_output_json_schema=p.get("outputSchema"),
        collaboration_mode=mode,
        # For this and later turns, as 0.169 ("" clears: a tier the model does not advertise).
        service_tier=(thread_tier(string(p, "serviceTier", required=False), model) or "")
        if "serviceTier" in p
        else None,
    )
    tid = live.start_turn(content)
    await live.session.submit(op, sub_id=tid)  # the core turn (and its rollout lines) share it
    return {"turn": turn_object(tid)}


async def turn_steer(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.protocol.ops import UserInput

    live = server.thread(p)
    expected = string(p, "expectedTurnId")
    items = user_input(array(p, "input") or [])
    if live.current_turn is None:
        raise errors.invalid_request("no active turn to steer")
    if live.shell_task is not None:
        raise errors.invalid_request("cannot steer a shell command")
    if live.review_task is not None:
        raise errors.invalid_request("cannot steer a review turn")
    if expected != live.current_turn:
        raise errors.invalid_request(
            f"expected active turn id `{expected}` but found `{live.current_turn}`"
        )
    parts, content = core_inputs(items)
    live.mapper.steered.append(content)  # its user message item shows what was sent
    await live.session.submit(UserInput(parts))
    return {"turnId": live.current_turn}


async def turn_interrupt(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.protocol.ops import Interrupt

    live = server.thread(p)
    string(p, "turnId")
    if live.current_turn is None:
        raise errors.invalid_request("no active turn to interrupt")
    if live.shell_task is not None:  # thread/shellCommand: its process group is killed
        live.shell_task.cancel()
        return {}
    from codex.app_server.review import interrupt

    if not await interrupt(live):
        await live.session.submit(Interrupt())
    return {}
