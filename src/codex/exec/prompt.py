"""Where the prompt comes from (spec-core §4.2): the PROMPT argument, or stdin read to EOF when the
argument is absent or `-`. The messages and exit code are upstream's, word for word, because
scripts match on them."""

from __future__ import annotations

from typing import BinaryIO, TextIO

NO_PROMPT_TTY = (
    "No prompt provided. Either specify one as an argument or pipe the prompt into stdin."
)
NO_PROMPT_STDIN = "No prompt provided via stdin."
READING_STDIN = "Reading prompt from stdin..."


class PromptError(Exception):
    """No usable prompt; `str()` is upstream's message, the exit code is 1."""


def resolve_prompt(
    arg: str | None, stdin: BinaryIO, stdin_is_tty: bool, stderr: TextIO, *, required: bool = True
) -> str | None:
    """The prompt text. `required=False` (resume without a prompt on a TTY) may return None."""
    if arg is not None and arg != "-":
        return arg
    if arg is None and stdin_is_tty:
        if not required:
            return None
        raise PromptError(NO_PROMPT_TTY)
    if arg is None:
        stderr.write(READING_STDIN + "\n")
        stderr.flush()
    data = stdin.read()
    text = data.decode("utf-8", errors="replace")
    if not text.strip():
        raise PromptError(NO_PROMPT_STDIN)
    return text
