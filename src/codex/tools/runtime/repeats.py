"""A bound on a turn that goes round in circles: the model calls the same tool with the same
arguments and gets the same result back, again and again (issue 15 saw ≈1,400 requests in 60 s
from a model repeating `view_image`).

The official CLI 0.169 has no such bound (40 identical `view_image` calls in one turn ran to the
end). Ours: after `MAX_IDENTICAL_CALLS` consecutive calls that are identical — same tool, same
arguments, same output — the turn loop (codex.core.turn) stops the turn with an error event the
user sees (`codex exec --json`: an `error` event, then `turn.failed`; exit code 1). Every call is
still answered in the history, so the next turn starts from a well-formed conversation.

Same output is part of "identical" on purpose: polling a running command (`write_stdin` with no
input) repeats its arguments legitimately, but its output changes (new text, wall time, chunk
id), so progress never trips the bound. Any different call in between starts the count again.
"""

from __future__ import annotations

from typing import Any

import orjson

from codex.tools.runtime.context import ToolCall, ToolResult

MAX_IDENTICAL_CALLS = 10


def _canonical_arguments(payload: str) -> bytes:
    # The same JSON arguments with other spacing or key order are the same call.
    try:
        return orjson.dumps(orjson.loads(payload), option=orjson.OPT_SORT_KEYS)
    except orjson.JSONDecodeError:
        return payload.encode("utf-8", "surrogatepass")


def _output_bytes(output: str | list[Any]) -> bytes:
    if isinstance(output, str):
        return output.encode("utf-8", "surrogatepass")
    return repr(output).encode("utf-8", "surrogatepass")


def _fingerprint(call: ToolCall, result: ToolResult) -> bytes:
    import hashlib  # at the first tool call: a turn that calls none never needs it (~1.5 ms)

    digest = hashlib.sha256()
    for part in (
        call.kind.encode(),
        call.name.encode(),
        _canonical_arguments(call.payload),
        _output_bytes(result.output),
        b"ok" if result.success else b"failed",
    ):
        digest.update(len(part).to_bytes(8, "little"))
        digest.update(part)
    return digest.digest()


class RepeatedCallGuard:
    """Counts identical consecutive tool calls within one turn; `tripped` once the count reaches
    the limit."""

    def __init__(self, limit: int = MAX_IDENTICAL_CALLS) -> None:
        self.limit = limit
        self.count = 0
        self._last: bytes | None = None
        self._name = ""

    def observe(self, call: ToolCall, result: ToolResult) -> None:
        """Feed every answered call, in call order."""
        key = _fingerprint(call, result)
        if key == self._last:
            self.count += 1
        else:
            self._last, self.count, self._name = key, 1, call.name

    @property
    def tripped(self) -> bool:
        return self.count >= self.limit

    def message(self) -> str:
        return (
            f"turn stopped: the model called `{self._name}` {self.count} times in a row with the "
            f"same arguments and got the same result each time (limit: {self.limit} identical "
            "consecutive tool calls)"
        )
