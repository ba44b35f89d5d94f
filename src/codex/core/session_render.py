"""One rollout line as an HTML timeline entry: shared by the viewer's pages and the HTML export
(`codex export --format html`, the TUI's `/export`), so both show a session the same way.

A rollout is untrusted input (model output, command output, file contents): every string from it
is HTML-escaped before any markup is added, and the little Markdown rendered (fences, inline
code, bold, paragraphs) is applied to the escaped text, so no tag or attribute from a rollout
can reach the page.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import orjson

from codex.core.rollout_pages import RawLine, TurnFacts, turn_facts

_FENCE = re.compile(r"```[^\n]*\n(.*?)(?:```|$)", re.S)
_CODE = re.compile(r"`([^`\n]+)`")
_BOLD = re.compile(r"\*\*([^*\n]+)\*\*")
_STAMP = re.compile(r"^\d{4}-\d\d-\d\dT(\d\d:\d\d:\d\d(?:\.\d{1,3})?)")
_EXIT = re.compile(r"^(?:Process exited with code|Exit code:) (-?\d+)$", re.M)
_WALL = re.compile(r"^Wall time: ([0-9.]+) seconds$", re.M)
MAX_TEXT = 20_000

# One symbol per kind of entry, so a long timeline can be scanned by eye. Text symbols that
# common fonts (DejaVu) cover, not emoji: a machine without an emoji font shows no boxes.
ICONS = {
    "meta": "\u2699",  # gear
    "turn": "\u21bb",  # turn start/end
    "msg-user": "\u263a",  # face
    "msg-assistant": "\u2726",  # star
    "msg-developer": "\u2630",  # context injected by the harness
    "msg-system": "\u2630",
    "reasoning": "\u2601",  # cloud
    "command": "\u25b6",  # play
    "output": "\u21b3",  # a call's output
    "patch": "\u270e",  # pencil
    "plan": "\u2713",  # check mark
    "search": "\u26b2",  # magnifier-like
    "mcp": "\u21c4",  # to a server and back
    "tool": "\u2692",  # hammer and pick
    "tokens": "\u2211",  # sum
    "compaction": "\u2702",  # scissors
    "error": "\u26a0",  # warning
    "bad": "\u2298",  # circled slash
}


def seconds(value: float) -> str:
    """A duration as people read it: 850 ms, 2.4 s, 3 min 5 s."""
    if value < 1:
        return f"{value * 1000:.0f} ms"
    if value < 60:
        return f"{value:.1f} s"
    return f"{int(value // 60)} min {value % 60:.0f} s"


def _dur(value: float | None) -> str:
    return "" if value is None else f' <span class="dur">{esc(seconds(value))}</span>'


def _mapping(value: Any) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one (rollout fields are untrusted)."""
    return value if isinstance(value, dict) else {}


def duration_seconds(value: Any) -> float | None:
    """Seconds of a recorded `{secs, nanos}` duration, None if it is not one."""
    if not isinstance(value, dict):
        return None
    secs, nanos = value.get("secs") or 0, value.get("nanos") or 0
    if not isinstance(secs, (int, float)) or not isinstance(nanos, (int, float)):
        return None
    return secs + nanos / 1e9


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def markdown(text: str) -> str:
    """Safe Markdown subset: escape first, then add our own tags only."""
    text = text[:MAX_TEXT]
    parts: list[str] = []
    last = 0
    for m in _FENCE.finditer(text):
        parts.append(_inline(text[last : m.start()]))
        parts.append(f"<pre><code>{esc(m.group(1))}</code></pre>")
        last = m.end()
    parts.append(_inline(text[last:]))
    return "".join(parts)


def _inline(text: str) -> str:
    out = []
    for para in re.split(r"\n{2,}", text):
        if not para.strip():
            continue
        e = esc(para)
        e = _CODE.sub(r"<code>\1</code>", e)
        e = _BOLD.sub(r"<strong>\1</strong>", e)
        out.append("<p>" + e.replace("\n", "<br>") + "</p>")
    return "".join(out)


def pre(text: object, cls: str = "") -> str:
    s = text if isinstance(text, str) else orjson.dumps(text, option=orjson.OPT_INDENT_2).decode()
    return f'<pre class="{cls}">{esc(s[:MAX_TEXT])}</pre>'


