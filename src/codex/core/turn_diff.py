"""TurnDiffTracker: what one turn changed on disk, as one git-style unified diff.

The first time a turn touches a path (an apply_patch add/update/delete/move, or a path a command
is known to write), its bytes, mode and blob id are snapshotted in memory. `get_unified_diff()`
compares every baseline with the file on disk now and renders `diff --git` blocks (new/deleted
file modes, mode changes, `index <old>..<new>`, `---`/`+++` headers, hunks from the native diff
engine; "Binary files differ" for non-UTF-8 content). A move re-points the baseline to the new
path, so a rename shows as one block from the old name to the new one, and a pure rename (same
bytes) shows nothing, as upstream (spec-core §5).

Blob ids are computed as git does (SHA-1 of "blob <len>\\0" + bytes) rather than by running
`git hash-object`; they differ only for files under git clean filters (e.g. autocrlf), which only
changes the informational `index` line.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path

from codex._dataclass import dataclass

ZERO_OID = "0" * 40
DEV_NULL = "/dev/null"
MODE_REGULAR = "100644"
MODE_EXECUTABLE = "100755"
MODE_SYMLINK = "120000"


@dataclass(frozen=True, slots=True)
class _Snapshot:
    content: bytes | None  # None: the file does not exist
    mode: str | None

    @property
    def oid(self) -> str:
        if self.content is None:
            return ZERO_OID
        return git_blob_oid(self.content)


def git_blob_oid(data: bytes) -> str:
    """The object id git gives these bytes as a blob."""
    import hashlib  # here: every turn makes a tracker; only a turn that patches files hashes

    h = hashlib.sha1(usedforsecurity=False)
    h.update(b"blob %d\0" % len(data))
    h.update(data)
    return h.hexdigest()


def _read(path: Path) -> _Snapshot:
    try:
        st = os.lstat(path)
    except (FileNotFoundError, NotADirectoryError):
        return _Snapshot(None, None)
    if stat.S_ISLNK(st.st_mode):
        return _Snapshot(os.fsencode(os.readlink(path)), MODE_SYMLINK)
    if not stat.S_ISREG(st.st_mode):
        return _Snapshot(None, None)
    mode = MODE_EXECUTABLE if st.st_mode & stat.S_IXUSR else MODE_REGULAR
    return _Snapshot(path.read_bytes(), mode)


def _move_target(change: object) -> str | None:
    """`move_path` of an update change (protocol FileUpdate or its wire dict), else None."""
    if isinstance(change, Mapping):
        value = change.get("move_path")
    else:
        value = getattr(change, "move_path", None)
    return str(value) if value else None


def _is_text(data: bytes | None) -> bool:
    if data is None:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class TurnDiffTracker:
    """One per turn (task): baselines in, the aggregate unified diff out."""

    def __init__(self, cwd: str | os.PathLike[str] | None = None) -> None:
        # Outside a git repository, paths are shown relative to the thread's folder (as
        # 0.169's `turn/diff/updated` names them: `a/sub/a.txt`), else absolute. Resolved when
        # first needed: every turn makes a tracker, few turns change a file.
        self._cwd_arg = cwd
        self._cwd_path: Path | None = None
        self._internal_by_path: dict[Path, int] = {}
        self._origin: dict[int, Path] = {}
        self._current: dict[int, Path] = {}
        self._baseline: dict[int, _Snapshot] = {}
        self._git_roots: dict[Path, Path | None] = {}

    @property
    def _cwd(self) -> Path | None:
        if self._cwd_path is None and self._cwd_arg is not None:
            self._cwd_path = Path(os.path.abspath(self._cwd_arg))
        return self._cwd_path

    def _track(self, path: Path) -> int:
        internal = self._internal_by_path.get(path)
        if internal is None:
            internal = len(self._baseline)
            self._internal_by_path[path] = internal
            self._origin[internal] = path
            self._current[internal] = path
            self._baseline[internal] = _read(path)
        return internal

    def on_patch_begin(self, changes: Mapping[str | os.PathLike[str], object]) -> None:
        """Call just before a patch is applied: `changes` maps absolute paths to their change."""
        for raw_path, change in changes.items():
            path = Path(os.path.abspath(raw_path))
            internal = self._track(path)
            move = _move_target(change)
            if move is None:
                continue
            dest = Path(os.path.abspath(move))
            self._internal_by_path.pop(path, None)
            self._internal_by_path[dest] = internal
            self._current[internal] = dest

    def track_paths(self, paths: Iterable[str | os.PathLike[str]]) -> None:
        """Snapshot paths something other than a patch is about to write (e.g. a command whose
        targets are known), so their changes appear in the turn diff too."""
        for raw in paths:
            self._track(Path(os.path.abspath(raw)))

    # ---- rendering -------------------------------------------------------------------------

    def _git_root(self, directory: Path) -> Path | None:
        if directory in self._git_roots:
            return self._git_roots[directory]
        root: Path | None = None
        for candidate in (directory, *directory.parents):
            if (candidate / ".git").exists():
                root = candidate
                break
        self._git_roots[directory] = root
        return root

    def _display(self, path: Path) -> str:
        root = self._git_root(path.parent)
        if root is None and self._cwd is not None and path.is_relative_to(self._cwd):
            root = self._cwd
        shown = path.relative_to(root) if root is not None else path
        return str(shown).replace("\\", "/")

    def _file_diff(self, internal: int) -> tuple[str, bytes] | None:
        old = self._baseline[internal]
        left_path, right_path = self._origin[internal], self._current[internal]
        new = _read(right_path)
        if old.content is None and new.content is None:
            return None
        if old.content == new.content:
            return None
        left, right = self._display(left_path), self._display(right_path)
        out = [f"diff --git a/{left} b/{right}\n"]
        if old.content is None:
            out.append(f"new file mode {new.mode}\n")
        elif new.content is None:
            out.append(f"deleted file mode {old.mode}\n")
        elif old.mode != new.mode:
            out.append(f"old mode {old.mode}\nnew mode {new.mode}\n")
        out.append(f"index {old.oid}..{new.oid}\n")
        out.append(f"--- {'a/' + left if old.content is not None else DEV_NULL}\n")
        out.append(f"+++ {'b/' + right if new.content is not None else DEV_NULL}\n")
        head = "".join(out).encode()
        if not (_is_text(old.content) and _is_text(new.content)):
            body = b"Binary files differ\n"
        else:
            from codex._native.diff import unified_hunks  # lazy: only a turn that edited files

            body = unified_hunks(old.content or b"", new.content or b"", 3)
        return right if new.content is not None else left, head + body

    def get_unified_diff(self) -> str | None:
        """The turn's diff so far (baselines vs disk now), or None when nothing changed."""
        blocks = [d for d in map(self._file_diff, self._baseline) if d is not None]
        if not blocks:
            return None
        blocks.sort(key=lambda b: b[0])
        text = b"".join(body if body.endswith(b"\n") else body + b"\n" for _, body in blocks)
        return text.decode("utf-8", errors="replace")
