"""Escape attempts against the file system: writes, metadata, links, renames, carve-outs.

Each test: snapshot what must not change, run one attempt through the real launcher, assert the
kernel refused (exit 3 + errno) and that the snapshot is identical afterwards.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from tests.sandbox.conftest import (
    Layout,
    assert_denied,
    protected,
    ro_policy,
    run_py,
    snapshot,
    ww_policy,
)

POLICIES = {"read-only": ro_policy(), "workspace-write": ww_policy()}
BOTH = pytest.mark.parametrize("mode", ["read-only", "workspace-write"])


def _attempt(launcher: str, layout: Layout, mode: str, body: str, *errnos: str) -> None:
    before = snapshot(*protected(layout))
    result = run_py(launcher, POLICIES[mode], layout.ws, body)
    assert_denied(result, before, snapshot(*protected(layout)), *errnos)


# ---- plain writes outside the roots ----


@BOTH
def test_create_file_outside(launcher: str, layout: Layout, mode: str) -> None:
    target = layout.outside / "new.txt"
    _attempt(launcher, layout, mode, f"attempt(lambda: open({str(target)!r}, 'x').write('x'))")
    assert not target.exists()


@BOTH
def test_overwrite_file_outside(launcher: str, layout: Layout, mode: str) -> None:
    target = layout.outside / "secret.txt"
    _attempt(launcher, layout, mode, f"attempt(lambda: open({str(target)!r}, 'w').write('x'))")


@BOTH
def test_truncate_file_outside(launcher: str, layout: Layout, mode: str) -> None:
    target = layout.outside / "secret.txt"
    _attempt(launcher, layout, mode, f"attempt(lambda: os.truncate({str(target)!r}, 0))")


@BOTH
def test_unlink_outside(launcher: str, layout: Layout, mode: str) -> None:
    target = layout.outside / "secret.txt"
    _attempt(launcher, layout, mode, f"attempt(lambda: os.unlink({str(target)!r}))")


def test_mkdir_outside(launcher: str, layout: Layout) -> None:
    target = layout.outside / "d"
    _attempt(launcher, layout, "workspace-write", f"attempt(lambda: os.mkdir({str(target)!r}))")
    assert not target.exists()


def test_dotdot_path_out_of_root(launcher: str, layout: Layout) -> None:
    body = "attempt(lambda: open('src/../../outside/dotdot.txt', 'x').write('x'))"
    _attempt(launcher, layout, "workspace-write", body)
    assert not (layout.outside / "dotdot.txt").exists()


def test_read_only_write_in_cwd(launcher: str, layout: Layout) -> None:
    before = snapshot(layout.ws)
    result = run_py(launcher, ro_policy(), layout.ws, "attempt(lambda: open('x', 'x'))")
    assert_denied(result, before, snapshot(layout.ws), "EROFS", "EACCES")


def test_write_home_dir(launcher: str, layout: Layout) -> None:
    target = Path.home() / ".codex-sandbox-escape-probe"
    assert not target.exists()
    try:
        body = f"attempt(lambda: open({str(target)!r}, 'x'))"
        _attempt(launcher, layout, "workspace-write", body)
        assert not target.exists()
    finally:  # CODEX_ESCAPE_SELFTEST really creates it
        target.unlink(missing_ok=True)


def test_write_dev_shm(launcher: str, layout: Layout) -> None:
    target = Path("/dev/shm") / f"codex-escape-{os.getpid()}"
    try:
        body = f"attempt(lambda: open({str(target)!r}, 'x'))"
        _attempt(launcher, layout, "workspace-write", body)
        assert not target.exists()
    finally:
        target.unlink(missing_ok=True)


# ---- symlinks and hard links ----


def test_symlink_made_inside_then_write(launcher: str, layout: Layout) -> None:
    body = f"""
    os.symlink({str(layout.outside)!r}, 'link-out')
    attempt(lambda: open('link-out/via-link.txt', 'x').write('x'))
    """
    _attempt(launcher, layout, "workspace-write", body)
    assert not (layout.outside / "via-link.txt").exists()


def test_preexisting_symlink_overwrite_target(launcher: str, layout: Layout) -> None:
    os.symlink(layout.outside / "secret.txt", layout.ws / "innocent.txt")
    _attempt(launcher, layout, "workspace-write", "attempt(lambda: open('innocent.txt', 'w'))")


def test_hard_link_outside_file_into_root(launcher: str, layout: Layout) -> None:
    body = f"""
    def go():
        os.link({str(layout.outside / "secret.txt")!r}, 'hl.txt')
        open('hl.txt', 'w').write('pwned')
    attempt(go)
    """
    _attempt(launcher, layout, "workspace-write", body)
    assert not (layout.ws / "hl.txt").exists()


def test_rename_outside_file_into_root(launcher: str, layout: Layout) -> None:
    src = layout.outside / "secret.txt"
    body = f"attempt(lambda: os.rename({str(src)!r}, 'stolen.txt'))"
    _attempt(launcher, layout, "workspace-write", body)
    assert src.exists()


def test_rename_root_file_out(launcher: str, layout: Layout) -> None:
    dst = layout.outside / "moved.py"
    body = f"attempt(lambda: os.rename('src/main.py', {str(dst)!r}))"
    _attempt(launcher, layout, "workspace-write", body)
    assert not dst.exists()
    assert (layout.ws / "src" / "main.py").exists()


def test_rename_across_roots_into_other_roots_git(launcher: str, layout: Layout) -> None:
    """refer: moving a file from one writable root into the other root's .git/hooks."""
    (layout.extra / ".git" / "hooks").mkdir(parents=True)
    guarded = [*protected(layout), layout.extra / ".git"]
    before = snapshot(*guarded)
    target = layout.extra / ".git" / "hooks" / "pre-push"
    body = f"attempt(lambda: os.rename('src/main.py', {str(target)!r}))"
    result = run_py(launcher, ww_policy(layout.extra), layout.ws, body)
    assert_denied(result, before, snapshot(*guarded))
    assert not target.exists()