def diff(text: str) -> str:
    """A patch or unified diff with each line coloured by its sign."""
    rows = []
    for line in text[:MAX_TEXT].splitlines():
        cls = "add" if line.startswith("+") else "del" if line.startswith("-") else ""
        if line.startswith(("***", "@@", "diff ", "---", "+++")):
            cls = "hunk"
        rows.append(f'<span class="{cls}">{esc(line)}</span>')
    return '<pre class="diff">' + "\n".join(rows) + "</pre>"


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    texts = []
    for part in content:
        if isinstance(part, dict) and isinstance(part.get("text"), str):
            texts.append(part["text"])
        elif isinstance(part, dict) and part.get("type") == "input_image":
            texts.append("[image]")
    return "\n\n".join(texts)


def _args(raw: Any) -> Any:
    if isinstance(raw, str):
        try:
            return orjson.loads(raw)
        except orjson.JSONDecodeError:
            return raw
    return raw


def _function_call(p: dict[str, Any]) -> tuple[str, str, str]:
    name = str(p.get("name", ""))
    args = _args(p.get("arguments"))
    if name in ("exec_command", "shell", "container.exec", "local_shell") and isinstance(
        args, dict
    ):
        cmd = args.get("cmd", args.get("command"))
        if isinstance(cmd, list):
            cmd = " ".join(map(str, cmd))
        return "command", f"$ {cmd}", pre(f"$ {cmd}", "cmd")
    if name == "update_plan" and isinstance(args, dict):
        steps = args.get("plan") or []
        items = "".join(
            f'<li class="{esc(s.get("status", ""))}">{esc(s.get("step", ""))}'
            f" <em>{esc(s.get('status', ''))}</em></li>"
            for s in steps
            if isinstance(s, dict)
        )
        return (
            "plan",
            "plan update",
            f"{markdown(str(args.get('explanation') or ''))}<ul>{items}</ul>",
        )
    if name == "apply_patch" and isinstance(args, dict) and isinstance(args.get("input"), str):
        return "patch", "apply_patch", diff(args["input"])
    label = "mcp" if "__" in name or p.get("namespace") else "tool"
    return label, f"{name}()", pre(args)


def _thread_item(item: dict[str, Any]) -> tuple[str, str, str]:
    """A completed item as 0.169 records it (`event_msg` `item_completed`)."""
    t = str(item.get("type", ""))
    text = _content_text(item.get("content"))
    if t == "UserMessage":
        return "msg-user", "user", markdown(text)
    if t == "AgentMessage":
        return "msg-assistant", "agent", markdown(text)
    if t == "Reasoning":
        return "reasoning", "reasoning", markdown(text or _content_text(item.get("summary")))
    if t == "CommandExecution":
        cmd = item.get("command")
        cmd = " ".join(map(str, cmd)) if isinstance(cmd, list) else str(cmd or "")
        code = item.get("exit_code")
        secs = duration_seconds(item.get("duration"))
        cls = "ok" if code == 0 else "fail"
        badge = f'<span class="{cls}">exit {esc(code)}</span>{_dur(secs)}'
        return "command", f"$ {cmd}", badge + pre(item.get("aggregated_output") or "", "out")
    if t == "FileChange":
        return "patch", "file change", pre(item.get("changes"))
    if t in ("McpToolCall", "DynamicToolCall"):
        secs = duration_seconds(item.get("duration"))
        title = f"{item.get('server', '')} {item.get('tool', '')}"
        return "mcp", title, _dur(secs) + pre(item.get("result"))
    if t == "WebSearch":
        return "search", f"web search: {item.get('query', '')}", ""
    return "item", t, ""


def token_text(tokens: dict[str, Any]) -> str:
    """A turn's token usage in one line."""
    parts = [f"in {tokens.get('input_tokens', 0)}"]
    if tokens.get("cached_input_tokens"):
        parts.append(f"cached {tokens['cached_input_tokens']}")
    parts.append(f"out {tokens.get('output_tokens', 0)}")
    if tokens.get("reasoning_output_tokens"):
        parts.append(f"reasoning {tokens['reasoning_output_tokens']}")
    parts.append(f"total {tokens.get('total_tokens', 0)}")
    return "turn tokens: " + " · ".join(parts)


