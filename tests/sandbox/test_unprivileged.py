"""The launcher started by an ordinary user (uid 65534 via setpriv): the mount layer then goes
through an unprivileged user namespace, and every restriction must hold the same way."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.sandbox.conftest import PRELUDE, snapshot, wait_for_placeholder_cleanup, ww_policy

NOBODY = 65534
KEYCTL = {"aarch64": 219}.get(platform.machine(), 250)  # x86_64: 250

SYSTEM_PYTHON = "/usr/bin/python3"  # ours may live in root's home, which nobody can read

if shutil.which("setpriv") is None or os.geteuid() != 0 or not os.path.exists(SYSTEM_PYTHON):
    pytest.skip("needs root, setpriv and /usr/bin/python3", allow_module_level=True)


@pytest.fixture
def world(launcher: str) -> Iterator[Path]:
    """A tree nobody may traverse (pytest's tmp_path is private to root), with its own copy
    of the launcher so the path to it is readable too."""
    root = Path(tempfile.mkdtemp(prefix="codex-unpriv-", dir="/tmp"))
    for d in ("ws/.git/hooks", "ws/src", "outside"):
        (root / d).mkdir(parents=True)
    (root / "ws" / ".git" / "config").write_text("[core]\n")
    (root / "outside" / "data.txt").write_text("outside\n")
    shutil.copy(launcher, root / "cls")
    for dirpath, _dirnames, filenames in os.walk(root):
        os.chown(dirpath, NOBODY, NOBODY)
        for name in filenames:
            os.chown(os.path.join(dirpath, name), NOBODY, NOBODY)
    os.chmod(root, 0o755)
    yield root
    wait_for_placeholder_cleanup(root / "ws", NOBODY)  # .codex/.agents placeholders gone
    shutil.rmtree(root)


def _run_as_nobody(world: Path, body: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            "setpriv",
            f"--reuid={NOBODY}",
            f"--regid={NOBODY}",
            "--clear-groups",
            str(world / "cls"),
            "--sandbox-policy-cwd",
            str(world / "ws"),
            "--sandbox-policy",
            ww_policy().to_json(),
            "--",
            SYSTEM_PYTHON,
            "-I",
            "-c",
            PRELUDE + body,
        ],
        cwd=world / "ws",
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin"},
    )


@pytest.mark.parametrize(
    "body",
    [
        "attempt(lambda: open('../outside/new.txt', 'x'))",
        "attempt(lambda: open('../outside/data.txt', 'a').write('x'))",
        "attempt(lambda: os.chmod('../outside/data.txt', 0o777))",
        "attempt(lambda: open('.git/config', 'a').write('x'))",
        "attempt(lambda: open('.git/hooks/pre-commit', 'x'))",
        "attempt(lambda: os.rename('.git', 'g'))",
        "attempt(lambda: socket.socket(socket.AF_INET))",
        "attempt(lambda: check(libc.unshare(0x10000000)))",
        # issue 13: unix sockets with the network off, the keyring, a missing .codex/.agents
        "attempt(lambda: socket.socket(socket.AF_UNIX))",
        "attempt(lambda: socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM))",
        f"attempt(lambda: check(libc.syscall({KEYCTL}, 0, ctypes.c_long(-3), 1)))",
        "attempt(lambda: os.mkdir('.codex'))",
        "attempt(lambda: os.symlink('src', '.agents'))",
    ],
)
def test_denied_as_nobody(world: Path, body: str) -> None:
    guarded = [world / "outside", world / "ws" / ".git"]
    before = snapshot(*guarded)
    done = _run_as_nobody(world, body)
    assert done.returncode == 3, done.stdout + done.stderr
    assert before == snapshot(*guarded)


def test_allowed_as_nobody(world: Path) -> None:
    body = "attempt(lambda: open('src/new.py', 'x') and open('top.txt', 'x') and os.getuid())"
    done = _run_as_nobody(world, body)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (world / "ws" / "top.txt").stat().st_uid == NOBODY


def test_user_namespace_route_is_taken(world: Path) -> None:
    """As uid 65534 the mount layer comes from an unprivileged user namespace that maps only
    our own ids, and /dev/pts is the private instance (the host's terminals are not listed)."""
    body = """
    def go():
        assert open('/proc/self/uid_map').read().split() == ['65534', '65534', '1']
        assert os.listdir('/dev/pts') == ['ptmx'], os.listdir('/dev/pts')
    attempt(go)
    """
    done = _run_as_nobody(world, textwrap.dedent(body))
    assert done.returncode == 0, done.stdout + done.stderr