# ---- carve-outs ----


def test_write_git_config(launcher: str, layout: Layout) -> None:
    body = "attempt(lambda: open('.git/config', 'a').write('[core]\\n\\thooksPath = /x\\n'))"
    _attempt(launcher, layout, "workspace-write", body, "EROFS", "EACCES")


def test_create_git_hook(launcher: str, layout: Layout) -> None:
    body = "attempt(lambda: open('.git/hooks/pre-commit', 'x').write('#!/bin/sh\\n'))"
    _attempt(launcher, layout, "workspace-write", body)
    assert not (layout.ws / ".git" / "hooks" / "pre-commit").exists()


def test_delete_git_head(launcher: str, layout: Layout) -> None:
    _attempt(launcher, layout, "workspace-write", "attempt(lambda: os.unlink('.git/HEAD'))")


def test_rename_git_dir_away(launcher: str, layout: Layout) -> None:
    _attempt(launcher, layout, "workspace-write", "attempt(lambda: os.rename('.git', 'g'))")
    assert not (layout.ws / "g").exists()


def test_move_file_into_git_hooks(launcher: str, layout: Layout) -> None:
    body = "open('hook', 'w').write('#!/bin/sh\\n')\n"
    body += "attempt(lambda: os.rename('hook', '.git/hooks/post-checkout'))"
    _attempt(launcher, layout, "workspace-write", body)


def test_chmod_git_config(launcher: str, layout: Layout) -> None:
    _attempt(launcher, layout, "workspace-write", "attempt(lambda: os.chmod('.git/config', 0o777))")


def test_write_codex_config(launcher: str, layout: Layout) -> None:
    body = "attempt(lambda: open('.codex/config.toml', 'w').write('sandbox_mode = \"x\"'))"
    _attempt(launcher, layout, "workspace-write", body)


def test_create_in_codex_dir(launcher: str, layout: Layout) -> None:
    body = "attempt(lambda: open('.codex/rules.rules', 'x'))"
    _attempt(launcher, layout, "workspace-write", body)


def test_write_agents_dir(launcher: str, layout: Layout) -> None:
    body = "attempt(lambda: open('.agents/notes.md', 'a').write('x'))"
    _attempt(launcher, layout, "workspace-write", body)


def test_gitdir_pointer_target_is_protected(launcher: str, layout: Layout) -> None:
    """A worktree: `.git` is a file naming the real git dir, which lives inside a writable
    root here; both the pointer file and its target stay read-only."""
    wt = layout.extra / "worktree"
    store = layout.extra / "store"
    wt.mkdir()
    store.mkdir()
    (store / "config").write_text("[core]\n")
    (wt / ".git").write_text(f"gitdir: {store}\n")
    before = snapshot(store, wt / ".git")
    body = """
    def go():
        try:
            open('.git', 'w').write('gitdir: /elsewhere\\n')
        except OSError:
            pass
        open('../store/config', 'a').write('evil')
    attempt(go)
    """
    result = run_py(launcher, ww_policy(layout.extra), wt, body)
    assert_denied(result, before, snapshot(store, wt / ".git"))


# ---- metadata and special files ----


@BOTH
def test_chmod_outside(launcher: str, layout: Layout, mode: str) -> None:
    target = layout.outside / "secret.txt"
    _attempt(launcher, layout, mode, f"attempt(lambda: os.chmod({str(target)!r}, 0o666))")


def test_chown_outside(launcher: str, layout: Layout) -> None:
    target = layout.outside / "secret.txt"
    body = f"attempt(lambda: os.chown({str(target)!r}, 65534, 65534))"
    _attempt(launcher, layout, "workspace-write", body)


def test_utime_outside(launcher: str, layout: Layout) -> None:
    target = layout.outside / "secret.txt"
    body = f"attempt(lambda: os.utime({str(target)!r}, (0, 0)))"
    _attempt(launcher, layout, "workspace-write", body)


def test_setxattr_outside(launcher: str, layout: Layout) -> None:
    target = layout.outside / "secret.txt"
    body = f"attempt(lambda: os.setxattr({str(target)!r}, 'user.codex', b'x'))"
    _attempt(launcher, layout, "workspace-write", body)


def test_mknod_fifo_outside(launcher: str, layout: Layout) -> None:
    target = layout.outside / "fifo"
    _attempt(launcher, layout, "workspace-write", f"attempt(lambda: os.mkfifo({str(target)!r}))")
    assert not target.exists()


def test_mknod_device_inside_root(launcher: str, layout: Layout) -> None:
    """A block/char device node in the workspace would reopen a disk behind every rule."""
    body = "import stat\nattempt(lambda: os.mknod('mem', stat.S_IFCHR | 0o666, os.makedev(1, 1)))"
    _attempt(launcher, layout, "workspace-write", body, "EPERM", "EACCES")
    assert not (layout.ws / "mem").exists()


def test_proc_sys_write(launcher: str, layout: Layout) -> None:
    path = Path("/proc/sys/kernel/domainname")
    before = path.read_text()
    body = f"attempt(lambda: open({str(path)!r}, 'w').write('escaped'))"
    try:
        _attempt(launcher, layout, "workspace-write", body)
        assert path.read_text() == before
    finally:  # CODEX_ESCAPE_SELFTEST really writes it
        if path.read_text() != before:
            path.write_text(before)
