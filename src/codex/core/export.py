"""Export a recorded session as Markdown, clean JSON or one self-contained HTML page.

The one implementation behind `codex export` and the TUI's `/export` (front ends call
`export_session` / `write_export`; they never render a session themselves). Public names here
are stable: `FORMATS`, `export_session`, `write_export`, `resolve_rollout`.

Secrets never leave: every rollout line goes through the recorder's Redactor (known API keys from
the environment, credential-shaped tokens) and a URL-credential scrub before it is parsed, and
the rendered text is scrubbed once more. A line that is not a JSON object (torn last line, cut
over-long line, garbage) is exported as such (a `malformed` item, a marked entry), never an
error. The file is read line by line (bounded memory per line); Markdown and JSON hold the
session's items, HTML streams.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

import orjson

from codex.core.rollout_pages import (
    RawLine,
    TurnFacts,
    iter_lines,
    stamp_seconds,
    token_delta,
    token_totals,
)
from codex.core.session_items import SessionExport, session_items
from codex.core.session_render import ICONS, STYLE, esc, render_line, seconds, token_text
from codex.errors import CodexError

FORMATS = ("md", "json", "html")
PathLike = str | Path

# `scheme://user:password@host`: a credential in a URL (a git remote, a proxy setting).
_URL_CREDENTIALS = re.compile(rb"(?<=://)[^\s/@:\"'\\]+:[^\s/@\"'\\]+@")


class _Scrubber:
    """The recorder's Redactor plus URL credentials, over bytes."""

    def __init__(self) -> None:
        from codex.rollout.redact import Redactor

        self._redactor = Redactor()

    def bytes(self, data: bytes) -> bytes:
        data = self._redactor.scrub(data)
        if b"://" in data:
            data = _URL_CREDENTIALS.sub(b"[REDACTED]@", data)
        return data

    def text(self, text: str) -> str:
        data = text.encode("utf-8", "surrogatepass")
        clean = self.bytes(data)
        return text if clean == data else clean.decode("utf-8", "replace")


# Scrubbing costs a fixed ~10 substring scans per call: lines and output are scrubbed in blocks of
# about this size (no secret pattern spans a newline or a chunk: each lies inside one value).
BLOCK = 1 << 20


def _clean_lines(path: PathLike, scrub: _Scrubber) -> Iterator[RawLine]:
    """The rollout's lines with secrets scrubbed, a block of lines per scrub."""
    batch: list[RawLine] = []
    size = 0
    for line in iter_lines(path):
        if b"\\u" in line.data and not line.truncated:
            line = _unescaped(line)
        batch.append(line)
        size += len(line.data)
        if size >= BLOCK:
            yield from _scrub_batch(batch, scrub)
            batch, size = [], 0
    yield from _scrub_batch(batch, scrub)


def _unescaped(line: RawLine) -> RawLine:
    """The line re-serialized without `\\uXXXX` escapes of printable characters, so that a secret
    written escaped (`sk-\\u0070roj-...`) is seen by the scrub (and not shown in the raw JSON)."""
    try:
        data = orjson.dumps(orjson.loads(line.data))
    except orjson.JSONDecodeError:
        return line
    return RawLine(line.number, line.offset, data, line.truncated, line.torn)


def _scrub_batch(batch: list[RawLine], scrub: _Scrubber) -> Iterator[RawLine]:
    joined = b"\n".join(line.data for line in batch)
    clean = scrub.bytes(joined)
    if clean == joined:  # the common case: nothing to hide
        yield from batch
        return
    parts = clean.split(b"\n")
    if len(parts) != len(batch):  # cannot happen (no replacement holds a newline); be safe
        parts = [scrub.bytes(line.data) for line in batch]
    for line, data in zip(batch, parts, strict=True):
        yield RawLine(line.number, line.offset, data, line.truncated, line.torn)


def _scrubbed(chunks: Iterator[str], scrub: _Scrubber) -> Iterator[str]:
    """The output, scrubbed once more in blocks: a secret that was JSON-escaped in the rollout
    (`\\u0073k-...`) is only whole once parsed."""
    buf: list[str] = []
    size = 0
    for chunk in chunks:
        buf.append(chunk)
        size += len(chunk)
        if size >= BLOCK:
            yield scrub.text("".join(buf))
            buf, size = [], 0
    if buf:
        yield scrub.text("".join(buf))


def resolve_rollout(codex_home: PathLike, ref: str) -> Path:
    """The rollout a user named: a rollout file path, or a session UUID (active, else archived).
    A one-line CodexError when there is none."""
    from codex.core.sessions import find_all
    from codex.protocol.ids import is_uuid

    ref = ref.strip()
    if is_uuid(ref):
        return find_all(Path(codex_home), ref)[1][0]
    path = Path(ref).expanduser()
    if path.is_file():
        return path
    if path.exists():
        raise CodexError(f"{ref} is not a rollout file")
    raise CodexError(f"no session {ref!r}: give a session UUID or a rollout file path")


