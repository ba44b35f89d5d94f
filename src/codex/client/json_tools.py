"""`tool_call_mode = "json"`: tool calling for models too weak to emit native tool calls.

Instead of sending `tools`, the request asks for ONE JSON object constrained by a JSON schema
(llama.cpp turns `response_format` into a grammar, on /chat/completions and /responses alike):

    {"action": "final", "message": "<answer for the user>"}
    {"action": "tool", "name": "<function tool>", "arguments": {<that tool's parameters>}}

The reply is turned back into the events the agent loop already handles: a final message streams
as `OutputTextDelta`s of the decoded `message` string while it arrives (so the user still sees
the answer being written), a tool call becomes one `function_call` item. Earlier calls and their
outputs are replayed to the model in the same JSON shape, as plain messages, so the history reads
the way the model is asked to write. Instructions gain a short list of the tools; the tools'
own parameter schemas constrain `arguments`. Nothing here does I/O.

A reply cut off by the output limit is a finished one: the message text decoded so far is the
answer, and when there is none (a half-written tool call) the turn fails with one clear line;
the JSON wrapper itself never reaches the user.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import orjson

from codex.client.errors import ModelError
from codex.client.events import (
    Completed,
    Incomplete,
    OutputItemAdded,
    OutputItemDone,
    OutputTextDelta,
    ReasoningSummaryDelta,
    ReasoningSummaryPartAdded,
    ReasoningTextDelta,
    Retrying,
)
from codex.client.request import Prompt, item_dict
from codex.protocol.items import FunctionCall, Message, assistant_message

SCHEMA_NAME = "codex_reply"
# One reply is one message or one call: a bound keeps a confused small model from running on
# (greedy decoding of a 135M model past a few hundred tokens is a loop, and on a shared 2-core
# machine each token can take a second). A reply that reaches it ends there, truncated.
MAX_REPLY_TOKENS = 512
# After this many calls in one turn only a final message is allowed: a small model that keeps
# calling tools would otherwise never end the turn.
MAX_CALLS_PER_TURN = 6
_FINAL_PREFIX = re.compile(r'\s*\{\s*"action"\s*:\s*"final"\s*,\s*"message"\s*:\s*"')
_TOOL_PREFIX = re.compile(r'\s*\{\s*"action"\s*:\s*"tool"')
_HIDDEN = (OutputTextDelta, ReasoningSummaryDelta, ReasoningTextDelta, ReasoningSummaryPartAdded)


def function_tools(tools: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [t for t in tools if t.get("type") == "function" and t.get("name")]


def reply_schema(
    tools: Sequence[Mapping[str, Any]], output_schema: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """One final message, or one call of one of the function tools with valid arguments. With
    `--output-schema` the final message is that JSON value instead of a string."""
    message = dict(output_schema) if output_schema is not None else {"type": "string"}
    final = {
        "type": "object",
        "properties": {"action": {"const": "final"}, "message": message},
        "required": ["action", "message"],
        "additionalProperties": False,
    }
    choices: list[dict[str, Any]] = [final]
    for tool in function_tools(tools):
        params = required_only(tool.get("parameters") or {"type": "object"})
        choices.append(
            {
                "type": "object",
                "properties": {
                    "action": {"const": "tool"},
                    "name": {"const": tool["name"]},
                    "arguments": params,
                },
                "required": ["action", "name", "arguments"],
                "additionalProperties": False,
            }
        )
    # llguidance (llama.cpp's JSON-schema engine) otherwise lets a small model fill the reply
    # with endless whitespace between tokens; compact JSON only.
    return {"anyOf": choices, "x-guidance": {"whitespace_flexible": False}}


def required_only(params: Mapping[str, Any]) -> dict[str, Any]:
    """A tool's parameter schema cut to its required properties: optional knobs (tty, shell,
    yield_time_ms, ...) are where small models invent nonsense, and defaults serve them."""
    props = params.get("properties")
    required = list(params.get("required") or [])
    if not isinstance(props, Mapping) or not required:
        return dict(params)
    kept = {k: v for k, v in props.items() if k in required}
    return {**params, "properties": kept, "required": [k for k in required if k in kept]}


def calls_this_turn(items: Sequence[Any]) -> list[tuple[Any, Any]]:
    """(name, arguments) of the tool calls since the user last spoke, oldest first."""
    calls: list[tuple[Any, Any]] = []
    for raw in reversed(items):
        item = item_dict(raw)
        kind = item.get("type")
        if kind == "message" and item.get("role") == "user" and not _is_environment(item):
            break
        if kind in ("function_call", "custom_tool_call", "local_shell_call"):
            calls.append((item.get("name"), item.get("arguments") or item.get("input")))
    return calls[::-1]


def may_call_tools(items: Sequence[Any]) -> bool:
    """False once the turn has used its call budget or the model repeated its last call word
    for word (greedy decoding of a small model repeats forever otherwise)."""
    calls = calls_this_turn(items)
    if len(calls) >= MAX_CALLS_PER_TURN:
        return False
    return not (len(calls) >= 2 and calls[-1] in calls[:-1])


def _first_sentence(text: str) -> str:
    text = " ".join(text.split())
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


def tool_guide(tools: Sequence[Mapping[str, Any]]) -> str:
    """What the instructions gain: the reply format and one line per tool."""
    lines = [
        "Reply with exactly one JSON object.",
        'To answer the user: {"action": "final", "message": "<your answer>"}',
    ]
    fns = function_tools(tools)
    if fns:
        lines.append('To run a tool: {"action": "tool", "name": "<tool name>", "arguments": {...}}')
        lines.append("Tools:")
        for tool in fns:
            params = (tool.get("parameters") or {}).get("properties") or {}
            required = (tool.get("parameters") or {}).get("required") or []
            args = ", ".join(
                f"{p}: {(params[p] or {}).get('type', 'any')}" for p in required if p in params
            )
            lines.append(
                f"- {tool['name']}({args}): {_first_sentence(str(tool.get('description', '')))}"
            )
        lines.append("After a tool runs you get its output; then answer or run another tool.")
        example = fns[0]
        if example.get("name") == "exec_command":
            lines.append(
                "Examples:\n"
                'user: What is the capital of France?\n{"action": "final", "message": "Paris."}\n'
                "user: Which files are here?\n"
                '{"action": "tool", "name": "exec_command", "arguments": {"cmd": "ls"}}'
            )
    return "\n".join(lines)


def _call_text(item: Mapping[str, Any]) -> str:
    raw = item.get("arguments") or "{}"
    try:
        args = orjson.loads(raw)
    except orjson.JSONDecodeError:
        args = raw
    return orjson.dumps({"action": "tool", "name": item.get("name"), "arguments": args}).decode()


def _call_label(item: Mapping[str, Any]) -> str:
    """`echo hi` for an exec call, else the tool's name: what the output message refers to."""
    try:
        args = orjson.loads(item.get("arguments") or "{}")
    except orjson.JSONDecodeError:
        args = {}
    if isinstance(args, dict) and isinstance(args.get("cmd"), str):
        return f"`{args['cmd']}`"
    return str(item.get("name") or "the tool")


