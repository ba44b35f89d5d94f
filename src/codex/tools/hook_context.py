"""The cap 0.169 puts on what a hook adds to the model's context (`additionalContext`, or a
SessionStart / UserPromptSubmit hook's plain stdout): facts in
tests/fixtures/hook_fixes_official.json (tests/extensions/capture_hook_fixes.py).

A context within the hook's `additionalContextLimit` (tokens, 2,500 when unset; 1 token ≈ 4
bytes) goes in unchanged. A longer one is saved whole to `<tmp>/hook_outputs/<session>/<id>.txt`
(the system temp dir, as 0.169 does, not CODEX_HOME) and the model gets:

    Warning: truncated output (original token count: N)
    Total output lines: L

    <head>…M tokens truncated…<tail>

    Full hook output saved to: <path>

where head and tail share the byte budget left once the last line (the path) is paid for.
"""

from __future__ import annotations

import logging
import os
import tempfile
import uuid
from typing import Any

from codex.protocol.usage import approx_token_count

log = logging.getLogger("codex.tools.hooks")

DEFAULT_LIMIT_TOKENS = 2500  # 0.169's cap when a hook sets no additionalContextLimit


def context_limit(hook: Any) -> int | None:
    """A hook entry's `additionalContextLimit` when it is a positive integer, else None."""
    value = hook.get("additionalContextLimit") if isinstance(hook, dict) else None
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _save(text: str, session_id: str) -> str:
    """Write the full output where 0.169 writes it; its path.

    The temp dir is shared by every user of the machine and a hook's output may hold secrets:
    the session's folder is ours alone (0700, created by us, checked not to be a symlink or
    another user's), the file 0600 and created fresh (O_EXCL, O_NOFOLLOW). A folder we cannot
    trust is an OSError: the cut still applies, without the pointer."""
    import contextlib
    import stat

    parent = os.path.join(tempfile.gettempdir(), "hook_outputs")
    os.makedirs(parent, exist_ok=True)
    folder = os.path.join(parent, os.path.basename(session_id) or "session")
    with contextlib.suppress(FileExistsError):
        os.mkdir(folder, 0o700)
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise OSError(f"{folder} is not a private folder of this user")
    path = os.path.join(folder, f"{uuid.uuid4()}.txt")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    with os.fdopen(os.open(path, flags, 0o600), "w", encoding="utf-8") as f:
        f.write(text)
    return path


def _middle_cut(data: bytes, budget: int) -> str:
    """Head and tail of `data` within `budget` bytes around 0.169's token-count marker (cut on
    UTF-8 character boundaries)."""
    head_end = max(0, budget // 2)
    while 0 < head_end < len(data) and (data[head_end] & 0xC0) == 0x80:
        head_end -= 1
    tail_start = len(data) - max(0, budget - budget // 2)
    while head_end < tail_start < len(data) and (data[tail_start] & 0xC0) == 0x80:
        tail_start += 1
    tail_start = max(tail_start, head_end)
    removed = data[head_end:tail_start]
    marker = f"…{approx_token_count(removed)} tokens truncated…"
    return data[:head_end].decode("utf-8") + marker + data[tail_start:].decode("utf-8")


def cap_context(text: str, limit: int | None, session_id: str) -> str:
    """`text` as the model gets it under a cap of `limit` tokens (None: 0.169's default)."""
    tokens = DEFAULT_LIMIT_TOKENS if limit is None else limit
    data = text.encode("utf-8")
    if len(data) <= tokens * 4:
        return text
    try:
        path = _save(text, session_id)
    except OSError as exc:  # the cut still applies; only the pointer to the whole is lost
        log.error("could not save a hook's full output: %s", exc)
        path = ""
    footer = f"\n\nFull hook output saved to: {path}" if path else ""
    lines = text.count("\n") + (0 if text.endswith("\n") else 1)
    body = _middle_cut(data, tokens * 4 - len(footer.encode("utf-8")))
    return (
        f"Warning: truncated output (original token count: {approx_token_count(data)})\n"
        f"Total output lines: {lines}\n\n{body}{footer}"
    )
