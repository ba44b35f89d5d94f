"""Keep credentials out of rollout files.

The recorder never receives auth material by design (auth/ owns it), but a command's output or a
pasted prompt can still carry one. Before a line is written, every exact secret value the recorder
knows about (the API keys in the environment, plus whatever the caller registers) and every token
of a well-known credential shape (OpenAI `sk-...`, GitHub `ghp_...`/`github_pat_...`, Slack
`xox?-...`, AWS `AKIA...`, JWTs, `Bearer <token>`) is replaced with `[REDACTED]`. The patterns only
match JSON-safe characters, so redacting the serialized line keeps it valid JSON.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import orjson

from codex._env import getenv

REDACTED = b"[REDACTED]"

_PATTERN = re.compile(
    rb"(?<![A-Za-z0-9_-])(?:"
    rb"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}"
    rb"|gh[pousr]_[A-Za-z0-9]{30,}"
    rb"|github_pat_[A-Za-z0-9_]{40,}"
    rb"|xox[abprs]-[A-Za-z0-9-]{10,}"
    rb"|AKIA[0-9A-Z]{16}"
    rb"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
    rb")"
    rb"|(?<=Bearer )[A-Za-z0-9._~+/=-]{16,}"
)

# Every credential shape above starts with one of these; a line containing none of them (the
# common case) skips the substitution. The screen is one regex search (one C-level pass over the
# bytes, ~5 ns per byte): testing the eleven prefixes one `in` at a time cost three times that,
# and the recorder screens every line it writes. tests/rollout/test_redact.py checks the screen
# against the prefixes on random and secret-bearing inputs.
_TRIGGERS = (b"sk-", b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"github_pat_", b"xox", b"AKIA")
_TRIGGERS += (b"eyJ", b"Bearer ")
_SCREEN = re.compile(rb"sk-|gh[pousr]_|github_pat_|xox|AKIA|eyJ|Bearer ")

# Environment variables whose values are credentials wherever they appear.
SECRET_ENV_VARS = ("OPENAI_API_KEY", "CODEX_API_KEY", "AZURE_OPENAI_API_KEY", "ANTHROPIC_API_KEY")
_MIN_SECRET_LEN = 8  # shorter values would redact ordinary words


class Redactor:
    """Scrubs serialized lines; exact known secrets first, then credential-shaped tokens."""

    def __init__(self, secrets: Iterable[str] = (), *, from_env: bool = True) -> None:
        self._exact: set[bytes] = set()
        if from_env:
            for name in SECRET_ENV_VARS:
                self.add_secret(getenv(name, ""))
        for value in secrets:
            self.add_secret(value)

    def add_secret(self, value: str) -> None:
        """Redact this exact value (as it appears inside a serialized JSON string)."""
        if len(value) >= _MIN_SECRET_LEN:
            self._exact.add(orjson.dumps(value)[1:-1])

    def scrub_exact(self, line: bytes) -> bytes:
        """`line` with the exact known secrets replaced (the first half of `scrub`)."""
        for secret in self._exact:
            if secret in line:
                line = line.replace(secret, REDACTED)
        return line

    def scrub(self, line: bytes) -> bytes:
        """`line` with every secret replaced. Also takes several whole lines at once (the
        recorder scrubs what it writes in one call per flush): no secret or pattern spans a
        newline (a serialized JSON string holds none raw), so scrubbing lines joined is the same
        as joining them scrubbed."""
        return scrub_patterns(self.scrub_exact(line))


def has_trigger(data: bytes) -> bool:
    """Whether `data` holds a prefix some credential shape starts with (the screen `scrub` runs
    before its substitution; the native writer has the same one, codex_jsonl_has_trigger)."""
    return _SCREEN.search(data) is not None


def scrub_patterns(line: bytes) -> bytes:
    """`line` with every credential-shaped token replaced (the second half of `scrub`)."""
    if _SCREEN.search(line) is None:
        return line
    return _PATTERN.sub(REDACTED, line)
