"""What a tool call's result looks like to the model, formatted as the official CLI formats it.

Truncation keeps the head and tail of long output around a `…N tokens truncated…` /
`…N chars truncated…` marker (U+2026), within a token or byte budget (1 token ≈ 4 bytes). The
exec formats: `exec_command` / `write_stdin` (chunk id, wall time, exit code or session id,
original token count, output); `shell` (a JSON object with output and metadata); `shell_command`
and `apply_patch` (Exit code / Wall time / Output text). Pure string functions, no I/O.
"""

from __future__ import annotations

import math
import os
from enum import StrEnum

import orjson

from codex._dataclass import dataclass
from codex.protocol.usage import approx_token_count

__all__ = [
    "ABORTED_BY_USER",
    "TruncationMode",
    "TruncationPolicy",
    "aborted_output",
    "apply_patch_verification_failed",
    "approx_token_count",
    "failed_to_parse_arguments",
    "format_exec_command_output",
    "format_freeform_exec_output",
    "format_structured_exec_output",
    "formatted_truncate_text",
    "missing_field",
    "new_chunk_id",
    "rust_float",
    "serde_position",
    "structured_to_freeform",
    "truncate_text",
    "unknown_process",
    "unsupported_call",
    "unsupported_custom_call",
]

ABORTED_BY_USER = "aborted by user"


class TruncationMode(StrEnum):
    BYTES = "bytes"
    TOKENS = "tokens"


@dataclass(frozen=True, slots=True)
class TruncationPolicy:
    """A budget in bytes or in (approximate) tokens."""

    mode: TruncationMode
    limit: int

    @classmethod
    def tokens(cls, limit: int) -> TruncationPolicy:
        return cls(TruncationMode.TOKENS, limit)

    @classmethod
    def bytes(cls, limit: int) -> TruncationPolicy:
        return cls(TruncationMode.BYTES, limit)

    @property
    def byte_budget(self) -> int:
        return self.limit * 4 if self.mode is TruncationMode.TOKENS else self.limit

    def with_token_limit(self, tokens: int) -> TruncationPolicy:
        """`tool_output_token_limit` from config: tokens stay tokens, bytes become 4×tokens."""
        if self.mode is TruncationMode.TOKENS:
            return TruncationPolicy.tokens(tokens)
        return TruncationPolicy.bytes(tokens * 4)

    def scaled(self, factor: float) -> TruncationPolicy:
        """The same kind of budget times `factor` (history keeps 1.2× the send budget)."""
        return TruncationPolicy(self.mode, int(self.limit * factor))


def _cut_head(data: bytes, n: int) -> bytes:
    # Back off to a UTF-8 character boundary (never split a multi-byte sequence).
    while n > 0 and n < len(data) and (data[n] & 0xC0) == 0x80:
        n -= 1
    return data[:n]


def _cut_tail(data: bytes, n: int) -> bytes:
    start = len(data) - n
    while start < len(data) and start > 0 and (data[start] & 0xC0) == 0x80:
        start += 1
    return data[start:]


