"""Turn parsed hunks into the complete change set BEFORE anything is written.

Hunks are replayed in order over an in-memory overlay of the files they touch, so a patch that
adds and then updates a file, or moves one and edits it again, plans exactly like the sequential
upstream applier would run. Every path that would be written or removed is checked with the
caller's `is_writable(path)`; the plan records the ones refused. Reads files, never writes them.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from codex.tools.apply_patch.parser import AddFile, DeleteFile, Hunk, UpdateChunk, UpdateFile
from codex.tools.apply_patch.seek import seek_sequence

__all__ = ["ApplyPatchError", "ChangeKind", "FileChange", "PatchPlan", "plan_hunks"]


class ApplyPatchError(Exception):
    """The patch cannot be applied to these files; `str()` is upstream's message.

    `verification` is the text the official CLI's tool path reports for the same problem when it
    differs from the standalone `apply_patch` program's (the tool verifies a deletion by reading
    the file first: `Failed to read <path>: <io error>`)."""

    def __init__(self, message: str, verification: str | None = None) -> None:
        super().__init__(message)
        self.verification = verification if verification is not None else message


class ChangeKind(StrEnum):
    ADD = "add"
    DELETE = "delete"
    UPDATE = "update"


@dataclass(slots=True)
class FileChange:
    """The net effect on one path. `path` is absolute; `display_path` is as the patch wrote it."""

    kind: ChangeKind
    path: Path
    display_path: str
    new_content: str | None = None  # None for deletions
    original_content: str | None = None  # None for files that did not exist
    move_path: Path | None = None  # update with rename: the destination
    display_move_path: str | None = None
    unified_diff: str = ""
    mode: int | None = None  # permission bits of the original file, kept on rewrite
    replaced_content: str | None = None  # a rename's pre-existing target (for rollback)
    # `path` was a symbolic link to this target: a delete or rename removes the link (never its
    # target), and a rollback puts the link back rather than a regular file.
    link_target: str | None = None


@dataclass(slots=True)
class PatchPlan:
    """Everything applying the patch would do, in patch order, plus the summary lines."""

    cwd: Path
    changes: list[FileChange]
    summary: list[tuple[str, str]]  # ("A"|"M"|"D", display path), in upstream's print order
    unwritable: list[Path] = field(default_factory=list)

    def success_message(self) -> str:
        lines = "".join(f"{tag} {path}\n" for tag, path in self.summary)
        return f"Success. Updated the following files:\n{lines}"

    def touched_paths(self) -> list[Path]:
        out: list[Path] = []
        for ch in self.changes:
            out.append(ch.path)
            if ch.move_path is not None:
                out.append(ch.move_path)
        return out


def _os_error(err: OSError) -> str:
    # Rust's io::Error Display: "<description> (os error N)".
    if err.errno is not None and err.strerror:
        return f"{err.strerror} (os error {err.errno})"
    return str(err)


_MISSING = object()


class _Overlay:
    """Files as they would be after the hunks seen so far (None = deleted)."""

    def __init__(self) -> None:
        self.state: dict[Path, str | None] = {}
        self.original: dict[Path, object] = {}  # content at plan start, or _MISSING
        self.modes: dict[Path, int] = {}

    def _load(self, path: Path) -> str:
        with open(path, "rb") as fh:
            data = fh.read()
            mode = os.fstat(fh.fileno()).st_mode & 0o7777
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise OSError(0, "stream did not contain valid UTF-8") from None
        self.original.setdefault(path, text)
        self.modes.setdefault(path, mode)
        return text

    def read(self, path: Path) -> str:
        if path in self.state:
            value = self.state[path]
            if value is None:
                raise FileNotFoundError(2, "No such file or directory")
            return value
        if os.path.isdir(path):
            raise IsADirectoryError(21, "Is a directory")
        return self._load(path)

    def remember_absent(self, path: Path) -> None:
        if path not in self.state and path not in self.original:
            if os.path.lexists(path):
                try:
                    self._load(path)
                except OSError:
                    self.original[path] = _MISSING
            else:
                self.original[path] = _MISSING


def _resolve(cwd: Path, raw: str) -> Path:
    # Lexical normalisation (".." folded) as upstream does before its safety check.
    return Path(os.path.normpath(os.path.join(cwd, raw)))


def _split_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def _replacements(
    lines: list[str], display: str, chunks: list[UpdateChunk], eol: str
) -> list[tuple[int, int, list[str]]]:
    out: list[tuple[int, int, list[str]]] = []
    index = 0
    for chunk in chunks:
        if chunk.change_context is not None:
            found = seek_sequence(lines, [chunk.change_context], index)
            if found is None:
                raise ApplyPatchError(
                    f"Failed to find context '{chunk.change_context}' in {display}"
                )
            index = found + 1
        if not chunk.old_lines:
            # Pure addition: append at the end of the file.
            out.append((len(lines), 0, [t + eol for t in chunk.new_lines]))
            continue
        pattern, new = chunk.old_lines, chunk.new_lines
        found = seek_sequence(lines, pattern, index, chunk.is_end_of_file)
        if found is None and pattern[-1] == "":
            pattern = pattern[:-1]
            if new and new[-1] == "":
                new = new[:-1]
            found = seek_sequence(lines, pattern, index, chunk.is_end_of_file)
        if found is None:
            raise ApplyPatchError(
                f"Failed to find expected lines in {display}:\n" + "\n".join(chunk.old_lines)
            )
        out.append(
            (found, len(pattern), _with_file_context(lines, found, pattern, new, chunk, eol))
        )
        index = found + len(pattern)
    out.sort(key=lambda r: r[0])
    return out


def _with_file_context(
    lines: list[str],
    found: int,
    pattern: list[str],
    new: list[str],
    chunk: UpdateChunk,
    eol: str,
) -> list[str]:
    # Context lines keep the file's text (its own whitespace and punctuation), not the patch's;
    # lines the patch adds take the file's line ending.
    index = chunk.context_index
    if len(index) < len(new):
        return [t + eol for t in new]
    return [
        lines[found + i] if i is not None and i < len(pattern) else text + eol
        for text, i in zip(new, index, strict=False)
    ]


def _is_crlf(text: str) -> bool:
    # The official CLI follows the file's first line ending.
    nl = text.find("\n")
    return nl > 0 and text[nl - 1] == "\r"


def apply_chunks(original: str, display: str, chunks: list[UpdateChunk]) -> str:
    """New file content after the chunks. Like the official CLI: every line ends with a line
    break (a missing final one is added), in the file's style (CRLF files stay CRLF)."""
    lines = _split_lines(original)
    eol = "\r" if _is_crlf(original) else ""
    if eol and lines and not original.endswith("\n") and not lines[-1].endswith("\r"):
        lines[-1] += "\r"
    for start, old_len, new in reversed(_replacements(lines, display, chunks, eol)):
        lines[start : start + old_len] = new
    return "\n".join(lines) + "\n" if lines else ""


