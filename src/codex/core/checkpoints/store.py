"""A shadow git store of a work tree's files: checkpoints that undo can restore byte for byte.

Why git plumbing: it is content addressed (a checkpoint after the first only hashes what changed,
thanks to the index's stat cache), handles modes and symlinks, and reads `.gitignore` files. The
store has its own GIT_DIR and GIT_INDEX_FILE under `$CODEX_HOME/checkpoints/<key>`, and runs with
no system/global config and no hooks, so the user's `.git` (index, refs, stash, hooks, config) is
never read for writing nor touched; a plain directory that is not a repository works the same.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
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
        self._git("init", "-q")
        self._git("config", "core.bare", "false")
        (self.git_dir / "info").mkdir(exist_ok=True)
        (self.git_dir / "info" / "exclude").write_text(_EXCLUDE)
        (self.git_dir / "worktree").write_text(str(self.work_tree) + "\n")

    def _left_out(self) -> tuple[list[str], list[str]]:
        """New or modified files over the size limit, and nested repositories (git lists those
        as `dir/`): neither is added. The index's stat cache keeps this listing cheap."""
        out = self._git("ls-files", "-z", "-o", "-m", "--exclude-standard")
        big: list[str] = []
        nested: list[str] = []
        for raw in out.split(b"\0"):
            if not raw:
                continue
            rel = os.fsdecode(raw)
            if rel.endswith("/"):
                nested.append(rel.rstrip("/"))
                continue
            try:
                st = os.lstat(self.work_tree / rel)
            except OSError:
                continue
            if st.st_size > self.size_limit and stat.S_ISREG(st.st_mode):
                big.append(rel)
        return big, nested

    # -- public -------------------------------------------------------------------------------

    def checkpoint(self, label: str) -> CheckpointId:
        """Snapshot the work tree (untracked files included, ignored and large files left out)."""
        self._ensure()
        big, nested = self._left_out()
        specs = [".", *(f":(exclude,literal){p}" for p in [*big, *nested])]
        self._git(
            "add", "-A", "--pathspec-from-file=-", "--pathspec-file-nul",
            stdin=b"\0".join(os.fsencode(s) for s in specs),
        )  # fmt: skip
        if big:
            self._git("rm", "-q", "--cached", "--ignore-unmatch", "--", *big)
        self.skipped = big
        tree = self._git("write-tree").decode().strip()
        parent = self._git("rev-parse", "-q", "--verify", "refs/heads/checkpoints", check=False)
        parent_args = ["-p", parent.decode().strip()] if parent.strip() else []
        note = label + ("\n\nskipped (over size limit): " + ", ".join(big) if big else "")
        commit = self._git("commit-tree", tree, *parent_args, "-m", note).decode().strip()
        self._git("update-ref", "refs/heads/checkpoints", commit)
        return commit

    def changed(self, a: CheckpointId, b: CheckpointId) -> list[tuple[str, str]]:
        """(status letter, path) for every file that differs between two checkpoints."""
        out = self._git("diff-tree", "-r", "-z", "--no-renames", "--name-status", a, b)
        parts = [os.fsdecode(p) for p in out.split(b"\0") if p]
        return [(parts[i], parts[i + 1]) for i in range(0, len(parts) - 1, 2)]

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
    ) -> RestoreResult:
        """Make the work tree equal to `target` (for the files checkpoints cover).

        The current tree is checkpointed first (so the restore can itself be taken back). When
        `expected` is given (the tree as the agent left it), files that differ from it now were
        changed by hand: if the restore would overwrite them it refuses (`conflicts`), unless
        `force`.
        """
        self._ensure()
        self._git("cat-file", "-e", f"{target}^{{commit}}")
        before = self.checkpoint(f"before restore to {target}")
        result = RestoreResult(before=before)
        changes = self.changed(before, target)
        touched = {path for _, path in changes}
        if expected is not None:
            hand = {path for _, path in self.changed(expected, before)}
            result.conflicts = sorted(hand & touched)
        result.deleted = sorted(p for s, p in changes if s == "D")
        result.written = sorted(p for s, p in changes if s != "D")
        if dry_run or (result.conflicts and not force):
            return result
        for rel in result.deleted:
            path = self.work_tree / rel
            if path.is_symlink() or path.is_file():
                path.unlink()
            self._prune_empty_dirs(path.parent)
        if result.written:
            tmp_index = self.git_dir / "restore-index"
            try:
                self._git("read-tree", target, index=tmp_index)
                self._git(
                    "checkout-index", "-f", "-z", "--stdin",
                    stdin=b"\0".join(os.fsencode(p) for p in result.written),
                    index=tmp_index,
                )  # fmt: skip
            finally:
                tmp_index.unlink(missing_ok=True)
        result.applied = True
        return result

    def _prune_empty_dirs(self, path: Path) -> None:
        """Directories left empty by deleting files the agent created go too."""
        while path != self.work_tree and self.work_tree in path.parents:
            try:
                path.rmdir()
            except OSError:
                return
            path = path.parent