def write_export(rollout_path: PathLike, fmt: str, out: TextIO) -> None:
    """Write the export of one rollout to `out` (a text stream), chunk by chunk."""
    for chunk in iter_export(rollout_path, fmt):
        out.write(chunk)


def export_session(rollout_path: PathLike, fmt: str) -> str:
    """The whole export of one rollout as one string (`fmt`: md, json or html)."""
    return "".join(iter_export(rollout_path, fmt))


def iter_export(rollout_path: PathLike, fmt: str) -> Iterator[str]:
    """The export in chunks. Raises CodexError for an unknown format or an unreadable file."""
    if fmt not in FORMATS:
        raise CodexError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
    scrub = _Scrubber()
    try:
        if fmt == "html":
            yield from _scrubbed(_html(rollout_path, scrub), scrub)
            return
        session = session_items(_clean_lines(rollout_path, scrub))
    except OSError as err:
        raise CodexError(f"cannot read {rollout_path}: {err.strerror or err}") from None
    if fmt == "json":
        yield from _scrubbed(_json(session), scrub)
        return
    yield from _scrubbed(markdown(session), scrub)


def _json(session: SessionExport) -> Iterator[str]:
    """`{"session": {...}, "items": [...]}` with one item per line: valid JSON, greppable, and
    written item by item (a whole-document dump of a 100 MB session peaked at 460 MiB)."""
    yield '{"session": ' + orjson.dumps(session.meta).decode() + ',\n"items": ['
    for n, item in enumerate(session.items):
        yield ("," if n else "") + "\n" + orjson.dumps(item).decode()
    yield "\n]}\n"


# -- Markdown --------------------------------------------------------------------------------


