"""`codex apply [SESSION]` (alias `a`): apply the diff of a saved session's last file-changing
turn to the work tree here, with `git apply`.

The official command applies a Codex Cloud task's diff; we have no cloud, so the argument names
a local session (its UUID, or `--last`/nothing for the newest). Nothing is half-applied: the diff
is rebuilt in a scratch directory and checked with `git apply --check` before anything is written.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from codex.cli.context import CliContext
from codex.errors import CodexError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "session",
        nargs="?",
        metavar="TASK_OR_SESSION",
        help="A saved session's id (UUID); the newest session when omitted",
    )
    parser.add_argument("--last", action="store_true", help="Apply the newest session's diff")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from codex.core import session_diff

    home = ctx.load_config().codex_home
    rollout = _rollout(home, None if args.last else args.session)
    top = _git(["rev-parse", "--show-toplevel"], Path.cwd())
    if top.returncode != 0:
        raise CodexError(f"not a git repository: {Path.cwd()} (codex apply uses git apply)")
    root = Path(top.stdout.strip())
    prefix = Path.cwd().resolve().relative_to(root.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix + "/"

    session_cwd, patches = session_diff.last_turn_patches(rollout)
    session_id = rollout.name.removesuffix(".jsonl")[-36:]
    if not patches:
        raise CodexError(f"session {session_id} has no turn that changed files")
    patches = [prefix_patch(session_diff.relative_patch(p, session_cwd), prefix) for p in patches]

    # The baseline: HEAD first (the diff then carries the repository's own context), then the
    # work tree (a session that built on uncommitted changes, or local edits next to the
    # change). The first diff that `git apply --check` accepts is applied; none: nothing is.
    problems: list[str] = []
    for baseline in (_head_file(root), _work_file(root)):
        try:
            diff = session_diff.rebuild_diff(patches, baseline)
        except session_diff.PatchDoesNotApply as err:
            problems.append(f"the diff of session {session_id} does not apply here: {err}")
            continue
        if not diff:
            raise CodexError(f"session {session_id}'s last changes leave no diff to apply")
        reasons = _apply_checked(diff, root)
        if reasons is None:
            break
        problems.append(f"conflicts, nothing applied: {reasons}")
    else:
        # The HEAD attempt's reason names the conflict with the repository's content.
        raise CodexError(problems[0])
    files = session_diff.touched_paths(patches)
    sys.stdout.write(f"Applied the diff of session {session_id} ({len(files)} files):\n")
    sys.stdout.writelines(f"  {path}\n" for path in files)
    return 0


def _apply_checked(diff: str, root: Path) -> str | None:
    """Apply `diff` if `git apply --check` accepts it; else git's reasons (one line)."""
    with tempfile.NamedTemporaryFile("w", suffix=".diff", delete=False) as handle:
        handle.write(diff)
    patch_file = Path(handle.name)
    try:
        check = _git(["apply", "--check", str(patch_file)], root)
        if check.returncode != 0:
            return "; ".join(
                line.removeprefix("error: ") for line in check.stderr.splitlines() if line
            )
        done = _git(["apply", str(patch_file)], root)
        if done.returncode != 0:
            raise CodexError(f"git apply failed: {done.stderr.strip().splitlines()[0]}")
        return None
    finally:
        patch_file.unlink(missing_ok=True)


def prefix_patch(patch: str, prefix: str) -> str:
    """Paths relative to the directory here, re-based on the repository root."""
    if not prefix:
        return patch
    from codex.core.session_diff import _HEADER

    return _HEADER.sub(lambda m: m.group(1) + prefix + m.group(2).strip(), patch)


def _rollout(home: Path, session: str | None) -> Path:
    from codex.api.saved_sessions import rollout_of

    return rollout_of(home, session)


def _git(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(["git", *argv], cwd=cwd, capture_output=True, text=True)
    except FileNotFoundError as err:
        raise CodexError("git is not installed (codex apply uses git apply)") from err


def _head_file(root: Path):  # -> (path) -> content at HEAD, or None
    def read(path: str) -> str | None:
        shown = _git(["show", f"HEAD:{path}"], root)
        return shown.stdout if shown.returncode == 0 else None

    return read


def _work_file(root: Path):  # -> (path) -> content in the work tree, or None
    def read(path: str) -> str | None:
        file = root / path
        return file.read_text(encoding="utf-8") if file.is_file() else None

    return read