def _output_text(output: Any) -> str:
    if isinstance(output, str):
        return output
    if isinstance(output, Mapping):
        return _output_text(output.get("content", ""))
    if isinstance(output, list):
        return "".join(str(p.get("text", "")) for p in output if isinstance(p, Mapping))
    return str(output)


def _message(role: str, text: str) -> dict[str, Any]:
    kind = "output_text" if role == "assistant" else "input_text"
    return {"type": "message", "role": role, "content": [{"type": kind, "text": text}]}


_ENV_OPEN = "<environment_context>"
_CWD = re.compile(r"<cwd>(.*?)</cwd>", re.S)


def _text(item: Mapping[str, Any]) -> str:
    content = item.get("content")
    if isinstance(content, str):
        return content
    return "".join(str(c.get("text", "")) for c in content or () if isinstance(c, Mapping))


def _is_environment(item: Mapping[str, Any]) -> bool:
    return _text(item).lstrip().startswith(_ENV_OPEN)


def environment_line(items: Sequence[Any]) -> str | None:
    """The working directory from the latest `<environment_context>` message, as one sentence
    (small models stop calling tools when the XML block sits in the conversation)."""
    for raw in reversed(items):
        item = item_dict(raw)
        if item.get("type") == "message" and item.get("role") == "user":
            text = _text(item)
            if text.lstrip().startswith(_ENV_OPEN):
                match = _CWD.search(text)
                return f"The working directory is {match.group(1).strip()}." if match else None
    return None


