"""Parse the `*** Begin Patch` format into hunks; no filesystem access.

The grammar (a format fact shared with the official CLI's freeform tool) is in `grammar.py`. Like
upstream, parsing is lenient: markers may carry surrounding whitespace, the first update chunk
may omit `@@`, and a heredoc wrapper (`<<'EOF'` ... `EOF`) around the whole patch is accepted.
Error texts match upstream's so the model sees the same messages.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "AddFile",
    "DeleteFile",
    "Hunk",
    "InvalidHunk",
    "InvalidPatch",
    "ParseError",
    "ParsedPatch",
    "UpdateChunk",
    "UpdateFile",
    "parse_patch",
]

BEGIN_PATCH = "*** Begin Patch"
END_PATCH = "*** End Patch"
ADD_FILE = "*** Add File: "
DELETE_FILE = "*** Delete File: "
UPDATE_FILE = "*** Update File: "
MOVE_TO = "*** Move to: "
END_OF_FILE = "*** End of File"
CONTEXT = "@@ "
EMPTY_CONTEXT = "@@"
_HEREDOC_STARTS = ("<<EOF", "<<'EOF'", '<<"EOF"')


class ParseError(ValueError):
    """A patch that does not follow the format; `str()` is upstream's message."""


class InvalidPatch(ParseError):
    def __init__(self, message: str) -> None:
        super().__init__(f"invalid patch: {message}")
        self.message = message


class InvalidHunk(ParseError):
    def __init__(self, message: str, line_number: int) -> None:
        super().__init__(f"invalid hunk at line {line_number}, {message}")
        self.message = message
        self.line_number = line_number


@dataclass(slots=True)
class AddFile:
    path: str
    contents: str


@dataclass(slots=True)
class DeleteFile:
    path: str


@dataclass(slots=True)
class UpdateChunk:
    """One `@@` block: `old_lines` are replaced by `new_lines`, searched after `change_context`."""

    change_context: str | None
    old_lines: list[str] = field(default_factory=list)
    new_lines: list[str] = field(default_factory=list)
    is_end_of_file: bool = False
    # For each new line: the index of the old line it repeats (a context line), else None.
    # Applying keeps the file's own text for context lines, as the official CLI does.
    context_index: list[int | None] = field(default_factory=list, compare=False, repr=False)


@dataclass(slots=True)
class UpdateFile:
    path: str
    move_path: str | None
    chunks: list[UpdateChunk]


Hunk = AddFile | DeleteFile | UpdateFile


@dataclass(slots=True)
class ParsedPatch:
    hunks: list[Hunk]
    patch: str  # the patch text without any heredoc wrapper


def _lines(text: str) -> list[str]:
    # Rust's str::lines: split on \n, drop one trailing \r per line, no final empty line.
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return [ln[:-1] if ln.endswith("\r") else ln for ln in lines]


def _check_boundaries(lines: list[str]) -> None:
    first = lines[0].strip() if lines else None
    last = lines[-1].strip() if lines else None
    if first == BEGIN_PATCH and last == END_PATCH:
        return
    if first != BEGIN_PATCH:
        raise InvalidPatch("The first line of the patch must be '*** Begin Patch'")
    raise InvalidPatch("The last line of the patch must be '*** End Patch'")


def _patch_lines(lines: list[str]) -> list[str]:
    """The lines from `*** Begin Patch` to `*** End Patch`, unwrapping a heredoc if present."""
    try:
        _check_boundaries(lines)
        return lines
    except InvalidPatch as original:
        if len(lines) >= 4 and lines[0] in _HEREDOC_STARTS and lines[-1].endswith("EOF"):
            inner = lines[1:-1]
            _check_boundaries(inner)
            return inner
        raise original from None


def parse_patch(text: str) -> ParsedPatch:
    """Parse a whole patch; raises ParseError with upstream's wording."""
    lines = _patch_lines(_lines(text.strip()))
    body = lines[1:-1]
    hunks: list[Hunk] = []
    line_number = 2
    i = 0
    while i < len(body):
        hunk, used = _parse_hunk(body, i, line_number)
        hunks.append(hunk)
        line_number += used
        i += used
    return ParsedPatch(hunks, "\n".join(lines))


def _parse_hunk(lines: list[str], start: int, line_number: int) -> tuple[Hunk, int]:
    first = lines[start].strip()
    if first.startswith(ADD_FILE):
        parts: list[str] = []
        i = start + 1
        while i < len(lines) and lines[i].startswith("+"):
            parts.append(lines[i][1:])
            parts.append("\n")
            i += 1
        return AddFile(first[len(ADD_FILE) :], "".join(parts)), i - start
    if first.startswith(DELETE_FILE):
        return DeleteFile(first[len(DELETE_FILE) :]), 1
    if first.startswith(UPDATE_FILE):
        path = first[len(UPDATE_FILE) :]
        i = start + 1
        move_path = None
        if i < len(lines) and lines[i].startswith(MOVE_TO):
            move_path = lines[i][len(MOVE_TO) :]
            i += 1
        chunks: list[UpdateChunk] = []
        while i < len(lines):
            line = lines[i]
            if not line.strip():
                i += 1  # blank lines between chunks
                continue
            if line.startswith("*"):
                break
            chunk, used = _parse_chunk(lines, i, line_number + (i - start), not chunks)
            chunks.append(chunk)
            i += used
        if not chunks:
            raise InvalidHunk(f"Update file hunk for path '{path}' is empty", line_number)
        return UpdateFile(path, move_path, chunks), i - start
    raise InvalidHunk(
        f"'{first}' is not a valid hunk header. Valid hunk headers: '*** Add File: {{path}}', "
        "'*** Delete File: {path}', '*** Update File: {path}'",
        line_number,
    )


def _parse_chunk(
    lines: list[str], start: int, line_number: int, allow_missing_context: bool
) -> tuple[UpdateChunk, int]:
    head = lines[start]
    if head.rstrip() == EMPTY_CONTEXT:
        context, skip = None, 1  # "@@" (the official CLI also takes "@@ " as no context)
    elif head.startswith(CONTEXT):
        context, skip = head[len(CONTEXT) :], 1
    elif allow_missing_context:
        context, skip = None, 0
    else:
        raise InvalidHunk(
            f"Expected update hunk to start with a @@ context marker, got: '{head}'", line_number
        )
    if start + skip >= len(lines):
        raise InvalidHunk("Update hunk does not contain any lines", line_number + 1)
    chunk = UpdateChunk(context)
    parsed = 0
    for line in lines[start + skip :]:
        if line == END_OF_FILE:
            if parsed == 0:
                raise InvalidHunk("Update hunk does not contain any lines", line_number + 1)
            chunk.is_end_of_file = True
            parsed += 1
            break
        if not line:
            chunk.context_index.append(len(chunk.old_lines))
            chunk.old_lines.append("")
            chunk.new_lines.append("")
        else:
            marker = line[0]
            if marker == " ":
                chunk.context_index.append(len(chunk.old_lines))
                chunk.old_lines.append(line[1:])
                chunk.new_lines.append(line[1:])
            elif marker == "+":
                chunk.context_index.append(None)
                chunk.new_lines.append(line[1:])
            elif marker == "-":
                chunk.old_lines.append(line[1:])
            else:
                if parsed == 0:
                    raise InvalidHunk(
                        f"Unexpected line found in update hunk: '{line}'. Every line should start "
                        "with ' ' (context line), '+' (added line), or '-' (removed line)",
                        line_number + 1,
                    )
                break  # the next chunk or hunk starts here
        parsed += 1
    return chunk, parsed + skip
