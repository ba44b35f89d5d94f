"""Where the prompt comes from (spec-core §4.2, as 0.169 does it): the PROMPT argument, or stdin
read to EOF when the argument is absent or `-`. With an argument AND piped stdin, 0.169 reads the
pipe too and appends what it holds as a `<stdin>` block (`git diff | codex exec "review this"`);
`exec resume ... PROMPT` does not (it neither reads nor waits for stdin).
The messages and exit code are upstream's, word for word, because scripts match on them."""

from __future__ import annotations

import errno
import os
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
        if data is None:  # a non-blocking descriptor with nothing to read yet
            raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))
    except OSError as err:
        detail = f"{err.strerror} (os error {err.errno})" if err.errno else str(err)
        raise PromptError(f"Failed to read prompt from stdin: {detail}") from None
    try:
        return decode_stdin(data)
    except ValueError as err:
        raise PromptError(f"Failed to read prompt from stdin: {err}") from None


def decode_stdin(data: bytes) -> str:
    """The text of piped input as 0.169 reads it: UTF-8 (a UTF-8 byte order mark dropped), or
    UTF-16 when it starts with a UTF-16 mark; anything else is refused with upstream's words
    (ValueError), never silently mangled."""
    retry = "Convert it to UTF-8 and retry"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith(b"\xff\xfe\x00\x00"):
        raise ValueError(f"input appears to be UTF-32LE. {retry}.")
    if data.startswith(b"\x00\x00\xfe\xff"):
        raise ValueError(f"input appears to be UTF-32BE. {retry}.")
    for mark, codec, name in (
        (b"\xff\xfe", "utf-16-le", "UTF-16LE"),
        (b"\xfe\xff", "utf-16-be", "UTF-16BE"),
    ):
        if data.startswith(mark):
            body = data[len(mark) :]
            try:
                if len(body) % 2 == 0:
                    return body.decode(codec)
            except UnicodeDecodeError:
                pass
            raise ValueError(f"input looked like {name} but could not be decoded. {retry}.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise ValueError(
            f"input is not valid UTF-8 (invalid byte at offset {err.start}). {retry} "
            "(e.g., `iconv -f <ENC> -t UTF-8 prompt.txt`)."
        ) from None
