"""A shadow git store of a work tree's files: checkpoints that undo can restore byte for byte.

Why git plumbing: it is content addressed (a checkpoint after the first only hashes what changed,
thanks to the index's stat cache), handles modes and symlinks, and reads `.gitignore` files. The
store has its own GIT_DIR and GIT_INDEX_FILE under `$CODEX_HOME/checkpoints/<key>`, and runs with
no system/global config and no hooks, so the user's `.git` (index, refs, stash, hooks, config) is
never read for writing nor touched; a plain directory that is not a repository works the same.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import stat
import subprocess
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SIZE_LIMIT", "CheckpointError", "CheckpointId", "CheckpointStore", "RestoreResult"]

SIZE_LIMIT = 10 * 1024 * 1024  # files larger than this are not checkpointed (noted instead)

CheckpointId = str  # a commit id in the shadow store

# Always left out: the user's repository, nested repositories, and our own bookkeeping.
_EXCLUDE = ".git\n.git/\n"


class CheckpointError(Exception):
    """The shadow store could not do what was asked (git missing, bad id, ...)."""


@dataclass(slots=True)
class RestoreResult:
    """What a restore did (or, with `applied=False`, would do / refused to do)."""

    before: CheckpointId  # the tree as it was just before the restore (redo goes back to it)
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # changed by hand since `expected`
    applied: bool = False


def store_key(work_tree: Path) -> str:
    """Directory name of a work tree's store: readable tail plus a hash of the full path."""
    real = os.path.realpath(work_tree)
    digest = hashlib.sha256(real.encode()).hexdigest()[:16]
    tail = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(real).name)[:32]
    return f"{tail or 'root'}-{digest}"


