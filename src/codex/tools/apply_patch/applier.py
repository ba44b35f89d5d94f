"""Write a planned patch to disk: all of it, or none of it.

Phase one stages every new file content in a temporary file beside its target (creating missing
parent directories); any failure removes what was staged. Phase two renames the staged files into
place and removes deleted files; if a step fails there, the files already changed are restored from
the contents the planner read. This is the only module of `codex.tools` that writes files.

Symbolic links behave as in the official CLI (which writes with plain `write`/`unlink` calls): a
write to a link goes to the file it points at and the link stays a link (a dangling link's target
is created); deleting or renaming a link removes the link itself, never its target. A file with
several hard links is rewritten in place, so the links stay one file.

`can_write` plays the sandbox's part for this in-process writer: the caller's writable-path check
before the patch is lexical (a link inside the workspace passes, as in the official CLI), so the
real location of every write and removal (links resolved) is checked here, before anything is
written; a refusal fails the patch the way a sandbox denial fails the official one.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from codex.tools.apply_patch.planner import ApplyPatchError, ChangeKind, FileChange, PatchPlan

__all__ = ["PatchRejected", "apply_plan"]


class PatchRejected(ApplyPatchError):
    """The plan touches paths the caller's `is_writable` refused; nothing was written."""

    def __init__(self, paths: list[Path]) -> None:
        listed = ", ".join(str(p) for p in paths)
        super().__init__(f"patch rejected: writing outside of the writable roots: {listed}")
        self.paths = paths


@dataclass(slots=True)
class _Staged:
    target: Path
    temp: Path


def _make_parents(path: Path, created: list[Path]) -> None:
    missing: list[Path] = []
    parent = path.parent
    while not parent.exists():
        missing.append(parent)
        parent = parent.parent
    for d in reversed(missing):
        try:
            d.mkdir()
        except OSError as err:
            raise ApplyPatchError(
                f"Failed to create parent directories for {path}: {err.strerror or err}"
            ) from None
        created.append(d)


def _stage(path: Path, content: str, mode: int | None, created: list[Path]) -> _Staged:
    _make_parents(path, created)
    # Staged beside the file really written, so the final rename replaces it and not a link.
    target = _write_destination(path)
    try:
        fd, name = tempfile.mkstemp(
            prefix=f".{target.name}.", suffix=".codex-patch", dir=target.parent
        )
    except OSError as err:
        raise ApplyPatchError(f"Failed to write file {path}: {err.strerror or err}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(content.encode("utf-8"))
        if mode is not None:
            os.chmod(name, mode)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(name, 0o666 & ~umask)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(name)
        raise ApplyPatchError(f"Failed to write file {path}: {err.strerror or err}") from None
    return _Staged(target, Path(name))


def _install(st: _Staged) -> None:
    """Put the staged content in place: a rename, or, for a file with other hard links, a write
    into the same inode (as the official CLI writes), so every name keeps seeing the file."""
    try:
        shared = os.stat(st.target).st_nlink > 1
    except FileNotFoundError:
        shared = False
    if not shared:
        os.replace(st.temp, st.target)
        return
    with open(st.temp, "rb") as src, open(st.target, "r+b") as dst:
        dst.write(src.read())
        dst.truncate()
    os.unlink(st.temp)


def _writes(change: FileChange) -> tuple[Path, str] | None:
    if change.kind is ChangeKind.DELETE:
        return None
    target = change.move_path if change.move_path is not None else change.path
    return target, change.new_content or ""


def _restore(path: Path, content: str | None) -> None:
    with contextlib.suppress(OSError):
        if content is None:
            os.unlink(path)
        else:
            path.write_text(content, encoding="utf-8")


def _write_destination(target: Path) -> Path:
    """Where writing `target` lands: through a symbolic link (chains followed), else itself."""
    return Path(os.path.realpath(target)) if os.path.islink(target) else target


def _real_location(path: Path, *, removing: bool) -> Path:
    """The real path a write (the file a link leads to) or a removal (the entry itself, in its
    real directory) touches: what a kernel sandbox would check."""
    if removing:
        return Path(os.path.realpath(path.parent)) / path.name
    return Path(os.path.realpath(path))


def _check_sandbox(plan: PatchPlan, can_write: Callable[[Path], bool]) -> None:
    for change in plan.changes:
        write = _writes(change)
        if write is not None and not can_write(_real_location(write[0], removing=False)):
            raise ApplyPatchError(f"Failed to write file {write[0]}")
        removes = change.kind is ChangeKind.DELETE or (
            change.move_path is not None and change.move_path != change.path
        )
        if removes and not can_write(_real_location(change.path, removing=True)):
            raise ApplyPatchError(f"Failed to delete file {change.path}")


def apply_plan(
    plan: PatchPlan,
    *,
    allow_unwritable: bool = False,
    can_write: Callable[[Path], bool] | None = None,
) -> str:
    """Apply every change of `plan`; returns upstream's success text. Raises ApplyPatchError
    (PatchRejected for refused paths) with the filesystem as it was before the call.

    `can_write(real_path)`, when given, must accept the real location of every write and removal
    (see the module docstring); otherwise the patch fails with `Failed to write file <path>`."""
    if plan.unwritable and not allow_unwritable:
        raise PatchRejected(plan.unwritable)
    if can_write is not None:
        _check_sandbox(plan, can_write)
    created: list[Path] = []
    staged: list[tuple[FileChange, _Staged]] = []
    try:
        for change in plan.changes:
            write = _writes(change)
            if write is not None:
                staged.append((change, _stage(write[0], write[1], change.mode, created)))
            elif not change.path.is_file():
                raise ApplyPatchError(f"Failed to delete file {change.display_path}")
    except BaseException:
        for _, st in staged:
            with contextlib.suppress(OSError):
                os.unlink(st.temp)
        for d in reversed(created):
            with contextlib.suppress(OSError):
                d.rmdir()
        raise
    done: list[FileChange] = []
    by_change = {id(ch): st for ch, st in staged}
    try:
        for change in plan.changes:
            st = by_change.get(id(change))
            if st is not None:
                _install(st)
            if change.kind is ChangeKind.DELETE or (
                change.move_path is not None and change.move_path != change.path
            ):
                os.unlink(change.path)
            done.append(change)
    except OSError as err:
        _rollback(done, change, by_change)
        for d in reversed(created):
            with contextlib.suppress(OSError):
                d.rmdir()
        raise ApplyPatchError(
            f"Failed to write file {change.path}: {err.strerror or err}"
        ) from None
    return plan.success_message()


def _restore_removed(change: FileChange) -> None:
    """Put back a path a delete or rename removed: the link itself if it was one."""
    if change.link_target is None:
        _restore(change.path, change.original_content)
    elif not os.path.lexists(change.path):
        with contextlib.suppress(OSError):
            os.symlink(change.link_target, change.path)


def _rollback(done: list[FileChange], failed: FileChange, by_change: dict[int, _Staged]) -> None:
    for change in [*done, failed]:
        st = by_change.get(id(change))
        moved = change.move_path is not None and change.move_path != change.path
        if st is not None:
            # The file really written (a link's target): back to what it held, or gone.
            _restore(st.target, change.replaced_content if moved else change.original_content)
        if moved or change.kind is ChangeKind.DELETE:
            _restore_removed(change)
    for st in by_change.values():
        with contextlib.suppress(OSError):
            os.unlink(st.temp)