def truncate_text(text: str, policy: TruncationPolicy) -> str:
    """Middle truncation to the policy's byte budget, with the official marker text."""
    data = text.encode("utf-8")
    budget = policy.byte_budget
    if len(data) <= budget:
        return text
    head = _cut_head(data, budget // 2)
    tail = _cut_tail(data, budget - budget // 2)
    removed = data[len(head) : len(data) - len(tail)]
    if policy.mode is TruncationMode.TOKENS:
        marker = f"…{approx_token_count(removed)} tokens truncated…"
    else:
        marker = f"…{len(removed.decode('utf-8', 'replace'))} chars truncated…"
    return head.decode("utf-8") + marker + tail.decode("utf-8")


def _line_count(text: str) -> int:
    # Rust's str::lines().count(): a trailing newline does not start another line.
    if not text:
        return 0
    return text.count("\n") + (0 if text.endswith("\n") else 1)


def formatted_truncate_text(text: str, policy: TruncationPolicy) -> str:
    """Unchanged when within budget; otherwise `Total output lines: N` + blank line + truncation."""
    if len(text.encode("utf-8")) <= policy.byte_budget:
        return text
    return f"Total output lines: {_line_count(text)}\n\n{truncate_text(text, policy)}"


def rust_float(value: float) -> str:
    """A float as Rust's `{}` prints it: shortest form, no trailing `.0` (0 → "0", 2.5 → "2.5")."""
    text = repr(float(value))
    if text.endswith(".0"):
        text = text[:-2]
    if text == "-0":
        text = "0"
    return text


def _tenths(seconds: float) -> float:
    # Rust's f32::round rounds half away from zero.
    return math.floor(seconds * 10 + 0.5) / 10


def new_chunk_id() -> str:
    # secrets.token_hex(3) is this; `secrets` (and hmac) stay off a thread start's imports.
    return os.urandom(3).hex()


def format_exec_command_output(
    output: str,
    *,
    wall_time_seconds: float,
    max_output_tokens: int,
    exit_code: int | None = None,
    session_id: int | None = None,
    chunk_id: str | None = None,
) -> str:
    """`exec_command` / `write_stdin` result text (unified exec)."""
    sections = [
        f"Chunk ID: {chunk_id or new_chunk_id()}",
        f"Wall time: {wall_time_seconds:.4f} seconds",
    ]
    if exit_code is not None:
        sections.append(f"Process exited with code {exit_code}")
    if session_id is not None:
        sections.append(f"Process running with session ID {session_id}")
    tokens = approx_token_count(output)
    sections.append(f"Original token count: {tokens}")
    sections.append("Output:")
    policy = TruncationPolicy.tokens(max_output_tokens)
    if len(output.encode("utf-8")) > policy.byte_budget:
        # 0.169 announces the cut before the line count (observed from the official binary).
        sections.append(f"Warning: truncated output (original token count: {tokens})")
    sections.append(formatted_truncate_text(output, policy))
    return "\n".join(sections)


def format_structured_exec_output(
    output: str,
    *,
    exit_code: int,
    duration_seconds: float,
    policy: TruncationPolicy,
    timed_out_after_ms: int | None = None,
) -> str:
    """`shell` / `local_shell` result: the JSON text of
    `{"output": ..., "metadata": {"exit_code": ..., "duration_seconds": ...}}`."""
    body = output
    if timed_out_after_ms is not None:
        body = f"command timed out after {timed_out_after_ms} milliseconds\n{body}"
    payload = {
        "output": formatted_truncate_text(body, policy),
        "metadata": {"exit_code": exit_code, "duration_seconds": _tenths(duration_seconds)},
    }
    return orjson.dumps(payload).decode("utf-8")


def format_freeform_exec_output(
    output: str,
    *,
    exit_code: int,
    duration_seconds: float,
    policy: TruncationPolicy,
) -> str:
    """`shell_command` and `apply_patch` result text: Exit code, Wall time, Output."""
    sections = [
        f"Exit code: {exit_code}",
        f"Wall time: {rust_float(_tenths(duration_seconds))} seconds",
    ]
    if len(output.encode("utf-8")) > policy.byte_budget:
        sections.append(f"Total output lines: {_line_count(output)}")
        output = truncate_text(output, policy)
    sections.append("Output:")
    sections.append(output)
    return "\n".join(sections)


def structured_to_freeform(text: str) -> str | None:
    """Rewrite a structured (JSON) exec output as the freeform text, as the official CLI does at
    send time when the freeform apply_patch tool is offered. None if `text` is not that JSON."""
    try:
        data = orjson.loads(text)
        output = data["output"]
        meta = data["metadata"]
        exit_code = int(meta["exit_code"])
        seconds = float(meta["duration_seconds"])
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        return None
    if not isinstance(output, str):
        return None
    sections = [f"Exit code: {exit_code}", f"Wall time: {rust_float(seconds)} seconds"]
    if output.startswith("Total output lines: "):
        header, sep, rest = output.partition("\n\n")
        if sep and header[len("Total output lines: ") :].isdigit():
            sections.append(header)
            output = rest
    sections.append("Output:")
    sections.append(output)
    return "\n".join(sections)


def aborted_output(seconds: float, *, shell_tool: bool) -> str:
    """What an interrupted in-flight tool answers."""
    if shell_tool:
        return f"Wall time: {seconds:.1f} seconds\n{ABORTED_BY_USER}"
    return f"{ABORTED_BY_USER} after {seconds:.1f}s"


def unsupported_call(name: str) -> str:
    return f"unsupported call: {name}"


def unsupported_custom_call(name: str) -> str:
    return f"unsupported custom tool call: {name}"


def failed_to_parse_arguments(detail: str) -> str:
    return f"failed to parse function arguments: {detail}"


def serde_position(text: str) -> str:
    """`line L column C` of the last character of a JSON text, where serde reports errors found
    after reading a whole object (e.g. a missing field)."""
    body = text.rstrip()
    line = body.count("\n") + 1
    column = len(body) - (body.rfind("\n") + 1)
    return f"line {line} column {column}"


def missing_field(field: str, arguments: str) -> str:
    """The official error for a required argument the model left out."""
    return failed_to_parse_arguments(f"missing field `{field}` at {serde_position(arguments)}")


def unknown_process(session_id: int) -> str:
    """`write_stdin` to a session that does not exist (or has exited)."""
    return f"write_stdin failed: Unknown process id {session_id}"


def apply_patch_verification_failed(message: str) -> str:
    """A patch that cannot be parsed or planned; nothing was written."""
    return f"apply_patch verification failed: {message}"