def describe(obj: dict[str, Any], turn: TurnFacts | None = None) -> tuple[str, str, str]:
    """(kind, title as plain text, body HTML) of one parsed rollout line; `turn` (for a turn's
    end) carries what the line itself does not say: the turn's duration and token usage."""
    kind = str(obj.get("type", "?"))
    p = obj.get("payload")
    if not isinstance(p, dict):
        return kind, kind, ""
    t = str(p.get("type", ""))
    if kind == "session_meta":
        return (
            "meta",
            "session",
            pre(
                {k: p.get(k) for k in ("id", "cwd", "cli_version", "originator", "model_provider")}
            ),
        )
    if kind == "turn_context":
        return (
            "turn",
            f"turn · {p.get('model', '')}",
            pre(
                {
                    k: p.get(k)
                    for k in ("cwd", "model", "approval_policy", "sandbox_policy", "effort")
                }
            ),
        )
    if kind == "compacted":
        return "compaction", "compaction", markdown(str(p.get("message", "")))
    if kind == "response_item":
        if t == "message":
            role = str(p.get("role", ""))
            return f"msg-{role}", role, markdown(_content_text(p.get("content")))
        if t == "reasoning":
            summary = _content_text(p.get("summary"))
            return "reasoning", "reasoning", markdown(summary) if summary else "<em>hidden</em>"
        if t == "function_call":
            return _function_call(p)
        if t in ("function_call_output", "custom_tool_call_output"):
            out = p.get("output")
            if isinstance(out, dict):
                out = out.get("content", out)
            text = out if isinstance(out, str) else _args(out)
            # The shell tools report the exit code in their output's header.
            code = _EXIT.search(text[:400]) if isinstance(text, str) else None
            wall = _WALL.search(text[:400]) if isinstance(text, str) else None
            took = _dur(float(wall.group(1))) if wall else ""
            if code is None:
                return "output", "output", took + pre(text, "out")
            cls = "ok" if code.group(1) == "0" else "fail"
            badge = f'<span class="{cls}">exit {esc(code.group(1))}</span>{took}'
            return "output", f"output · exit {code.group(1)}", badge + pre(text, "out")
        if t == "custom_tool_call":
            body = str(p.get("input", ""))
            if p.get("name") == "apply_patch":
                return "patch", "apply_patch", diff(body)
            return "tool", f"{p.get('name', '')}()", pre(body)
        if t == "local_shell_call":
            return "command", "local shell", pre(p.get("action"))
        if t == "web_search_call":
            action = _mapping(p.get("action"))
            return "search", f"web search: {action.get('query', '')}", ""
        return "item", t or kind, ""
    if kind == "event_msg":
        if t == "user_message":
            return "msg-user", "user", markdown(str(p.get("message", "")))
        if t == "agent_message":
            return "msg-assistant", "agent", markdown(str(p.get("message", "")))
        if t in ("agent_reasoning", "agent_reasoning_raw_content"):
            return "reasoning", "reasoning", markdown(str(p.get("text", "")))
        if t == "exec_command_end":
            cmd = p.get("command")
            cmd = " ".join(map(str, cmd)) if isinstance(cmd, list) else str(cmd or "")
            code = p.get("exit_code")
            out = p.get("aggregated_output") or p.get("formatted_output") or ""
            cls = "ok" if code == 0 else "fail"
            secs = duration_seconds(p.get("duration"))
            badge = f'<span class="{cls}">exit {esc(code)}</span>{_dur(secs)}'
            return "command", f"$ {cmd}", badge + pre(out, "out")
        if t == "patch_apply_end":
            return (
                "patch",
                "patch applied" if p.get("success") else "patch failed",
                pre((p.get("stdout") or "") + (p.get("stderr") or "")),
            )
        if t == "token_count":
            info = _mapping(p.get("info"))
            last = info.get("last_token_usage") or {}
            total = info.get("total_token_usage") or {}
            return (
                "tokens",
                (
                    f"tokens: in {last.get('input_tokens', '?')}"
                    f" · out {last.get('output_tokens', '?')}"
                    f" · total {total.get('total_tokens', '?')}"
                ),
                "",
            )
        if t in ("error", "stream_error", "warning"):
            return "error", t, markdown(str(p.get("message", "")))
        if t in ("web_search_end", "web_search_begin"):
            return "search", f"web search: {p.get('query', '')}", ""
        if t.startswith("mcp_tool_call"):
            inv = p.get("invocation") or {}
            return "mcp", f"mcp {inv.get('server', '')}.{inv.get('tool', '')}", pre(p.get("result"))
        if t in ("context_compacted",):
            return "compaction", "context compacted", ""
        if t == "plan_update":
            return "plan", "plan update", pre(p.get("plan"))
        if t == "codex_py_checkpoint":
            return "turn", f"checkpoint ({p.get('phase', '')})", ""
        if t == "item_completed" and isinstance(p.get("item"), dict):
            return _thread_item(p["item"])
        if t == "task_started":
            return "turn", "turn started", ""
        if t in ("task_complete", "turn_aborted"):
            title = "turn complete" if t == "task_complete" else "turn aborted"
            ms = p.get("duration_ms")
            turn_secs = ms / 1000 if isinstance(ms, (int, float)) else None
            if turn_secs is None and turn is not None:
                turn_secs = turn.seconds
            body = _dur(turn_secs)
            if turn is not None and turn.tokens:
                body += f' <span class="turn-tokens">{esc(token_text(turn.tokens))}</span>'
            return "turn", title, body
        return "event", t, ""
    return kind, kind, ""


