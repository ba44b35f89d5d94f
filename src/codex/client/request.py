"""What goes on the wire: the Responses and Chat Completions request bodies and the headers the
official CLI sends (spec-core §1.2-1.4, §1.9; rust-anchor §3.1). Pure functions, no I/O."""

from __future__ import annotations

import platform
import re
from collections.abc import Mapping, Sequence
from dataclasses import field
from functools import cache
from typing import Any

from codex import __version__
from codex._dataclass import dataclass
from codex.client.errors import UnsupportedOperation

OUTPUT_SCHEMA_NAME = "codex_output_schema"


@dataclass(slots=True)
class Prompt:
    """One sampling request's content. `input` holds protocol ResponseItems or their dicts;
    `reasoning` is `{"effort"?, "summary"?}` (None: the model family has no reasoning);
    `verbosity` is "low"/"medium"/"high" when the family supports it."""

    input: Sequence[Any]
    tools: Sequence[Mapping[str, Any]] = ()
    instructions: str | None = None
    parallel_tool_calls: bool = False
    reasoning: Mapping[str, Any] | None = None
    verbosity: str | None = None
    service_tier: str | None = None  # the body's `service_tier` (codex.core.service_tier)
    output_schema: Mapping[str, Any] | None = None
    client_metadata: Mapping[str, Any] | None = None
    extra_headers: Mapping[str, str] = field(default_factory=dict)


def item_dict(item: Any) -> dict[str, Any]:
    """A ResponseItem (anything with `to_dict()`) or a mapping, as a JSON-ready dict."""
    to_dict = getattr(item, "to_dict", None)
    return to_dict() if to_dict is not None else dict(item)


# ---- Responses --------------------------------------------------------------------------------


def responses_body(
    model: str, prompt: Prompt, *, prompt_cache_key: str, azure: bool = False
) -> dict[str, Any]:
    """The body, keys in the order the 0.169 CLI writes them."""
    body: dict[str, Any] = {"model": model}
    if prompt.instructions is not None:
        body["instructions"] = prompt.instructions
    items = [item_dict(i) for i in prompt.input]
    if azure:
        _attach_item_ids(items, prompt.input)
    body["stream"] = True
    if prompt.service_tier is not None:
        body["service_tier"] = prompt.service_tier
    body["input"] = items
    body["tools"] = list(prompt.tools)
    body["tool_choice"] = "auto"
    body["parallel_tool_calls"] = prompt.parallel_tool_calls
    if prompt.reasoning is not None:
        body["reasoning"] = dict(prompt.reasoning)
    body["store"] = azure
    body["include"] = ["reasoning.encrypted_content"] if prompt.reasoning is not None else []
    body["prompt_cache_key"] = prompt_cache_key
    text: dict[str, Any] = {}
    if prompt.verbosity is not None:
        text["verbosity"] = prompt.verbosity
    if prompt.output_schema is not None:
        text["format"] = {
            "type": "json_schema",
            "strict": True,
            "schema": prompt.output_schema,
            "name": OUTPUT_SCHEMA_NAME,
        }
    if text:
        body["text"] = text
    if prompt.client_metadata is not None:
        body["client_metadata"] = dict(prompt.client_metadata)
    return body


_ID_ITEM_TYPES = {
    "reasoning",
    "message",
    "web_search_call",
    "function_call",
    "local_shell_call",
    "custom_tool_call",
}


def _attach_item_ids(items: list[dict[str, Any]], originals: Sequence[Any]) -> None:
    """Azure needs the ids of output items echoed back even where we would not send them."""
    for item, original in zip(items, originals, strict=True):
        if item.get("type") not in _ID_ITEM_TYPES or item.get("id"):
            continue
        item_id = getattr(original, "id", None)
        if item_id:
            item["id"] = item_id


# ---- Chat Completions ---------------------------------------------------------------------------


