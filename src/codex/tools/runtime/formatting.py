"""Output text for the runtime handlers: a thin layer over codex.tools.output (the official CLI's
formats and truncation rules live there), plus decoding a child's bytes. Pure functions."""

from __future__ import annotations

from codex.tools.output import (
    TruncationPolicy,
    format_exec_command_output,
    format_freeform_exec_output,
    format_structured_exec_output,
    new_chunk_id,
    truncate_text,
)

__all__ = [
    "TruncationPolicy",
    "decode_output",
    "format_exec_command_output",
    "format_freeform_exec_output",
    "format_structured_exec_output",
    "new_chunk_id",
    "truncate_text",
]


def decode_output(data: bytes) -> str:
    """Bytes from a child → text: UTF-8, else Windows-1252, else Latin-1 (never fails)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")