def unified_diff(old: str, new: str) -> str:
    """Hunks only (no file headers), one line of context, like upstream's change previews."""
    out: list[str] = []
    diff = difflib.unified_diff(
        old.splitlines(keepends=True), new.splitlines(keepends=True), n=1, lineterm="\n"
    )
    for n, line in enumerate(diff):
        if n < 2:
            continue  # the ---/+++ header lines
        if not line.endswith("\n"):
            line += "\n\\ No newline at end of file\n"
        out.append(line)
    return "".join(out)


def plan_hunks(
    hunks: list[Hunk],
    cwd: Path,
    is_writable: Callable[[Path], bool] | None = None,
) -> PatchPlan:
    """Compute the whole change set; raises ApplyPatchError (nothing written in any case)."""
    if not hunks:
        raise ApplyPatchError("No files were modified.")
    overlay = _Overlay()
    display: dict[Path, str] = {}
    added: list[str] = []
    modified: list[str] = []
    deleted: list[str] = []
    for hunk in hunks:
        path = _resolve(cwd, hunk.path)
        if isinstance(hunk, AddFile):
            overlay.remember_absent(path)
            overlay.state[path] = hunk.contents
            display.setdefault(path, hunk.path)
            added.append(hunk.path)
        elif isinstance(hunk, DeleteFile):
            try:
                overlay.read(path)
            except OSError as err:
                raise ApplyPatchError(
                    f"Failed to delete file {path}", f"Failed to read {path}: {_os_error(err)}"
                ) from None
            overlay.state[path] = None
            display.setdefault(path, hunk.path)
            deleted.append(hunk.path)
        elif isinstance(hunk, UpdateFile):
            try:
                original = overlay.read(path)
            except OSError as err:
                raise ApplyPatchError(
                    f"Failed to read file to update {path}: {_os_error(err)}"
                ) from None
            new = apply_chunks(original, str(path), hunk.chunks)
            display.setdefault(path, hunk.path)
            if hunk.move_path is not None:
                dest = _resolve(cwd, hunk.move_path)
                overlay.remember_absent(dest)
                overlay.state[dest] = new
                if dest != path:
                    overlay.state[path] = None
                display.setdefault(dest, hunk.move_path)
                modified.append(hunk.move_path)
            else:
                overlay.state[path] = new
                modified.append(hunk.path)
    changes = _net_changes(overlay, display, hunks, cwd)
    for change in changes:
        if os.path.islink(change.path):
            change.link_target = os.readlink(change.path)
    summary = [("A", p) for p in added] + [("M", p) for p in modified] + [("D", p) for p in deleted]
    plan = PatchPlan(cwd, changes, summary)
    if is_writable is not None:
        seen: set[Path] = set()
        for p in plan.touched_paths():
            if p not in seen:
                seen.add(p)
                if not is_writable(p):
                    plan.unwritable.append(p)
    return plan


