"""A shadow git store of a work tree's files: checkpoints that undo can restore byte for byte.

Why git plumbing: it is content addressed (a checkpoint after the first only hashes what changed,
thanks to the index's stat cache), handles modes and symlinks, and reads `.gitignore` files. The
store has its own GIT_DIR and GIT_INDEX_FILE under `$CODEX_HOME/checkpoints/<key>`, and runs with
no system/global config and no hooks, so the user's `.git` (index, refs, stash, hooks, config) is
never read for writing nor touched; a plain directory that is not a repository works the same.
git scans the tree (`ls-files`, with the index as its stat cache and its own `.gitignore`
rules); a checkpoint that changed few files is then written by codex itself without touching
the index (codex.core.checkpoints.fastpath), a larger one by `git add` and `write-tree`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import subprocess
import time
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import codex.core.checkpoints.fastpath as fastpath
import codex.core.checkpoints.objects as objects
from codex import _filelock
from codex._atomic import default_file_mode

__all__ = ["SIZE_LIMIT", "CheckpointError", "CheckpointId", "CheckpointStore", "RestoreResult"]

SIZE_LIMIT = 10 * 1024 * 1024  # files larger than this are not checkpointed (noted instead)

CheckpointId = str  # a commit id in the shadow store

# Always left out: the user's repository, nested repositories, and our own bookkeeping.
_EXCLUDE = ".git\n.git/\n"
# The commit message line listing the files a checkpoint left out for their size (JSON).
_SKIPPED = "skipped (over size limit): "
_REF = "refs/heads/checkpoints"
# What sends a checkpoint down git's path: the fast path declined, a packed tree, or a damaged
# side table or tree object (only git's path is trusted then).
_FALLBACK = (fastpath.Fallback, objects.Missing, OSError, ValueError, LookupError, TypeError)
_BULK = 256  # files staged at once above which their blobs are written as one pack


class CheckpointError(Exception):
    """The shadow store could not do what was asked (git missing, bad id, ...)."""


@dataclass(slots=True)
class RestoreResult:
    """What a restore did (or, with `applied=False`, would do / refused to do)."""

    before: CheckpointId  # the tree as it was just before the restore (redo goes back to it)
    written: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # changed by hand since `expected`
    # Not in the checkpoint but not the turn's either, so never deleted: files over the size
    # limit then, and files its `.gitignore` rules ignore (a turn that un-ignored `.env` made
    # it part of its checkpoint; undoing the turn must not delete the user's `.env`).
    kept: list[str] = field(default_factory=list)
    applied: bool = False


def _pattern(rel: str) -> str:
    """An anchored gitignore pattern matching exactly the directory `rel`."""
    escaped = "".join("\\" + c if c in "*?[]\\!# " else c for c in rel)
    return "/" + escaped + "/"


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
        self._notes: dict[CheckpointId, list[str]] = {}  # a checkpoint's skipped files
        # Our own files never go into a checkpoint: with $CODEX_HOME inside the work tree (a
        # project-local CODEX_HOME, or a session in the home directory) the store would
        # snapshot itself, and an undo would roll back the session's own rollout and logs.
        self._exclude = _EXCLUDE
        self._home_rel: str | None = None
        home = Path(os.path.realpath(codex_home))
        if home == self.work_tree or self.work_tree in home.parents:
            rel = self._home_rel = home.relative_to(self.work_tree).as_posix()
            if "\n" not in rel:
                self._exclude += "/*\n" if rel == "." else _pattern(rel) + "\n"
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
        exclude = self.git_dir / "info" / "exclude"
        if (self.git_dir / "HEAD").exists():
            try:
                current = exclude.read_text()
            except OSError:
                current = ""
            if current != self._exclude:  # a store made before our home was excluded
                exclude.parent.mkdir(exist_ok=True)
                exclude.write_text(self._exclude)
                self._drop_excluded()
            return
        self.git_dir.mkdir(parents=True, exist_ok=True)
        self._git("init", "-q", "--template=")
        self._git("config", "core.bare", "false")
        exclude.parent.mkdir(exist_ok=True)
        exclude.write_text(self._exclude)
        (self.git_dir / "worktree").write_text(str(self.work_tree) + "\n")

    def _drop_excluded(self) -> None:
        """Files the index holds that the exclude rules now leave out leave the index."""
        pending = fastpath.load(self.git_dir, self._ref())
        if pending is not None and pending["files"]:
            # The index up to the checkpoint first (see `_checkpoint_locked`).
            self._git("read-tree", "--reset", pending["tree"])
        out = self._git("ls-files", "-z", "-c", "-i", "--exclude-standard")
        if out:
            self._git("update-index", "-z", "--force-remove", "--stdin", stdin=out)

    def _ref(self) -> CheckpointId | None:
        """The newest checkpoint, read from the loose ref file (we never pack refs): one git
        process less per checkpoint."""
        try:
            value = (self.git_dir / "refs" / "heads" / "checkpoints").read_text().strip()
        except OSError:
            return None
        return value or None

    def _scan(self) -> tuple[list[str], list[str], list[str]]:
        """One pass over the work tree: (paths to add, paths to drop from the index, large
        files).

        `ls-files -t -o -m -d` lists untracked (`?`), modified (`C`) and deleted (`R`) files
        against the shadow index, using its stat cache, so a tree where few files changed costs
        one stat per file and nothing else. Large files and nested repositories (git lists those
        as `dir/`) are left out. A file the index holds leaves it when it is gone, too large,
        now a directory (it may be a nested repository, which `git add` would refuse or store
        as a gitlink) or beyond a symbolic link (which `git add` refuses): every later
        checkpoint failed on those."""
        out = self._git("ls-files", "-z", "-t", "-o", "-m", "-d", "--exclude-standard")
        tags: dict[str, bytes] = {}
        for raw in out.split(b"\0"):
            if len(raw) < 3:
                continue
            tag, rel = raw[:1], os.fsdecode(raw[2:])
            if tag == b"?" and rel.endswith("/"):
                continue  # a nested repository: its own history keeps it
            tags[rel] = tags.get(rel, b"") + tag
        add: list[str] = []
        drop: list[str] = []
        big: list[str] = []
        for rel, tag in tags.items():
            tracked = tag != b"?"
            if b"R" in tag:  # deleted, or beyond a symlink (git's own verdict)
                drop.append(rel)
                continue
            try:
                st = os.lstat(self.work_tree / rel)
            except OSError:
                if tracked:
                    drop.append(rel)  # gone since the scan
                continue
            if stat.S_ISDIR(st.st_mode):
                if tracked:
                    drop.append(rel)  # its files, if any, are listed on their own
            elif st.st_size > self.size_limit and stat.S_ISREG(st.st_mode):
                big.append(rel)
                if tracked:
                    drop.append(rel)  # the index holds its smaller past
            else:
                add.append(rel)
        big.sort()
        return add, drop, big

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """One writer per store at a time: sessions of several processes in one work tree share
        its index, and git refuses a second writer (`index.lock exists`) instead of waiting."""
        self.git_dir.mkdir(parents=True, exist_ok=True)
        with open(self.git_dir / "codex.lock", "a+b") as fh:
            _filelock.lock(fh.fileno())  # fcntl is POSIX-only: Windows locks via msvcrt
            try:
                self._ensure()
                yield
            finally:
                _filelock.unlock(fh.fileno())

    # -- public -------------------------------------------------------------------------------

    def checkpoint(self, label: str) -> CheckpointId:
        """Snapshot the work tree (untracked files included, ignored and large files left out).

        When nothing changed since the newest checkpoint (the common case before a tool call, or
        after a turn that only read), that checkpoint is the answer. Only `checkpoint` writes
        the index, the side table and the ref, under the store's lock, so the newest
        checkpoint's tree is always the index with the side table's files applied."""
        with self._locked():
            try:
                return self._checkpoint_locked(label)
            except CheckpointError:
                self._repair()  # a corrupt store must not lose every later checkpoint
                return self._checkpoint_locked(label)

    def _repair(self) -> None:
        """Make a damaged store usable again: the index is only a cache of the newest
        checkpoint (rebuilt from the tree), a ref naming no commit is dropped (the next
        checkpoint starts a new line), and a store git cannot open at all (HEAD or objects
        gone) is moved aside next to it and started afresh, the lock and the undo log kept."""
        with contextlib.suppress(OSError):
            (self.git_dir / "index").unlink()
        fastpath.drop(self.git_dir)  # it describes the index just removed
        self._notes.clear()
        ref = self._ref()
        if self._git("rev-parse", "--git-dir", check=False).strip():
            if ref is not None:
                kind = self._git("cat-file", "-t", ref, check=False).strip()
                if kind != b"commit":
                    with contextlib.suppress(OSError):
                        (self.git_dir / "refs" / "heads" / "checkpoints").unlink()
            return
        aside = self.git_dir.with_name(f"{self.git_dir.name}.broken-{time.time_ns()}")
        aside.mkdir(parents=True, exist_ok=True)
        for entry in self.git_dir.iterdir():
            if entry.name not in ("codex.lock", "undo-log.jsonl"):
                os.replace(entry, aside / entry.name)
        self._ensure()

    def _checkpoint_locked(self, label: str) -> CheckpointId:
        start_ns = time.time_ns()
        add, drop, big = self._scan()
        self.skipped = big
        parent = self._ref()
        pending = fastpath.load(self.git_dir, parent)
        if parent is not None and pending is not None:
            if isinstance(pending.get("skipped"), list):
                self._notes.setdefault(parent, pending["skipped"])
            try:
                tree, files = fastpath.take(
                    self.work_tree, self.git_dir, pending, add, drop, big,
                    self.size_limit, start_ns,
                )  # fmt: skip
            except _FALLBACK:
                pass  # git takes this one, from the index brought up to `parent`
            else:
                if tree == pending["tree"] and self.note(parent) == big:
                    if files != pending["files"]:
                        fastpath.save(self.git_dir, parent, tree, files, big)
                    return parent
                commit = objects.write_commit(self.git_dir, tree, parent, self._message(label))
                objects.set_ref(self.git_dir, _REF, commit)
                fastpath.save(self.git_dir, commit, tree, files, big)
                self._notes[commit] = list(big)
                return commit
            if pending["files"]:
                self._git("read-tree", "--reset", pending["tree"])  # stat data of equal files kept
                add, drop, big = self._scan()
                self.skipped = big
        if drop:
            # update-index, not `git rm --cached`: no pathspec magic in the names (a file named
            # `*` would unstage every file) and no "staged content differs" refusal, which
            # failed every later checkpoint once a checkpointed file grew over the limit.
            self._git(
                "update-index", "-z", "--force-remove", "--stdin",
                stdin=b"".join(os.fsencode(p) + b"\0" for p in drop),
            )  # fmt: skip
        if add:
            # Many new files (a work tree's first checkpoint): every blob goes into one pack
            # (git's bulk check-in for files over core.bigFileThreshold) instead of a loose
            # object file each; 10,000 files took ~10 s of mostly file system time that way.
            # A few files stay loose objects: a pack per small checkpoint would pile up.
            bulk = ("-c", "core.bigFileThreshold=1") if len(add) > _BULK else ()
            self._git(
                *bulk, "add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul",
                stdin=b"\0".join(os.fsencode(":(literal)" + p) for p in add),
            )  # fmt: skip
        tree = self._git("write-tree").decode().strip()
        if parent is not None:
            parent_tree = pending["tree"] if pending is not None else self._tree_of(parent)
            if not parent_tree:  # (the store repairs itself)
                raise CheckpointError(f"the newest checkpoint {parent} is not a commit")
            if tree == parent_tree and self.note(parent) == big:
                fastpath.save(self.git_dir, parent, tree, {}, big)
                return parent
        commit = objects.write_commit(self.git_dir, tree, parent, self._message(label))
        objects.set_ref(self.git_dir, _REF, commit)
        fastpath.save(self.git_dir, commit, tree, {}, big)
        self._notes[commit] = list(big)
        return commit

    def _message(self, label: str) -> str:
        return label + ("\n\n" + _SKIPPED + json.dumps(self.skipped) if self.skipped else "")

    def _tree_of(self, commit: CheckpointId) -> str:
        out = self._git("rev-parse", "--verify", "-q", commit + "^{tree}", check=False)
        return out.decode().strip()

    def note(self, commit: CheckpointId) -> list[str]:
        """The files checkpoint `commit` left out for their size."""
        # The newest checkpoint's note is in the side table (older stores: in a sidecar).
        for name in ("pending.json", "newest-skipped.json"):
            if commit in self._notes:
                break
            with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
                newest = json.loads((self.git_dir / name).read_text())
                if newest["commit"] == commit:
                    self._notes[commit] = [v for v in newest["skipped"] if isinstance(v, str)]
        if commit not in self._notes:
            skipped: list[str] = []
            try:
                text = self._git("cat-file", "commit", commit).decode(errors="replace")
            except CheckpointError:
                text = ""
            for line in text.split("\n\n", 1)[-1].splitlines():
                if line.startswith(_SKIPPED):
                    with contextlib.suppress(ValueError):
                        value = json.loads(line[len(_SKIPPED) :])
                        skipped = [v for v in value if isinstance(v, str)]
            self._notes[commit] = skipped
        return self._notes[commit]

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
            if self._home_rel is not None:  # a checkpoint taken before our home was excluded
                home = self._home_rel + "/"
                changes = [c for c in changes if home != "./" and not c[1].startswith(home)]
            touched = {c[1] for c in changes}
            if expected is not None and expected != before:
                hand = {path for _, path in self.changed(expected, before)}
                result.conflicts = sorted(hand & touched)
            result.deleted = sorted(c[1] for c in changes if c[0] == "D")
            result.written = sorted(c[1] for c in changes if c[0] != "D")
            if dry_run or (result.conflicts and not force):
                return result
            deleted = set(result.deleted)
            blocked = self._behind_symlinks(result.written, deleted)
            if blocked:
                raise CheckpointError(
                    "refusing to write through a symbolic link: " + ", ".join(blocked)
                )
            # Everything that can refuse is checked before the first file changes: a restore
            # is applied whole or not at all.
            self._check_dirs_to_replace(result.written, deleted)
            # Files in the way of a written path (a file that became a directory or back) go
            # first; the other deletions wait until the `.gitignore` files are restored.
            written = set(result.written)
            needed_dirs = {
                "/".join(w.split("/")[:i]) for w in written for i in range(1, w.count("/") + 1)
            }
            early = [rel for rel in result.deleted if _in_the_way(rel, written, needed_dirs)]
            for rel in early:
                self._delete(rel)
            self._write_blobs([c for c in changes if c[0] != "D"])
            early_set = set(early)
            rest = [rel for rel in result.deleted if rel not in early_set]
            result.kept = self._kept(target, rest)
            kept = set(result.kept)
            for rel in rest:
                if rel not in kept:
                    self._delete(rel)
            result.deleted = [rel for rel in result.deleted if rel not in kept]
            result.applied = True
            return result

    def _delete(self, rel: str) -> None:
        path = self.work_tree / rel
        if path.is_symlink() or path.is_file():
            path.unlink()
        self._prune_empty_dirs(path.parent)

    def _kept(self, target: CheckpointId, candidates: list[str]) -> list[str]:
        """Of the files the restore would delete, those `target` left out without them being
        new: over the size limit then, or ignored by its `.gitignore` rules (now restored)."""
        if not candidates:
            return []
        skipped = set(self.note(target))
        kept = {rel for rel in candidates if rel in skipped}
        proc_out = self._git(
            "check-ignore", "--no-index", "-z", "--stdin",
            stdin=b"".join(os.fsencode(rel) + b"\0" for rel in candidates if rel not in kept),
            check=False,
        )  # fmt: skip
        kept.update(os.fsdecode(p) for p in proc_out.split(b"\0") if p)
        return sorted(kept & set(candidates))

    def _check_dirs_to_replace(self, written: list[str], deleted: set[str]) -> None:
        """A directory that must become a file may hold only files the restore deletes; an
        ignored or nested-repository file in it stops the restore before it starts; so does
        a file (another session's, or the user's) where a written path needs a directory."""
        seen: set[str] = set()
        for rel in written:
            parts = rel.split("/")[:-1]
            for i in range(1, len(parts) + 1):
                prefix = "/".join(parts[:i])
                if prefix in seen or prefix in deleted:
                    continue
                seen.add(prefix)
                with contextlib.suppress(OSError):
                    mode = os.lstat(self.work_tree / prefix).st_mode
                    if not stat.S_ISDIR(mode) and not stat.S_ISLNK(mode):
                        raise CheckpointError(
                            f"{prefix} is a file where {rel} needs a directory; "
                            "move it away and retry"
                        )
            path = self.work_tree / rel
            if path.is_symlink() or not path.is_dir():
                continue
            for dirpath, _dirs, files in os.walk(path):
                for name in files:
                    inner = os.path.relpath(os.path.join(dirpath, name), self.work_tree)
                    if inner not in deleted:
                        raise CheckpointError(
                            f"{rel} is a directory holding files no checkpoint has "
                            f"({inner}); move them away and retry"
                        )

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
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)  # a leftover of a crashed restore (or a planted link)
            if mode == "120000":
                os.symlink(os.fsdecode(data), tmp)
            else:
                perms = _file_mode(path, executable=mode == "100755")
                flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
                fd = os.open(tmp, flags, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    os.fchmod(fh.fileno(), perms)
            os.replace(tmp, path)

    def _prune_empty_dirs(self, path: Path) -> None:
        """Directories left empty by deleting files the agent created go too."""
        while path != self.work_tree and self.work_tree in path.parents:
            try:
                path.rmdir()
            except OSError:
                return
            path = path.parent


def _in_the_way(rel: str, written: set[str], needed_dirs: set[str]) -> bool:
    """True when deleting `rel` must come before writing: it is a file where a written path
    needs a directory (`a` for `a/b`: `needed_dirs` holds every written path's ancestors), or
    inside a directory a written file replaces."""
    if rel in needed_dirs:
        return True
    parts = rel.split("/")
    return any("/".join(parts[:i]) in written for i in range(1, len(parts)))


def _file_mode(path: Path, *, executable: bool) -> int:
    """Permissions for a restored file: those of the file it replaces (a 0600 file stays
    private), else what git checkout gives (0666 less the umask); the execute bits follow
    the checkpoint, set where the file is readable."""
    try:
        st = os.lstat(path)
        base = stat.S_IMODE(st.st_mode) & 0o666 if stat.S_ISREG(st.st_mode) else -1
    except OSError:
        base = -1
    if base < 0:
        base = default_file_mode()  # the umask read without changing it (os.umask would)
    return base | ((base & 0o444) >> 2) if executable else base