def _fence(text: str, lang: str = "") -> str:
    """A code fence longer than any backtick run inside, so the text cannot close it."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{lang}\n{text.rstrip(chr(10))}\n{ticks}\n\n"


def _clock(stamp: Any) -> str:
    return stamp[11:19] if isinstance(stamp, str) and len(stamp) >= 19 else ""


def _at(item: dict[str, Any]) -> str:
    clock = _clock(item.get("timestamp"))
    return f" · {clock}" if clock else ""


def _ms(value: Any) -> str:
    return seconds(value / 1000) if isinstance(value, (int, float)) else ""


def _md_item(item: dict[str, Any], turns: int) -> str:
    t = item["type"]
    if t == "turn_started":
        bits = [f"Turn {turns}"] + [str(item[k]) for k in ("model",) if item.get(k)]
        return f"## {' · '.join(bits)}{_at(item)}\n\n"
    if t == "turn_ended":
        parts = [f"turn {item.get('status', 'ended')}"]
        if "duration_ms" in item:
            parts.append(f"in {_ms(item['duration_ms'])}")
        if item.get("tokens"):
            parts.append(token_text(item["tokens"]))
        return f"_{ICONS['turn']} {' · '.join(parts)}_\n\n---\n\n"
    if t == "user_message":
        return f"### {ICONS['msg-user']} User{_at(item)}\n\n{item['text'].strip()}\n\n"
    if t == "agent_message":
        return f"### {ICONS['msg-assistant']} Codex{_at(item)}\n\n{item['text'].strip()}\n\n"
    if t == "context":
        text = item["text"]
        return (
            f"<details><summary>{esc(item['role'])} context ({len(text)} chars)</summary>\n\n"
            + _fence(text)
            + "</details>\n\n"
        )
    if t == "reasoning":
        quoted = "\n".join("> " + row for row in item["text"].strip().splitlines())
        return f"{ICONS['reasoning']} **Reasoning**{_at(item)}\n\n{quoted}\n\n"
    if t == "command":
        facts = []
        if "exit_code" in item:
            facts.append(f"exit {item['exit_code']}")
        if "duration_ms" in item:
            facts.append(_ms(item["duration_ms"]))
        head = f"{ICONS['command']} **Command**{_at(item)}" + (
            f" — {' · '.join(facts)}" if facts else ""
        )
        text = head + "\n\n" + _fence("$ " + str(item.get("command", "")), "sh")
        if item.get("output"):
            text += _fence(str(item["output"]), "text")
        return text
    if t == "patch":
        success = item.get("success")
        state = "" if success is None else " — applied" if success else " — failed"
        text = f"{ICONS['patch']} **Patch**{_at(item)}{state}\n\n"
        if item.get("patch"):
            text += _fence(str(item["patch"]), "diff")
        elif item.get("changes") is not None:
            text += _fence(
                orjson.dumps(item["changes"], option=orjson.OPT_INDENT_2).decode(), "json"
            )
        if item.get("output"):
            text += _fence(str(item["output"]), "text")
        return text
    if t == "plan":
        rows = "".join(
            f"- [{'x' if s['status'] == 'completed' else ' '}] {s['step']} ({s['status']})\n"
            for s in item["steps"]
        )
        why = f"{item['explanation']}\n\n" if item.get("explanation") else ""
        return f"{ICONS['plan']} **Plan update**{_at(item)}\n\n{why}{rows}\n"
    if t == "web_search":
        return f"{ICONS['search']} **Web search**{_at(item)}: {item['query']}\n\n"
    if t in ("tool_call", "mcp_tool_call"):
        name = item.get("name") or f"{item.get('server', '')}.{item.get('tool', '')}"
        icon = ICONS["mcp"] if t == "mcp_tool_call" else ICONS["tool"]
        text = f"{icon} **Tool call** `{name}`{_at(item)}"
        if "duration_ms" in item:
            text += f" — {_ms(item['duration_ms'])}"
        text += "\n\n"
        args = item.get("arguments", item.get("input"))
        if args not in (None, ""):
            shown = args if isinstance(args, str) else orjson.dumps(args).decode()
            text += _fence(shown, "json" if not isinstance(args, str) else "")
        shown_keys: tuple[str, ...] = ("output", "result", "error")
        if item.get("result") is not None:
            shown_keys = ("result", "error")  # an MCP result: the output repeats it
        for key in shown_keys:
            value = item.get(key)
            if value not in (None, ""):
                shown = value if isinstance(value, str) else orjson.dumps(value).decode()
                text += _fence(shown, "text")
        return text
    if t == "compaction":
        body = f"\n\n{item['message']}" if item.get("message") else ""
        return f"{ICONS['compaction']} **Context compacted**{_at(item)}{body}\n\n"
    if t == "error":
        return f"{ICONS['error']} **{item['kind']}**{_at(item)}: {item['message']}\n\n"
    if t == "malformed":
        return (
            f"{ICONS['bad']} **Line {item['line']}: {item['reason']}** ({item['bytes']} bytes)\n\n"
            + _fence(item["excerpt"], "text")
        )
    return ""


def markdown(session: SessionExport) -> Iterator[str]:
    meta = session.meta
    yield f"# Codex session {meta.get('id', '(no session_meta)')}\n\n"
    for label, key in (
        ("Started", "timestamp"),
        ("Directory", "cwd"),
        ("Client", "originator"),
        ("CLI version", "cli_version"),
        ("Provider", "model_provider"),
    ):
        if meta.get(key):
            yield f"- **{label}**: {meta[key]}\n"
    if meta.get("total_tokens"):
        yield f"- **Tokens**: {token_text(meta['total_tokens']).removeprefix('turn tokens: ')}\n"
    yield "\n---\n\n"
    turns = 0
    for item in session.items:
        if item["type"] == "turn_started":
            turns += 1
        yield _md_item(item, turns)


# -- HTML ------------------------------------------------------------------------------------

_PEEK = (b'"task_started"', b'"token_count"', b'"task_complete"', b'"turn_aborted"')
_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def _html(path: PathLike, scrub: _Scrubber) -> Iterator[str]:
    """The viewer's timeline of every line, on one page with its stylesheet inlined and no
    script (the CSP forbids any)."""
    lines = _clean_lines(path, scrub)
    first = next(lines, None)
    meta: dict[str, Any] = {}
    if first is not None and not first.truncated:
        try:
            obj = orjson.loads(first.data)
            if isinstance(obj, dict) and obj.get("type") == "session_meta":
                payload = obj.get("payload")
                meta = payload if isinstance(payload, dict) else {}
        except orjson.JSONDecodeError:
            pass
    sid = str(meta.get("id", Path(path).stem))
    yield (
        '<!doctype html><html><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">'
        f"<title>codex session {esc(sid)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{esc(sid)}</h1><p class='path'>{esc(meta.get('cwd', ''))}"
        f" · {esc(meta.get('timestamp', ''))} · {esc(meta.get('cli_version', ''))}</p>"
        '<div id="timeline">'
    )
    turn_start: Any = None
    totals: dict[str, int] | None = None
    start_totals: dict[str, int] | None = None
    for line in itertools.chain([first] if first is not None else [], lines):
        facts = None
        if not line.truncated:
            kind, payload, stamp = _peek(line)
            if kind == "task_started":
                turn_start, start_totals = stamp, totals
            elif kind == "token_count":
                totals = token_totals(payload) or totals
            elif kind in ("task_complete", "turn_aborted"):
                t0, t1 = stamp_seconds(turn_start), stamp_seconds(stamp)
                took = t1 - t0 if t0 is not None and t1 is not None and t1 >= t0 else None
                used = None
                if totals is not None and totals != start_totals:
                    used = token_delta(start_totals, totals)
                facts = TurnFacts(took, used)
        yield render_line(line, facts)["html"]
    yield "</div></body></html>\n"


def _peek(line: RawLine) -> tuple[str | None, dict[str, Any], Any]:
    """(event type, payload, timestamp) of an event_msg line, else (None, {}, None)."""
    if b'"event_msg"' not in line.data or not any(m in line.data for m in _PEEK):
        return None, {}, None
    try:
        obj = orjson.loads(line.data)
    except orjson.JSONDecodeError:
        return None, {}, None
    if not isinstance(obj, dict) or not isinstance(obj.get("payload"), dict):
        return None, {}, None
    payload = obj["payload"]
    return payload.get("type"), payload, obj.get("timestamp")
