"""Text the model reads back from command tools, in the official CLI's shapes (spec-core §2.4).

Pure functions. The budget rules: 1 token ≈ 4 bytes; over budget, keep the head and tail halves
(cut on UTF-8 boundaries) around a `…N tokens truncated…` / `…N chars truncated…` marker, and put
`Total output lines: N` in front. Never touches a process or a file.
"""

from __future__ import annotations

import math
import secrets

import orjson

APPROX_BYTES_PER_TOKEN = 4
DEFAULT_TOKEN_BUDGET = 10_000


def approx_token_count(text: str) -> int:
    return math.ceil(len(text.encode("utf-8", "replace")) / APPROX_BYTES_PER_TOKEN)


def decode_output(data: bytes) -> str:
    """Bytes from a child → text: UTF-8, falling back to Latin-1 for legacy encodings."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def _cut_head(raw: bytes, n: int) -> bytes:
    n = min(n, len(raw))
    while n > 0 and n < len(raw) and (raw[n] & 0xC0) == 0x80:
        n -= 1
    return raw[:n]


def _cut_tail(raw: bytes, n: int) -> bytes:
    start = max(0, len(raw) - n)
    while start < len(raw) and (raw[start] & 0xC0) == 0x80:
        start += 1
    return raw[start:]


def truncate_middle(text: str, byte_budget: int, *, tokens: bool = True) -> str:
    """Keep the first and last halves of `byte_budget` bytes with a marker saying what went."""
    raw = text.encode("utf-8")
    if len(raw) <= byte_budget:
        return text
    head = _cut_head(raw, byte_budget // 2)
    tail = _cut_tail(raw, byte_budget - byte_budget // 2)
    removed = raw[len(head) : len(raw) - len(tail)]
    if tokens:
        marker = f"…{math.ceil(len(removed) / APPROX_BYTES_PER_TOKEN)} tokens truncated…"
    else:
        marker = f"…{len(removed.decode('utf-8', 'replace'))} chars truncated…"
    return head.decode("utf-8", "replace") + marker + tail.decode("utf-8", "replace")


def formatted_truncate(text: str, byte_budget: int, *, tokens: bool = True) -> str:
    """`truncate_middle` plus the `Total output lines: N` header when anything was cut."""
    if len(text.encode("utf-8")) <= byte_budget:
        return text
    lines = len(text.splitlines())
    return f"Total output lines: {lines}\n\n" + truncate_middle(text, byte_budget, tokens=tokens)


def _shortest_float(value: float) -> str:
    rounded = round(value, 1)
    if rounded == int(rounded):
        return str(int(rounded))
    return repr(rounded)


def format_exec_freeform(exit_code: int, seconds: float, output: str, byte_budget: int) -> str:
    """`shell_command` output: Exit code, Wall time, [Total output lines], Output."""
    body = formatted_truncate(output, byte_budget)
    sections = [f"Exit code: {exit_code}", f"Wall time: {_shortest_float(seconds)} seconds"]
    if body.startswith("Total output lines: "):
        header, _, body = body.partition("\n\n")
        sections.append(header)
    sections.append("Output:")
    sections.append(body)
    return "\n".join(sections)


def format_exec_structured(
    exit_code: int, seconds: float, output: str, byte_budget: int, *, timed_out_ms: int | None
) -> str:
    """`shell` / `local_shell` output: a JSON string with `output` and `metadata`."""
    if timed_out_ms is not None:
        output = f"command timed out after {timed_out_ms} milliseconds\n{output}"
    payload = {
        "output": formatted_truncate(output, byte_budget),
        "metadata": {"exit_code": exit_code, "duration_seconds": round(seconds, 1)},
    }
    return orjson.dumps(payload).decode("utf-8")


def new_chunk_id() -> str:
    return secrets.token_hex(3)


def format_unified_exec(
    *,
    chunk_id: str,
    seconds: float,
    exit_code: int | None,
    session_id: int | None,
    output: str,
    max_output_tokens: int,
) -> str:
    """exec_command / write_stdin output (Chunk ID, Wall time, exit or session, token count)."""
    sections = [f"Chunk ID: {chunk_id}", f"Wall time: {seconds:.4f} seconds"]
    if exit_code is not None:
        sections.append(f"Process exited with code {exit_code}")
    if session_id is not None:
        sections.append(f"Process running with session ID {session_id}")
    sections.append(f"Original token count: {approx_token_count(output)}")
    sections.append("Output:")
    sections.append(formatted_truncate(output, max_output_tokens * APPROX_BYTES_PER_TOKEN))
    return "\n".join(sections)
