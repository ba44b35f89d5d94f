"""The approval dialog for an MCP tool call, asked the way upstream 0.169 asks it.

Core puts an MCP tool approval to the front end as an `elicitation_request` whose form carries
`_meta.codex_approval_kind = "mcp_tool_call"` (codex.core.approvals). The TUI answers it with the
same modal, keys and layout as the exec/patch dialogs (codex.tui.widgets.ApprovalScreen): Allow
(accept), Allow for this session (accept with `_meta.persist = "session"`, offered only when the
request lists "session" in `_meta.persist`), Deny (decline); Esc cancels. Any other kind of
elicitation (a form a server asks to fill in) is cancelled, as before.
"""

from __future__ import annotations

import re
from typing import Any

import orjson
from rich.console import Group
from rich.text import Text

from codex.tui.widgets import ApprovalScreen

MAX_ARGS_CHARS = 1200  # arguments beyond this are cut: the choices must stay on screen
MAX_ARGS_LINES = 20
_TOOL_IN_MESSAGE = re.compile(r'run tool "(?P<tool>[^"]*)"')


def is_tool_approval(request: Any) -> bool:
    """Whether an `elicitation_request` is core's MCP tool-call approval."""
    form = request.request if isinstance(request.request, dict) else {}
    meta = form.get("_meta")
    return isinstance(meta, dict) and meta.get("codex_approval_kind") == "mcp_tool_call"


def tool_name(request: Any) -> str:
    """The tool asked about: core names it only in the message (`... run tool "touch"?`)."""
    match = _TOOL_IN_MESSAGE.search(str(request.request.get("message", "")))
    return match.group("tool") if match else "?"


def arguments_text(arguments: Any) -> str:
    """The call's arguments as indented JSON, cut to a few lines so the dialog fits."""
    text = orjson.dumps(arguments, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    lines = text.splitlines()
    cut = len(lines) > MAX_ARGS_LINES or len(text) > MAX_ARGS_CHARS
    text = "\n".join(lines[:MAX_ARGS_LINES])[:MAX_ARGS_CHARS]
    return text + "\n…" if cut else text


def choices_for(request: Any) -> tuple[tuple[str, str, str], ...]:
    """(key, label, answer) per choice; the answer is the elicitation action, or "session" for
    an accept remembered for the session."""
    meta = request.request.get("_meta") or {}
    persist = meta.get("persist")
    offers_session = persist == "session" or (isinstance(persist, list) and "session" in persist)
    choices = [("y", "Allow — run the tool and continue", "accept")]
    if offers_session:
        choices.append(
            ("a", "Allow for this session — run the tool and remember this choice", "session")
        )
    choices.append(("d", "Deny — do not run the tool", "decline"))
    choices.append(("escape", "Cancel this tool call", "cancel"))
    return tuple(choices)


class McpApprovalScreen(ApprovalScreen):
    """The exec/patch approval modal, asking about one MCP tool call instead; dismissed with
    "accept", "session", "decline" or "cancel"."""

    def __init__(self, request: Any) -> None:
        super().__init__(request)
        self.choices = choices_for(request)

    def _question(self) -> Any:
        request = self.request
        form = request.request
        meta = form.get("_meta") or {}
        parts: list[Any] = [
            Text(str(form.get("message") or "Allow this MCP tool call?"), style="bold"),
            Text(f"\nServer: {request.server_name}\nTool: {tool_name(request)}"),
        ]
        if meta.get("tool_description"):
            parts.append(Text(str(meta["tool_description"]), style="dim"))
        if "tool_params" in meta:
            parts.append(Text("\nArguments:"))
            parts.append(Text(arguments_text(meta["tool_params"]), style="cyan"))
        return Group(*parts)


async def ask_elicitation(app: Any, request: Any) -> None:
    """Put one `elicitation_request` to the user (MCP tool approvals) or cancel it (other
    forms); the answer goes back as `ResolveElicitation`."""
    from codex.protocol.ops import ResolveElicitation

    session = app.session

    async def resolve(action: str, meta: Any = None) -> None:
        op = ResolveElicitation(request.server_name, request.id, action, meta=meta)
        await session.submit(op)

    if not is_tool_approval(request):
        await resolve("cancel")
        return

    async def answered(answer: str | None) -> None:
        answer = answer or "cancel"
        if answer == "session":
            await resolve("accept", {"persist": "session"})
        else:
            await resolve(answer)
        what = f"{request.server_name}.{tool_name(request)}"
        if answer in ("accept", "session"):
            app.mapper.notice(f"✔ You allowed codex to call {what}", "green")
        else:
            verb = "denied" if answer == "decline" else "cancelled"
            app.mapper.notice(f"✗ You {verb} the call to {what}", "red")
        app.mark_dirty()
        from codex.tui.widgets import Composer

        app.query_one(Composer).focus()

    app.push_screen(McpApprovalScreen(request), answered)
