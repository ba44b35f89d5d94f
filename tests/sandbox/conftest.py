"""Fixtures for the sandbox tests: a workspace with carve-outs, an "outside" tree, a snapshot of
both, and a runner that goes through the real `codex-linux-sandbox` launcher.

Every escape attempt is a small Python (or C) program run inside the sandbox; it exits 0 if
the forbidden operation succeeded ("escaped"), 3 and prints the errno name if the kernel
refused. Tests assert the refusal AND that the snapshot of everything outside the writable area
is byte-for-byte (and mode/owner/mtime) unchanged. The tests run as root: Landlock, the mount
layer and the dropped capabilities must hold for root too.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

if not sys.platform.startswith("linux"):
    pytest.skip("the Linux launcher runs on Linux only", allow_module_level=True)

from codex.protocol.sandbox_policy import SandboxPolicy
from codex.sandbox.spawn import find_linux_launcher

ESCAPED = 0
DENIED = 3

# A prelude every attempt runs under: `attempt(fn)` maps OSError to exit 3.
PRELUDE = textwrap.dedent(
    """
    import ctypes, errno, os, socket, sys
    libc = ctypes.CDLL(None, use_errno=True)
    def check(rc):
        if rc == -1:
            e = ctypes.get_errno()
            raise OSError(e, os.strerror(e))
        return rc
    def attempt(fn):
        try:
            fn()
        except OSError as err:
            print("DENIED", errno.errorcode.get(err.errno, err.errno))
            sys.exit(3)
        print("ESCAPED")
        sys.exit(0)
    """
)


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str

    @property
    def errno_name(self) -> str | None:
        for line in self.stdout.splitlines():
            if line.startswith("DENIED "):
                return line.split()[1]
        return None


@dataclass
class Layout:
    root: Path
    ws: Path  # the cwd / workspace root
    outside: Path  # never writable
    extra: Path  # a second writable root (--add-dir) in some tests


@pytest.fixture(scope="session")
def launcher() -> str:
    return os.fspath(find_linux_launcher())


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    ws = tmp_path / "ws"
    outside = tmp_path / "outside"
    extra = tmp_path / "extra"
    for d in (ws / ".git" / "hooks", ws / ".codex", ws / ".agents", ws / "src", outside, extra):
        d.mkdir(parents=True)
    (ws / ".git" / "config").write_text("[core]\n\tbare = false\n")
    (ws / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (ws / ".codex" / "config.toml").write_text('model = "o3"\n')
    (ws / ".agents" / "notes.md").write_text("notes\n")
    (ws / "src" / "main.py").write_text("print('hi')\n")
    (outside / "secret.txt").write_text("outside data\n")
    (outside / "sub").mkdir()
    (outside / "sub" / "deep.txt").write_text("deep\n")
    os.chmod(outside / "secret.txt", 0o644)
    return Layout(tmp_path, ws, outside, extra)


# CODEX_ESCAPE_SELFTEST=1 swaps every policy for danger-full-access: then every escape test
# must FAIL, which shows that each attempt really does the forbidden thing when unconfined.
SELFTEST = os.environ.get("CODEX_ESCAPE_SELFTEST") == "1"


def ww_policy(*extra_roots: Path, network: bool = False) -> SandboxPolicy:
    """workspace-write without /tmp and $TMPDIR: pytest's tmp_path lives in /tmp, and the
    "outside" tree must really be outside."""
    if SELFTEST:
        return SandboxPolicy.danger_full_access()
    return SandboxPolicy.workspace_write(
        [os.fspath(r) for r in extra_roots],
        network_access=network,
        exclude_slash_tmp=True,
        exclude_tmpdir_env_var=True,
    )


def ro_policy(network: bool = False) -> SandboxPolicy:
    if SELFTEST:
        return SandboxPolicy.danger_full_access()
    return SandboxPolicy.read_only(network_access=network)


def run_in_sandbox(
    launcher: str,
    policy: SandboxPolicy,
    cwd: Path,
    argv: Sequence[str],
    *,
    env: dict[str, str] | None = None,
    **kwargs: object,
) -> Result:
    child_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONDONTWRITEBYTECODE": "1"}
    child_env.update(env or {})
    done = subprocess.run(
        [
            launcher,
            "--sandbox-policy-cwd",
            os.fspath(cwd),
            "--sandbox-policy",
            policy.to_json(),
            "--",
            *argv,
        ],
        cwd=cwd,
        env=child_env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        **kwargs,  # type: ignore[arg-type]
    )
    return Result(done.returncode, done.stdout, done.stderr)


def run_py(launcher: str, policy: SandboxPolicy, cwd: Path, body: str, **kwargs: object) -> Result:
    """Run PRELUDE + body with this interpreter inside the sandbox."""
    code = PRELUDE + textwrap.dedent(body)
    return run_in_sandbox(launcher, policy, cwd, [sys.executable, "-I", "-c", code], **kwargs)


def snapshot(*roots: Path) -> dict[str, tuple[object, ...]]:
    """Every entry under roots: type, mode, owner, size, mtime, content hash or link target."""
    out: dict[str, tuple[object, ...]] = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            for name in [".", *dirnames, *filenames]:
                path = os.path.normpath(os.path.join(dirpath, name))
                st = os.lstat(path)
                if stat.S_ISREG(st.st_mode):
                    with open(path, "rb") as f:
                        content: object = hashlib.sha256(f.read()).hexdigest()
                elif stat.S_ISLNK(st.st_mode):
                    content = os.readlink(path)
                elif stat.S_ISDIR(st.st_mode):
                    content = None
                else:
                    content = st.st_rdev
                key = path
                out[key] = (
                    stat.S_IFMT(st.st_mode),
                    stat.S_IMODE(st.st_mode),
                    st.st_uid,
                    st.st_gid,
                    st.st_size if not stat.S_ISDIR(st.st_mode) else None,
                    st.st_mtime_ns if not stat.S_ISDIR(st.st_mode) else None,
                    content,
                )
    return out


def protected(layout: Layout) -> list[Path]:
    """What must never change in workspace-write tests: outside + the carve-outs."""
    return [
        layout.outside,
        layout.ws / ".git",
        layout.ws / ".codex",
        layout.ws / ".agents",
    ]


def assert_denied(result: Result, before: dict, after: dict, *errnos: str) -> None:
    assert result.returncode == DENIED, (result.returncode, result.stdout, result.stderr)
    if errnos:
        assert result.errno_name in errnos, result.stdout
    assert before == after


@pytest.fixture(scope="session")
def cc(tmp_path_factory: pytest.TempPathFactory):
    """Compile a small C program into a temp dir; returns its path."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc is needed for the C helper programs")
    out_dir = tmp_path_factory.mktemp("chelpers")

    def build(name: str, source: str, *flags: str) -> Path:
        src = out_dir / f"{name}.c"
        src.write_text(textwrap.dedent(source))
        exe = out_dir / name
        subprocess.run(["gcc", "-O1", "-o", exe, src, *flags], check=True)
        return exe

    return build


def explain(launcher: str, policy: SandboxPolicy, cwd: Path, env: dict[str, str]) -> dict:
    done = subprocess.run(
        [
            launcher,
            "--sandbox-policy-cwd",
            os.fspath(cwd),
            "--sandbox-policy",
            policy.to_json(),
            "--explain",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def wait_for_placeholder_cleanup(root: Path, uid: int) -> None:
    """Block until no sandbox of user `uid` holds `root`'s placeholder lock (sandbox_linux.c:
    the helper that removes the placeholders for missing .git/.codex/.agents holds it from
    before the command starts until it is done, just after the command ends)."""
    st = os.stat(root)
    lock = Path(f"/tmp/codex-sandbox-{uid}/{st.st_dev}-{st.st_ino}.lock")
    if not lock.exists():
        return
    with open(lock, "rb") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        fcntl.flock(f, fcntl.LOCK_UN)