def chat_body(model: str, prompt: Prompt) -> dict[str, Any]:
    if prompt.output_schema is not None:
        raise UnsupportedOperation("output_schema is not supported for Chat Completions API")
    return {
        "model": model,
        "messages": chat_messages(prompt.instructions, prompt.input),
        "stream": True,
        "tools": chat_tools(prompt.tools),
    }


def chat_tools(tools: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Only function tools exist on this wire; the others are dropped."""
    out = []
    for tool in tools:
        if tool.get("type") != "function":
            continue
        fn = {k: tool[k] for k in ("name", "description", "strict", "parameters") if k in tool}
        out.append({"type": "function", "function": fn})
    return out


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content
    return "".join(
        p.get("text", "")
        for p in content or ()
        if isinstance(p, Mapping) and p.get("type") in ("input_text", "output_text", "text")
    )


def _user_content(content: Any) -> Any:
    parts = content if isinstance(content, list) else []
    if not any(isinstance(p, Mapping) and p.get("type") == "input_image" for p in parts):
        return _text_of(content)
    out: list[dict[str, Any]] = []
    for part in parts:
        kind = part.get("type")
        if kind in ("input_text", "output_text", "text"):
            out.append({"type": "text", "text": part.get("text", "")})
        elif kind == "input_image":
            out.append({"type": "image_url", "image_url": {"url": part.get("image_url", "")}})
    return out


def _tool_output_content(output: Any) -> Any:
    if isinstance(output, str):
        return output
    if isinstance(output, Mapping):  # {"content": ..., "success": ...} shapes
        return _tool_output_content(output.get("content", ""))
    return _user_content(output)


_ANCHOR_TYPES = ("function_call", "local_shell_call")


def _is_anchor(item: Mapping[str, Any]) -> bool:
    kind = item.get("type")
    return kind in _ANCHOR_TYPES or (kind == "message" and item.get("role") == "assistant")


def _reasoning_attachments(items: list[dict[str, Any]]) -> dict[int, str]:
    """Raw reasoning after the last user message, keyed by the item it rides on: the assistant
    message just before it, else the assistant anchor just after it (spec-core §1.9)."""
    last_user = max(
        (
            i
            for i, it in enumerate(items)
            if it.get("type") == "message" and it.get("role") == "user"
        ),
        default=-1,
    )
    if last_user == len(items) - 1:
        return {}
    out: dict[int, str] = {}
    for i in range(last_user + 1, len(items)):
        item = items[i]
        if item.get("type") != "reasoning":
            continue
        text = "".join(
            p.get("text", "")
            for p in item.get("content") or ()
            if isinstance(p, Mapping) and p.get("type") in ("reasoning_text", "text")
        )
        if not text:
            continue
        before = items[i - 1] if i > 0 else None
        after = items[i + 1] if i + 1 < len(items) else None
        if (
            before is not None
            and before.get("type") == "message"
            and before.get("role") == "assistant"
        ):
            out[i - 1] = out.get(i - 1, "") + text
        elif after is not None and _is_anchor(after):
            out[i + 1] = out.get(i + 1, "") + text
    return out


def chat_messages(instructions: str | None, items: Sequence[Any]) -> list[dict[str, Any]]:
    """History → Chat Completions messages (spec-core §1.9)."""
    messages: list[dict[str, Any]] = []
    if instructions:
        messages.append({"role": "system", "content": instructions})
    dicts = [item_dict(raw) for raw in items]
    reasoning = _reasoning_attachments(dicts)
    last_assistant: str | None = None
    for index, item in enumerate(dicts):
        if index in reasoning:
            count = len(messages)
            _append_chat_message(messages, item, last_assistant)
            if len(messages) > count:
                messages[-1]["reasoning"] = reasoning[index]
        else:
            _append_chat_message(messages, item, last_assistant)
        if item.get("type") == "message" and item.get("role") == "assistant":
            last_assistant = _text_of(item.get("content"))
    return messages


def _append_chat_message(
    messages: list[dict[str, Any]], item: dict[str, Any], last_assistant: str | None
) -> None:
    """Append the message one history item becomes (if any)."""
    kind = item.get("type")
    if kind == "message":
        role = item.get("role", "user")
        if role == "assistant":
            text = _text_of(item.get("content"))
            if text == last_assistant:
                return
            messages.append({"role": "assistant", "content": text})
        elif role == "user":
            messages.append({"role": "user", "content": _user_content(item.get("content"))})
        else:
            messages.append({"role": role, "content": _text_of(item.get("content"))})
    elif kind == "function_call":
        call = {
            "id": item.get("call_id"),
            "type": "function",
            "function": {"name": item.get("name"), "arguments": item.get("arguments", "")},
        }
        messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
    elif kind == "local_shell_call":
        call = {
            "id": item.get("call_id") or item.get("id"),
            "type": "local_shell_call",
            "status": item.get("status"),
            "action": item.get("action"),
        }
        messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
    elif kind == "custom_tool_call":
        call = {
            "id": item.get("call_id"),
            "type": "custom",
            "custom": {"name": item.get("name"), "input": item.get("input", "")},
        }
        messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
    elif kind in ("function_call_output", "custom_tool_call_output"):
        messages.append(
            {
                "role": "tool",
                "tool_call_id": item.get("call_id"),
                "content": _tool_output_content(item.get("output", "")),
            }
        )
    # reasoning, web_search_call, compaction_summary, ghost_snapshot: not on this wire


# ---- headers ------------------------------------------------------------------------------------

_UA_INVALID = re.compile(r"[^\x20-\x7e]")


@cache
def _os_description() -> str:
    system = platform.system()
    if system == "Linux":
        fields: dict[str, str] = {}
        try:
            with open("/etc/os-release", encoding="utf-8") as f:
                for line in f:
                    key, _, value = line.strip().partition("=")
                    fields[key] = value.strip('"')
        except OSError:
            pass
        name = fields.get("ID", "linux").capitalize()
        version = fields.get("VERSION_ID", platform.release())
        if version.replace(".", "").isdigit():
            version = ".".join([*version.split("."), "0", "0"][:3])
        return f"{name} {version}"
    if system == "Darwin":
        return f"Mac OS {platform.mac_ver()[0]}"
    return f"{system} {platform.release()}"


# Built User-Agents by (originator, version, terminal): the rest is fixed for the process
# (os description and machine are cached), and every model request asks for one.
_user_agents: dict[tuple[str, str, str], str] = {}


def user_agent(origin: str, version: str = __version__) -> str:
    """`{originator}/{version} ({os} {os_version}; {arch}) {terminal} ({originator}; {version})`
    with characters a header cannot carry replaced by `_`; the terminal as 0.169 detects it."""
    from codex.protocol.terminal import terminal_token

    terminal = terminal_token()  # read each time: the environment it comes from may change
    key = (origin, version, terminal)
    ua = _user_agents.get(key)
    if ua is None:
        ua = f"{origin}/{version} ({_os_description()}; {platform.machine()}) {terminal}"
        ua += f" ({origin}; {version})"
        ua = _UA_INVALID.sub("_", ua)
        if len(_user_agents) < 64:
            _user_agents[key] = ua
    return ua


def request_headers(
    *,
    origin: str,
    session_id: str,
    provider_headers: Mapping[str, str],
    credentials: Mapping[str, str],
    extra: Mapping[str, str] = {},
) -> dict[str, str]:
    """Headers for one streamed request (rust-anchor §3.1)."""
    headers = {
        "originator": origin,
        "user-agent": user_agent(origin),
        "accept": "text/event-stream",
        "content-type": "application/json",
        "session-id": session_id,
        "thread-id": session_id,
        "x-client-request-id": session_id,
    }
    headers.update(provider_headers)
    headers.update(credentials)
    headers.update(extra)
    return headers