_PERMISSIONS_OPEN = "<permissions instructions>"


def _without_permissions(item: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """A developer message without its `<permissions instructions>` part (codex.core's sandbox and
    escalation guide), None when nothing else is left. A model this weak cannot ask to escalate
    (its reply schema has no such field), and the XML block made the embedded test model answer
    instead of calling the command it was asked to run, as `<environment_context>` did."""
    content = item.get("content")
    if not isinstance(content, list):
        return None if str(content or "").lstrip().startswith(_PERMISSIONS_OPEN) else item
    parts = [
        part
        for part in content
        if not (
            isinstance(part, Mapping)
            and str(part.get("text", "")).lstrip().startswith(_PERMISSIONS_OPEN)
        )
    ]
    if not parts:
        return None
    return item if len(parts) == len(content) else {**item, "content": parts}


def rewrite_history(items: Sequence[Any]) -> list[dict[str, Any]]:
    """History as plain messages: calls as the JSON the model wrote, outputs as user turns,
    assistant answers wrapped in the final-message JSON, developer text as system text,
    environment context and the permissions part left out (see `environment_line` and
    `_without_permissions`)."""
    out: list[dict[str, Any]] = []
    commands: dict[str, str] = {}
    for raw in items:
        item = item_dict(raw)
        kind = item.get("type")
        if kind == "message":
            role = item.get("role")
            if role == "user" and _text(item).lstrip().startswith(_ENV_OPEN):
                continue
            if role == "developer":
                kept = _without_permissions(item)
                if kept is not None:
                    out.append({**kept, "role": "system"})
            elif role == "assistant":
                body = {"action": "final", "message": _text(item)}
                out.append(_message("assistant", orjson.dumps(body).decode()))
            else:
                out.append(item)
        elif kind in ("function_call", "custom_tool_call", "local_shell_call"):
            if kind == "function_call":
                out.append(_message("assistant", _call_text(item)))
                commands[str(item.get("call_id"))] = _call_label(item)
            else:
                args = item.get("input") or item.get("action") or {}
                fake = {"name": item.get("name", kind), "arguments": orjson.dumps(args).decode()}
                out.append(_message("assistant", _call_text(fake)))
        elif kind in ("function_call_output", "custom_tool_call_output"):
            text = _output_text(item.get("output"))
            label = commands.get(str(item.get("call_id")), "the tool")
            out.append(
                _message(
                    "user",
                    f"Output of {label}:\n{text}\n"
                    "Use it to answer my request, or run a different command if you must.",
                )
            )
        # reasoning, web searches and compaction markers mean nothing to a local model
    return out


class _StringStream:
    """Decodes a JSON string value incrementally (the caller feeds the text after its opening
    quote); `feed` returns the newly decoded characters, `done` is set at the closing quote."""

    def __init__(self) -> None:
        self.pending = ""
        self.done = False

    def feed(self, text: str) -> str:
        if self.done:
            return ""
        data = self.pending + text
        out: list[str] = []
        i = 0
        n = len(data)
        while i < n:
            ch = data[i]
            if ch == '"':
                self.done = True
                self.pending = ""
                return "".join(out)
            if ch != "\\":
                out.append(ch)
                i += 1
                continue
            if i + 1 >= n:
                break
            if data[i + 1] != "u":
                out.append(orjson.loads(f'"{data[i : i + 2]}"'))
                i += 2
                continue
            end = i + 6
            if end > n:
                break
            # A high surrogate needs its low half before it decodes.
            if 0xD800 <= int(data[i + 2 : end], 16) < 0xDC00:
                if end + 6 > n:
                    break
                end += 6
            try:
                out.append(orjson.loads(f'"{data[i:end]}"'))
            except orjson.JSONDecodeError:
                out.append("\ufffd")
            i = end
        self.pending = data[i:]
        return "".join(out)


class JsonToolMode:
    """One request in JSON tool mode: the prompt to send, the body fields to add, and the
    translation of the reply's events."""

    def __init__(self, prompt: Prompt, *, max_reply_tokens: int | None = None) -> None:
        self.original = prompt
        # The provider's `max_output_tokens`, else a bound that suits a small model.
        self.max_reply_tokens = max_reply_tokens or MAX_REPLY_TOKENS
        tools = prompt.tools if may_call_tools(prompt.input) else ()
        self.schema = reply_schema(tools, prompt.output_schema)
        guide = tool_guide(tools)
        head = " ".join(p for p in (prompt.instructions, environment_line(prompt.input)) if p)
        instructions = f"{head}\n\n{guide}" if head else guide
        self.prompt = replace(
            prompt,
            tools=(),
            instructions=instructions,
            parallel_tool_calls=False,
            reasoning=None,
            output_schema=None,  # folded into the reply schema (chat has no other place for it)
            input=rewrite_history(prompt.input),
        )
        self.reset()

    def reset(self) -> None:
        """A retry starts the reply over."""
        self.text = ""
        self._string: _StringStream | None = None
        self._opened = False
        self._streamed = ""
        self._reply: str | None = None  # the finished reply's text, held until `Completed`
        self._truncated = False
        # Set with the `Completed` of a reply that holds nothing to show; the caller raises it
        # once that event is out.
        self.failure: CutOffReply | None = None

    def constrain(self, body: bytes) -> bytes:
        """The request body with the reply schema (`response_format`, which llama.cpp's
        /chat/completions and /responses both honour; `text.format` too for real Responses)."""
        data = orjson.loads(body)
        fmt = {"type": "json_schema", "json_schema": {"name": SCHEMA_NAME, "schema": self.schema}}
        data["response_format"] = fmt
        data.pop("tools", None)
        data.pop("tool_choice", None)
        if "input" in data:  # Responses
            data.setdefault("max_output_tokens", self.max_reply_tokens)
            text = dict(data.get("text") or {})
            text["format"] = {"type": "json_schema", "name": SCHEMA_NAME, "schema": self.schema}
            data["text"] = text
            data.pop("include", None)
        else:
            data.setdefault("max_tokens", self.max_reply_tokens)
            data.setdefault("stream_options", {"include_usage": True})
        return orjson.dumps(data)

    def translate(self, events: Sequence[Any]) -> list[Any]:
        """The reply's events as the agent loop expects them. The reply becomes items only at
        `Completed`: an `Incomplete` (output limit) comes between the text and the end, and a
        cut-off reply is read differently (see `recover`)."""
        out: list[Any] = []
        for event in events:
            if isinstance(event, Retrying):
                self.reset()
                out.append(event)
            elif isinstance(event, OutputTextDelta):
                self._on_text(event.delta, out)
            elif isinstance(event, OutputItemDone):
                self._on_item(event.item)
            elif isinstance(event, Incomplete):
                self._truncated = True
            elif isinstance(event, Completed):
                text = self._reply if self._reply is not None else self.text
                if text or self._truncated:
                    try:
                        out.extend(self.reply_events(text, truncated=self._truncated))
                    except CutOffReply as err:
                        # The tokens were spent: report the usage, then fail the turn.
                        self.failure = err
                self._reply = None
                out.append(event)
            elif isinstance(event, (OutputItemAdded, *_HIDDEN)):
                continue
            else:
                out.append(event)
        return out

    # -- internals

    def _on_text(self, delta: str, out: list[Any]) -> None:
        self.text += delta
        if self._string is None:
            match = _FINAL_PREFIX.match(self.text)
            if match is None:
                return
            self._string = _StringStream()
            delta = self.text[match.end() :]
        piece = self._string.feed(delta)
        if not piece:
            return
        if not self._opened:
            self._opened = True
            out.append(OutputItemAdded(assistant_message("")))
        self._streamed += piece
        out.append(OutputTextDelta(piece))

    def _on_item(self, item: Any) -> None:
        if not isinstance(item, Message) or item.role != "assistant":
            return  # native calls or reasoning cannot occur without tools; drop strays
        self._reply = item.text() or self.text

    def reply_events(self, text: str, *, truncated: bool = False) -> list[Any]:
        """The items a finished reply becomes (a message, or a function call)."""
        try:
            reply = orjson.loads(text)
        except orjson.JSONDecodeError:
            reply = None
        if isinstance(reply, dict) and reply.get("action") == "tool" and reply.get("name"):
            args = reply.get("arguments")
            call = FunctionCall(
                name=str(reply["name"]),
                arguments=orjson.dumps(args if isinstance(args, dict) else {}).decode(),
                call_id=f"call_{uuid.uuid4().hex[:24]}",
            )
            return [OutputItemAdded(call), OutputItemDone(call)]
        if isinstance(reply, dict) and isinstance(reply.get("message"), str):
            message = reply["message"]
        elif isinstance(reply, dict) and "message" in reply:  # --output-schema: a JSON value
            message = orjson.dumps(reply["message"]).decode()
        elif reply is not None:  # valid JSON of another shape (a server ignored the format)
            message = text
        else:
            limit = self.max_reply_tokens if truncated else None
            message = recover(text, cut_at=limit)
        events: list[Any] = []
        if not self._opened:
            self._opened = True
            events.append(OutputItemAdded(assistant_message("")))
        if message.startswith(self._streamed) and len(message) > len(self._streamed):
            events.append(OutputTextDelta(message[len(self._streamed) :]))
        events.append(OutputItemDone(assistant_message(message)))
        return events


class CutOffReply(ModelError):
    """A reply that is not the JSON codex asked for and holds no answer text to show (typically
    cut off by the output limit in the middle of a tool call). Retrying would regenerate the
    same tokens, so the turn ends with this one line instead of the raw JSON."""

    codex_error_info = "other"


def recover(text: str, *, cut_at: int | None = None) -> str:
    """The answer inside a reply that did not parse as the JSON codex asked for.

    A final message cut off mid-string gives the text decoded so far (an incomplete escape at
    the very end is dropped). A reply that is not JSON at all (a server that ignored the
    format) is the answer as it is. Anything else that starts like our JSON raises
    `CutOffReply`: it would only show the user the wrapper. `cut_at`: the output limit the
    reply reached, if it did."""
    match = _FINAL_PREFIX.match(text)
    if match is not None:
        message = _StringStream().feed(text[match.end() :])
        if message.strip():
            return message
    elif not text.lstrip().startswith("{") and text.strip():
        return text
    why = (
        f"was cut off by the output limit ({cut_at} tokens)"
        if cut_at is not None
        else "is not complete JSON"
    )
    if _TOOL_PREFIX.match(text):
        what = "in the middle of a tool call"
    elif match is not None:
        what = "before its answer had any text"
    else:
        what = "before it held an answer"
    raise CutOffReply(f"the model's reply {why} {what}; ask for something shorter or simpler")