def _net_changes(
    overlay: _Overlay, display: dict[Path, str], hunks: list[Hunk], cwd: Path
) -> list[FileChange]:
    last_op: dict[Path, type] = {}
    moves: dict[Path, Path] = {}
    for h in hunks:
        src = _resolve(cwd, h.path)
        last_op[src] = type(h)
        if isinstance(h, UpdateFile) and h.move_path is not None:
            dst = _resolve(cwd, h.move_path)
            last_op[dst] = UpdateFile
            if src != dst:
                moves[src] = dst
    # A rename is reported once, on its source, when the source is gone and the target exists.
    renames = {
        src: dst
        for src, dst in moves.items()
        if overlay.state.get(src, "") is None and overlay.state.get(dst) is not None
    }
    targets = set(renames.values())
    changes: list[FileChange] = []
    for path, final in overlay.state.items():
        if path in targets:
            continue
        before = overlay.original.get(path, _MISSING)
        old: str | None = None if before is _MISSING else before  # type: ignore[assignment]
        if path in renames:
            dest = renames[path]
            new = overlay.state[dest] or ""
            changes.append(
                FileChange(
                    ChangeKind.UPDATE,
                    path,
                    display[path],
                    new_content=new,
                    original_content=old,
                    move_path=dest,
                    display_move_path=display[dest],
                    unified_diff=unified_diff(old or "", new),
                    mode=overlay.modes.get(path),
                )
            )
            dest_before = overlay.original.get(dest, _MISSING)
            if dest_before is not _MISSING:
                # The rename overwrites an existing file: keep its content for rollback.
                changes[-1].replaced_content = dest_before  # type: ignore[assignment]
        elif final is None:
            if old is None:
                continue  # added then deleted within the same patch: no net change
            changes.append(FileChange(ChangeKind.DELETE, path, display[path], original_content=old))
        elif old is None or last_op.get(path) is AddFile:
            changes.append(
                FileChange(
                    ChangeKind.ADD,
                    path,
                    display[path],
                    new_content=final,
                    original_content=old,
                    mode=overlay.modes.get(path),
                )
            )
        else:
            changes.append(
                FileChange(
                    ChangeKind.UPDATE,
                    path,
                    display[path],
                    new_content=final,
                    original_content=old,
                    unified_diff=unified_diff(old, final),
                    mode=overlay.modes.get(path),
                )
            )
    return changes
