"""Where the prompt comes from (spec-core §4.2, as 0.169 does it): the PROMPT argument, or stdin
read to EOF when the argument is absent or `-`. With an argument AND piped stdin, 0.169 reads the
pipe too and appends what it holds as a `<stdin>` block (`git diff | codex exec "review this"`);
`exec resume ... PROMPT` does not (it neither reads nor waits for stdin).
The messages and exit code are upstream's, word for word, because scripts match on them."""

from __future__ import annotations

from typing import BinaryIO, TextIO

NO_PROMPT_TTY = (
    "No prompt provided. Either specify one as an argument or pipe the prompt into stdin."
)
NO_PROMPT_STDIN = "No prompt provided via stdin."
READING_STDIN = "Reading prompt from stdin..."
READING_ADDITIONAL = "Reading additional input from stdin..."


class PromptError(Exception):
    """No usable prompt; `str()` is upstream's message, the exit code is 1."""


def resolve_prompt(
    arg: str | None,
    stdin: BinaryIO | None,
    stdin_is_tty: bool,
    stderr: TextIO,
    *,
    required: bool = True,
    append_stdin: bool = True,
) -> str | None:
    """The prompt text. `required=False` (resume without a prompt on a TTY) may return None.
    `stdin` None (fd 0 closed) reads as empty. `append_stdin=False` (resume): a PROMPT
    argument is the whole prompt and stdin is left unread."""
    if arg is not None and arg != "-":
        if stdin_is_tty or stdin is None or not append_stdin:
            return arg
        _notice(stderr, READING_ADDITIONAL)
        piped = _read_all(stdin)
        if not piped.strip():
            return arg
        if not piped.endswith("\n"):
            piped += "\n"
        return f"{arg}\n\n<stdin>\n{piped}</stdin>"
    if arg is None and stdin_is_tty:
        if not required:
            return None
        raise PromptError(NO_PROMPT_TTY)
    if arg is None:
        _notice(stderr, READING_STDIN)
    text = _read_all(stdin) if stdin is not None else ""
    if not text.strip():
        raise PromptError(NO_PROMPT_STDIN)
    return text


def _notice(stderr: TextIO, line: str) -> None:
    stderr.write(line + "\n")
    stderr.flush()


def _read_all(stdin: BinaryIO) -> str:
    try:
        data = stdin.read()
    except OSError as err:  # a directory or a non-blocking descriptor on fd 0
        raise PromptError(f"Failed to read stdin: {err.strerror or err}") from None
    return data.decode("utf-8", errors="replace")