class CheckpointStore:
    """Checkpoints of one work tree (`work_tree`) kept under `codex_home/checkpoints/`."""

    def __init__(self, codex_home: Path, work_tree: Path, *, size_limit: int = SIZE_LIMIT) -> None:
        self.work_tree = Path(os.path.realpath(work_tree))
        self.git_dir = Path(codex_home) / "checkpoints" / store_key(self.work_tree)
        self.size_limit = size_limit
        self.skipped: list[str] = []  # large files left out by the last checkpoint
        self._env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("GIT_")},
            "GIT_DIR": str(self.git_dir),
            "GIT_WORK_TREE": str(self.work_tree),
            "GIT_INDEX_FILE": str(self.git_dir / "index"),
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_CONFIG_GLOBAL": os.devnull,
            "GIT_AUTHOR_NAME": "codex",
            "GIT_AUTHOR_EMAIL": "codex@localhost",
            "GIT_COMMITTER_NAME": "codex",
            "GIT_COMMITTER_EMAIL": "codex@localhost",
            "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0",
            "LC_ALL": "C",
        }

    # -- plumbing -----------------------------------------------------------------------------

    def _git(
        self, *args: str, stdin: bytes | None = None, index: Path | None = None, check: bool = True
    ) -> bytes:
        env = self._env if index is None else {**self._env, "GIT_INDEX_FILE": str(index)}
        cmd = [
            "git",
            "-c", "core.hooksPath=" + os.devnull,
            "-c", "core.autocrlf=false",
            "-c", "core.safecrlf=false",
            "-c", "core.symlinks=true",
            "-c", "core.fileMode=true",
            "-c", "core.fsmonitor=false",
            "-c", "core.excludesFile=" + os.devnull,
            "-c", "core.untrackedCache=true",
            "-c", "core.quotePath=false",
            "-c", "gc.auto=0",
            "-c", "safe.directory=*",
            *args,
        ]  # fmt: skip
        try:
            proc = subprocess.run(
                cmd, input=stdin, env=env, cwd=self.work_tree, capture_output=True, check=False
            )
        except FileNotFoundError as exc:
            raise CheckpointError("git is not installed") from exc
        if check and proc.returncode != 0:
            msg = proc.stderr.decode(errors="replace").strip()
            raise CheckpointError(f"git {args[0]} failed: {msg}")
        return proc.stdout

    def _ensure(self) -> None:
        if (self.git_dir / "HEAD").exists():
            return
        self.git_dir.mkdir(parents=True, exist_ok=True)
        self._git("init", "-q", "--template=")
        self._git("config", "core.bare", "false")
        (self.git_dir / "info").mkdir(exist_ok=True)
        (self.git_dir / "info" / "exclude").write_text(_EXCLUDE)
        (self.git_dir / "worktree").write_text(str(self.work_tree) + "\n")

    def _ref(self) -> CheckpointId | None:
        """The newest checkpoint, read from the loose ref file (we never pack refs): one git
        process less per checkpoint."""
        try:
            value = (self.git_dir / "refs" / "heads" / "checkpoints").read_text().strip()
        except OSError:
            return None
        return value or None

    def _scan(self) -> tuple[list[str], list[str], list[str]]:
        """One pass over the work tree: (paths to stage, large files, nested repositories).

        `ls-files -t -o -m -d` lists untracked (`?`), modified (`C`) and deleted (`R`) files
        against the shadow index, using its stat cache, so a tree where few files changed costs
        one stat per file and nothing else. Large files and nested repositories (git lists those
        as `dir/`) are left out; a large file the index still holds must leave it."""
        out = self._git("ls-files", "-z", "-t", "-o", "-m", "-d", "--exclude-standard")
        stage: dict[str, None] = {}
        big: list[str] = []
        nested: list[str] = []
        for raw in out.split(b"\0"):
            if len(raw) < 3:
                continue
            tag, rel = raw[:1], os.fsdecode(raw[2:])
            if tag == b"?" and rel.endswith("/"):
                nested.append(rel.rstrip("/"))
                continue
            if tag != b"R":
                try:
                    st = os.lstat(self.work_tree / rel)
                except OSError:
                    st = None  # gone since the scan: staged as a deletion
                if st is not None and st.st_size > self.size_limit and stat.S_ISREG(st.st_mode):
                    if rel not in big:
                        big.append(rel)
                    continue
            stage[rel] = None
        return list(stage), big, nested

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer per store at a time: sessions of several processes in one work tree share
        its index, and git refuses a second writer (`index.lock exists`) instead of waiting."""
        self.git_dir.mkdir(parents=True, exist_ok=True)
        with open(self.git_dir / "codex.lock", "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                self._ensure()
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    # -- public -------------------------------------------------------------------------------

    def checkpoint(self, label: str) -> CheckpointId:
        """Snapshot the work tree (untracked files included, ignored and large files left out).

        When nothing changed since the newest checkpoint (the common case before a tool call, or
        after a turn that only read), that checkpoint is the answer: the index and the newest
        checkpoint always hold the same tree, since only `checkpoint` writes either, under the
        store's lock."""
        with self._locked():
            return self._checkpoint_locked(label)

    def _checkpoint_locked(self, label: str) -> CheckpointId:
        stage, big, _nested = self._scan()
        self.skipped = big
        parent = self._ref()
        tracked_big = sorted(self._tracked(big)) if big else []
        if parent is not None and not stage and not tracked_big:
            return parent
        if stage:
            self._git(
                "add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul",
                stdin=b"\0".join(os.fsencode(":(literal)" + p) for p in stage),
            )  # fmt: skip
        if tracked_big:
            self._git("rm", "-q", "--cached", "--ignore-unmatch", "--", *tracked_big)
        tree = self._git("write-tree").decode().strip()
        parent_args = ["-p", parent] if parent else []
        note = label + ("\n\nskipped (over size limit): " + ", ".join(big) if big else "")
        commit = self._git("commit-tree", tree, *parent_args, "-m", note).decode().strip()
        self._git("update-ref", "refs/heads/checkpoints", commit)
        return commit

    def _tracked(self, paths: list[str]) -> set[str]:
        out = self._git("ls-files", "-z", "--", *(":(literal)" + p for p in paths))
        return {os.fsdecode(p) for p in out.split(b"\0") if p}

    def _raw_changes(self, a: CheckpointId, b: CheckpointId) -> list[tuple[str, str, str, str]]:
        """(status, path, new mode, new blob id) for every file that differs from `a` to `b`."""
        out = self._git("diff-tree", "-r", "-z", "--no-renames", a, b)
        parts = out.split(b"\0")
        changes: list[tuple[str, str, str, str]] = []
        for i in range(0, len(parts) - 1, 2):
            meta = parts[i].decode()
            if not meta.startswith(":"):
                continue
            _old_mode, new_mode, _old_id, new_id, status = meta[1:].split(" ")
            changes.append((status[:1], os.fsdecode(parts[i + 1]), new_mode, new_id))
        return changes

    def changed(self, a: CheckpointId, b: CheckpointId) -> list[tuple[str, str]]:
        """(status letter, path) for every file that differs between two checkpoints."""
        return [(status, path) for status, path, _, _ in self._raw_changes(a, b)]

    def diff(self, a: CheckpointId, b: CheckpointId) -> str:
        """A unified diff (binary-safe) from checkpoint `a` to `b`."""
        return self._git("diff-tree", "-r", "-p", "--binary", "--no-renames", a, b).decode(
            errors="replace"
        )

    def restore(
        self,
        target: CheckpointId,
        *,
        expected: CheckpointId | None = None,
        force: bool = False,
        dry_run: bool = False,
        paths: Collection[str] | None = None,
    ) -> RestoreResult:
        """Make the work tree equal to `target` (for the files checkpoints cover).

        The current tree is checkpointed first (so the restore can itself be taken back). When
        `expected` is given (the tree as the agent left it), files that differ from it now were
        changed by hand: if the restore would overwrite them it refuses (`conflicts`), unless
        `force`. `paths` limits the restore to those files (what one session's turns changed,
        when another session works in the same tree).
        """
        with self._locked():
            before = self._checkpoint_locked(f"before restore to {target}")
            result = RestoreResult(before=before)
            try:
                changes = self._raw_changes(before, target)
            except CheckpointError as exc:
                raise CheckpointError(f"no such checkpoint: {target}") from exc
            if paths is not None:
                wanted = set(paths)
                changes = [c for c in changes if c[1] in wanted]
            touched = {c[1] for c in changes}
            if expected is not None and expected != before:
                hand = {path for _, path in self.changed(expected, before)}
                result.conflicts = sorted(hand & touched)
            result.deleted = sorted(c[1] for c in changes if c[0] == "D")
            result.written = sorted(c[1] for c in changes if c[0] != "D")
            if dry_run or (result.conflicts and not force):
                return result
            blocked = self._behind_symlinks(result.written, set(result.deleted))
            if blocked:
                raise CheckpointError(
                    "refusing to write through a symbolic link: " + ", ".join(blocked)
                )
            for rel in result.deleted:
                path = self.work_tree / rel
                if path.is_symlink() or path.is_file():
                    path.unlink()
                self._prune_empty_dirs(path.parent)
            self._write_blobs([c for c in changes if c[0] != "D"])
            result.applied = True
            return result

    def _behind_symlinks(self, written: list[str], deleted: set[str]) -> list[str]:
        """Files whose parent directory is now a symlink the restore would not remove: writing
        them would follow the link out of the work tree (git's checkout refuses the same)."""
        blocked: list[str] = []
        for rel in written:
            parts = Path(rel).parts[:-1]
            for i in range(1, len(parts) + 1):
                prefix = "/".join(parts[:i])
                if prefix not in deleted and (self.work_tree / prefix).is_symlink():
                    blocked.append(rel)
                    break
        return blocked

    def _write_blobs(self, changes: list[tuple[str, str, str, str]]) -> None:
        """Write each file's content from the store: one `cat-file --batch` for all of them, each
        file replaced atomically (a crash mid-restore leaves whole files, old or new)."""
        files = [c for c in changes if c[2] != "160000"]  # gitlinks are never stored
        if not files:
            return
        ids = "".join(c[3] + "\n" for c in files).encode()
        out = self._git("cat-file", "--batch", stdin=ids)
        pos = 0
        for _status, rel, mode, _blob in files:
            header_end = out.index(b"\n", pos)
            size = int(out[pos:header_end].split(b" ")[2])
            data = out[header_end + 1 : header_end + 1 + size]
            pos = header_end + 1 + size + 1
            path = self.work_tree / rel
            if path.is_dir() and not path.is_symlink():
                try:
                    path.rmdir()  # a directory became a file; its stored files are gone by now
                except OSError as exc:
                    raise CheckpointError(f"{rel} is a directory with files left in it") from exc
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.name}.codex-restore-{os.getpid()}")
            if mode == "120000":
                os.symlink(os.fsdecode(data), tmp)
            else:
                with open(tmp, "wb") as fh:
                    fh.write(data)
                os.chmod(tmp, 0o755 if mode == "100755" else 0o644)
            os.replace(tmp, path)

    def _prune_empty_dirs(self, path: Path) -> None:
        """Directories left empty by deleting files the agent created go too."""
        while path != self.work_tree and self.work_tree in path.parents:
            try:
                path.rmdir()
            except OSError:
                return
            path = path.parent