def _clock(stamp: str) -> str:
    """HH:MM:SS.mmm of an ISO timestamp (the date is in the title attribute)."""
    m = _STAMP.match(stamp)
    return m.group(1) if m else stamp


def bad_reason(line: RawLine) -> str:
    if line.truncated:
        return "line too long, shown cut"
    if line.torn:
        return "truncated line (no newline at the end of the file)"
    return "unreadable line (not a JSON object)"


_TURN_END = (b'"task_complete"', b'"turn_aborted"')


def render_at(path: Path | str, line: RawLine) -> dict[str, Any]:
    """render_line for a line read from `path`: a turn's end gets its duration and tokens from
    the file's line index (a few small reads)."""
    turn = None
    if not line.truncated and any(m in line.data for m in _TURN_END):
        try:
            obj = orjson.loads(line.data)
        except orjson.JSONDecodeError:
            obj = None
        if isinstance(obj, dict):
            turn = turn_facts(path, line.number, obj.get("timestamp"))
    return render_line(line, turn)


def render_line(line: RawLine, turn: TurnFacts | None = None) -> dict[str, Any]:
    """A line as the JSON the page appends: its number, offset, and HTML."""
    try:
        obj = orjson.loads(line.data) if not line.truncated else None
    except orjson.JSONDecodeError:
        obj = None
    if not isinstance(obj, dict):
        kind, title, body, stamp = "bad", bad_reason(line), "", ""
    else:
        kind, title, body = describe(obj, turn)
        stamp = str(obj.get("timestamp", ""))
    raw = line.data.decode("utf-8", "replace")
    icon = ICONS.get(kind, "\u2022")
    html_text = (
        f'<div class="line k-{esc(kind.split()[0])}" id="L{line.number}">'
        f'<div class="head"><span class="icon" aria-hidden="true">{icon}</span> '
        f'<a href="#L{line.number}">#{line.number}</a> '
        f'<time datetime="{esc(stamp)}" title="{esc(stamp)}">{esc(_clock(stamp))}</time> '
        f'<span class="kind">{esc(kind)}</span> '
        f'<span class="title">{esc(title)}</span></div>'
        f"{body}<details><summary>raw</summary>{pre(raw, 'raw')}</details></div>"
    )
    return {"n": line.number, "offset": line.offset, "kind": kind, "html": html_text}


# The stylesheet of the viewer's pages and of an exported HTML page (inlined there).
STYLE = """
body{font:14px system-ui,sans-serif;margin:1em 2em;color:#222}
h1{font-size:20px}.path{color:#666}form{margin:4px 0}input{padding:3px 6px}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f1f5f9}tr:nth-child(even) td{background:#fafafa}
.line{border-left:4px solid #ccc;margin:6px 0;padding:4px 8px}
.head{color:#666;font-size:12px}.head .title{color:#222;font-weight:600}
.k-msg-user{border-color:#3b82f6}.k-msg-assistant{border-color:#10b981}
.k-reasoning{border-color:#a78bfa}.k-command{border-color:#f59e0b}
.k-patch{border-color:#ec4899}.k-error,.k-bad{border-color:#ef4444;background:#fef2f2}
.k-tokens{border-color:#94a3b8}.k-compaction{border-color:#0ea5e9}
pre{background:#f6f8fa;padding:6px;overflow:auto;max-height:30em;white-space:pre-wrap}
.diff .add{color:#15803d}.diff .del{color:#b91c1c}.diff .hunk{color:#6d28d9}
.ok{color:#15803d}.fail{color:#b91c1c}
.icon{display:inline-block;width:1.4em;text-align:center;font-size:15px;color:#334155}
.dur{color:#555;background:#eef2f7;border-radius:3px;padding:0 4px;margin-left:4px}
.turn-tokens{color:#475569;margin-left:6px}
.k-turn{border-color:#64748b;background:#f8fafc}
mark{background:#fde68a}
"""
