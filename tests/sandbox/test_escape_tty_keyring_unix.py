"""Escapes past the filesystem rules (issue 13, items 1-5): keystrokes pushed into the caller's
terminal (TIOCSTI), writes into other terminals, the host keyring, pathname unix sockets outside
the sandbox with the network off, and protected names (.codex, .agents, .git) that do not exist
yet. Each attempt runs

  - under read-only, workspace-write (with /tmp and $TMPDIR) and workspace-write without them,
  - through `codex sandbox` (the real CLI, exec'd) and through the agent's path (the shell
    tools' spawn + wrap_command; its PTY form for the terminal cases),
  - as root and as uid 65534 (the launcher's user-namespace route),

and must be refused with nothing changed outside. The runs go through tests/sandbox/
escape_driver.py, which an unprivileged user can run with the system python.
"""

from __future__ import annotations

import fcntl
import json
import os
import platform
import pty
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import termios
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from tests.sandbox.conftest import (
    DENIED,
    ESCAPED,
    PRELUDE,
    SELFTEST,
    wait_for_placeholder_cleanup,
)

from codex.sandbox.spawn import find_linux_launcher

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DRIVER = HERE / "escape_driver.py"
TTY_JOB = HERE / "tty_job.py"
SYSTEM_PYTHON = "/usr/bin/python3"  # readable by uid 65534 (our venv's interpreter is not)
NOBODY = 65534

if not os.path.exists(SYSTEM_PYTHON):
    pytest.skip("needs /usr/bin/python3 for the sandboxed probes", allow_module_level=True)

POLICIES = ["read-only", "workspace-write", "workspace-write-no-tmp"]
USERS = ["root", "nobody"]


def _policy(name: str) -> dict:
    if SELFTEST:  # every test below must then FAIL: the attempts really do the forbidden thing
        return {"type": "danger-full-access"}
    if name == "read-only":
        return {"type": "read-only"}
    no_tmp = name == "workspace-write-no-tmp"
    return {
        "type": "workspace-write",
        "writable_roots": [],
        "network_access": False,
        "exclude_tmpdir_env_var": no_tmp,
        "exclude_slash_tmp": no_tmp,
    }


@dataclass
class World:
    root: Path
    ws: Path  # the cwd: has .git and src/, no .codex or .agents
    home: Path  # --config-home
    user: str

    @property
    def uid(self) -> int:
        return NOBODY if self.user == "nobody" else os.geteuid()


def _need_user(user: str) -> None:
    if user == "nobody" and (os.geteuid() != 0 or shutil.which("setpriv") is None):
        pytest.skip("dropping to uid 65534 needs root and setpriv")


@pytest.fixture(params=USERS)
def world(request: pytest.FixtureRequest) -> Iterator[World]:
    """A tree under /tmp that the user may traverse (pytest's tmp_path is private to root)."""
    _need_user(request.param)
    root = Path(tempfile.mkdtemp(prefix="codex-escape-", dir="/tmp"))
    ws = root / "ws"
    for d in (ws / ".git", ws / "src" / "movable", root / "home"):
        d.mkdir(parents=True)
    (ws / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    (ws / "src" / "main.py").write_text("print('hi')\n")
    w = World(root, ws, root / "home", request.param)
    for dirpath, _dirs, files in os.walk(root):
        os.chown(dirpath, w.uid, w.uid)
        for name in files:
            os.chown(os.path.join(dirpath, name), w.uid, w.uid)
    os.chmod(root, 0o755)
    yield w
    wait_for_placeholder_cleanup(ws, w.uid)
    shutil.rmtree(root, ignore_errors=True)


def _driver_argv(world: World, path: str, policy: str, body: str) -> tuple[list[str], dict]:
    probe = [SYSTEM_PYTHON, "-I", "-c", PRELUDE + textwrap.dedent(body)]
    args = [DRIVER, path, json.dumps(_policy(policy)), world.ws, world.home, "--", *probe]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(world.home), "PYTHONDONTWRITEBYTECODE": "1"}
    if os.environ.get("CODEX_ESCAPE_OFFICIAL"):  # see escape_driver.py
        env["CODEX_ESCAPE_OFFICIAL"] = os.environ["CODEX_ESCAPE_OFFICIAL"]
    env[LAUNCHER_ENV] = os.fspath(find_linux_launcher())  # the same one for both users
    if world.user == "root":
        return [sys.executable, *map(str, args)], env
    env["PYTHONPATH"] = f"{REPO / 'src'}:{_site_packages()}"
    drop = ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}", "--clear-groups"]
    return [*drop, SYSTEM_PYTHON, *map(str, args)], env


LAUNCHER_ENV = "CODEX_LINUX_SANDBOX_EXE"


def _site_packages() -> str:
    import cffi  # any dependency installed in the venv

    return str(Path(cffi.__file__).resolve().parents[1])


@dataclass
class Outcome:
    returncode: int
    output: str

    @property
    def errno_name(self) -> str | None:
        for line in self.output.splitlines():
            if line.startswith("DENIED "):
                return line.split()[1]
        return None


def attempt(world: World, path: str, policy: str, body: str, **env: str) -> Outcome:
    argv, child_env = _driver_argv(world, path, policy, body)
    child_env.update(env)
    done = subprocess.run(
        argv,
        cwd=world.ws,
        env=child_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return Outcome(done.returncode, done.stdout + done.stderr)


def assert_denied(outcome: Outcome, *errnos: str) -> None:
    assert outcome.returncode == DENIED, outcome.output
    if errnos:
        assert outcome.errno_name in errnos, outcome.output


@pytest.fixture(params=POLICIES)
def policy(request: pytest.FixtureRequest) -> str:
    return request.param


# ---- 3. the keyring -------------------------------------------------------------------------

_KEY_SYSCALLS = {"x86_64": (248, 249, 250), "aarch64": (217, 218, 219)}  # add, request, keyctl


@pytest.mark.parametrize("path", ["cli", "agent"])
@pytest.mark.parametrize("call", ["add_key", "request_key", "keyctl"])
def test_keyring_calls_denied(world: World, policy: str, path: str, call: str) -> None:
    numbers = _KEY_SYSCALLS.get(platform.machine())
    if numbers is None:
        pytest.skip(f"no syscall numbers for {platform.machine()}")
    add, request, keyctl = numbers
    session = "ctypes.c_long(-3)"  # KEY_SPEC_SESSION_KEYRING
    calls = {
        "add_key": f"libc.syscall({add}, b'user', b'codex-escape', b'v', 1, {session})",
        "request_key": f"libc.syscall({request}, b'user', b'codex-escape', None, 0)",
        "keyctl": f"libc.syscall({keyctl}, 0, {session}, 1)",  # KEYCTL_GET_KEYRING_ID, create
    }
    outcome = attempt(world, path, policy, f"attempt(lambda: check({calls[call]}))")
    assert_denied(outcome, "EPERM")


# ---- 4. unix sockets outside the sandbox with the network off -------------------------------


@pytest.fixture
def outside_server() -> Iterator[tuple[Path, socket.socket, socket.socket]]:
    """A stream and a datagram pathname socket outside every writable root (a stand-in for
    /var/run/docker.sock), open to everyone so only the sandbox stands in the way."""
    base = Path(tempfile.mkdtemp(prefix="codex-escape-sock-", dir="/var/tmp"))
    os.chmod(base, 0o755)
    stream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stream.bind(str(base / "stream.sock"))
    stream.listen(8)
    stream.setblocking(False)
    dgram = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    dgram.bind(str(base / "dgram.sock"))
    dgram.setblocking(False)
    for name in ("stream.sock", "dgram.sock"):
        os.chmod(base / name, 0o777)
    yield base, stream, dgram
    stream.close()
    dgram.close()
    shutil.rmtree(base, ignore_errors=True)


_UNIX_ATTEMPTS = {
    "connect": "attempt(lambda: socket.socket(socket.AF_UNIX).connect({stream!r}))",
    "dgram-sendto": (
        "attempt(lambda: socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM).sendto(b'x', {dgram!r}))"
    ),
    "dgram-pair-sendto": (
        "attempt(lambda: socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)[0]"
        ".sendto(b'x', {dgram!r}))"
    ),
    "dgram-pair-sendmsg": (
        "attempt(lambda: socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)[0]"
        ".sendmsg([b'x'], [], 0, {dgram!r}))"
    ),
    "abstract": "attempt(lambda: socket.socket(socket.AF_UNIX).connect('\\0codex-escape'))",
}


@pytest.mark.parametrize("path", ["cli", "agent"])
@pytest.mark.parametrize("how", sorted(_UNIX_ATTEMPTS))
def test_unix_socket_outside_denied(
    world: World, policy: str, path: str, how: str, outside_server
) -> None:
    base, stream, dgram = outside_server
    body = _UNIX_ATTEMPTS[how].format(
        stream=str(base / "stream.sock"), dgram=str(base / "dgram.sock")
    )
    outcome = attempt(world, path, policy, body)
    assert_denied(outcome)
    with pytest.raises(BlockingIOError):
        stream.accept()
    with pytest.raises(BlockingIOError):
        dgram.recv(16)


@pytest.mark.parametrize("path", ["cli", "agent"])
def test_socketpair_and_local_tools_still_work(world: World, policy: str, path: str) -> None:
    body = """
    def go():
        a, b = socket.socketpair()
        a.sendall(b'ping')
        assert b.recv(4) == b'ping'
        c, d = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        c.send(b'x')
        assert d.recv(1) == b'x'
        import subprocess
        for cmd in (['git', '--version'], ['sh', '-c', 'ls / >/dev/null'], ['id']):
            subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    attempt(go)
    """
    outcome = attempt(world, path, policy, body)
    assert outcome.returncode == ESCAPED, outcome.output


# ---- 2. writing into other terminals -------------------------------------------------------


@pytest.fixture
def other_pty(world: World) -> Iterator[tuple[int, str]]:
    """A terminal of the same user that is not the command's: the master end and the path."""
    master, slave = pty.openpty()
    path = os.ttyname(slave)
    os.chown(path, world.uid, -1)
    os.set_blocking(master, False)
    yield master, path
    os.close(slave)
    os.close(master)


@pytest.mark.parametrize("path", ["cli", "agent"])
def test_write_other_pty_denied(world: World, policy: str, path: str, other_pty) -> None:
    master, slave_path = other_pty
    body = f"""
    def go():
        fd = os.open({slave_path!r}, os.O_WRONLY | os.O_NOCTTY)
        os.write(fd, b'PWNED\\n')
    attempt(go)
    """
    outcome = attempt(world, path, policy, body)
    assert_denied(outcome, "EACCES", "ENOENT", "EPERM")
    with pytest.raises(BlockingIOError):
        os.read(master, 100)


# ---- 1. keystrokes into the caller's terminal (TIOCSTI) -------------------------------------

_TIOCSTI_PROBE = """
import fcntl, termios
results = []
def sti(name, fd, cmd):
    try:
        for ch in b'echo PWNED\\n':
            fcntl.ioctl(fd, cmd, bytes([ch]))
        results.append((name, 'OK'))
    except OSError as err:
        results.append((name, 'DENIED ' + errno.errorcode.get(err.errno, str(err.errno))))
HIGH = termios.TIOCSTI | (1 << 32)  # the kernel truncates the request to 32 bits
fds = {'fd0': 0, 'fd1': 1, 'fd2': 2}
for name, path, flags in (('devtty', '/dev/tty', os.O_RDWR),
                          ('caller', os.environ['ESCAPE_CALLER_TTY'], os.O_RDONLY | os.O_NOCTTY)):
    try:
        fds[name] = os.open(path, flags)
    except OSError as err:
        results.append((name + '-open', 'DENIED ' + errno.errorcode.get(err.errno, '?')))
for name, fd in fds.items():
    sti(name, fd, termios.TIOCSTI)
    sti(name + '-high', fd, HIGH)
    try:
        fcntl.ioctl(fd, termios.TIOCLINUX, bytes([2]) + bytes(10))  # paste selection
        results.append((name + '-tioclinux', 'OK'))
    except OSError as err:
        results.append((name + '-tioclinux', 'DENIED ' + errno.errorcode.get(err.errno, '?')))
for name, verdict in results:
    print('RESULT', name, verdict, flush=True)
"""


def _run_on_terminal(
    world: World, path: str, policy: str, body: str = _TIOCSTI_PROBE, interrupt_at: bytes = b""
) -> tuple[dict, str]:
    """Run `body` as a foreground job of a shell stand-in on a fresh pty; once `interrupt_at`
    shows on the terminal, type ^C (the terminal sends SIGINT to the foreground job)."""
    master, slave = pty.openpty()
    caller_tty = os.ttyname(slave)
    os.chown(caller_tty, world.uid, -1)
    argv, env = _driver_argv(world, path, policy, body)
    env["ESCAPE_CALLER_TTY"] = caller_tty
    r, w = os.pipe()
    job_python = sys.executable if world.user == "root" else SYSTEM_PYTHON
    drop = argv[: argv.index(SYSTEM_PYTHON)] if world.user == "nobody" else []
    job = [*drop, job_python, str(TTY_JOB), str(w), *argv[len(drop) :]]

    def make_controlling() -> None:
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(
        job,
        cwd=world.ws,
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
        preexec_fn=make_controlling,
        pass_fds=(w,),
    )
    os.close(slave)
    os.close(w)
    output = b""
    while True:  # drain the terminal until the job ends (EIO once the last slave fd closes)
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
        if interrupt_at and interrupt_at in output:
            os.write(master, b"\x03")
            interrupt_at = b""
    proc.wait(timeout=120)
    with os.fdopen(r, "rb") as report_file:
        report = report_file.read()
    os.close(master)
    assert report, output.decode(errors="replace")
    return json.loads(report), output.decode(errors="replace")


@pytest.mark.parametrize("path", ["cli", "agent-pty"])
def test_tiocsti_into_caller_terminal_denied(world: World, policy: str, path: str) -> None:
    report, output = _run_on_terminal(world, path, policy)
    results = [
        line.split(None, 2)[1:] for line in output.splitlines() if line.startswith("RESULT ")
    ]
    assert len(results) >= 9, output  # fd 0-2, each plain, high bits set, TIOCLINUX
    escaped = [name for name, verdict in results if not verdict.startswith("DENIED")]
    assert not escaped, output
    assert report["queued"] == "", report


@pytest.mark.parametrize(
    ("ending", "status"),
    [("sys.exit(5)", 5), ("os.kill(os.getpid(), 15)", -15), ("os.abort()", -6)],
)
def test_cli_job_on_terminal_ends_as_the_command(world: World, ending: str, status: int) -> None:
    """`codex sandbox` typed at a prompt leads a process group, so the launcher forks to give
    the command a session of its own; the job still ends exactly as the command did."""
    report, output = _run_on_terminal(world, "cli", "workspace-write", ending)
    assert report["status"] == status, output


def test_ctrl_c_reaches_the_sandboxed_command(world: World) -> None:
    """The terminal's ^C goes to the foreground job (the launcher), which passes it on."""
    body = "import time; print('READY', flush=True); time.sleep(600)"
    report, output = _run_on_terminal(world, "cli", "workspace-write", body, b"READY")
    assert report["status"] == -2, output


def test_pty_command_keeps_its_own_terminal(world: World, policy: str) -> None:
    """exec_command tty=true: the command's own pty is its controlling terminal (/dev/tty)."""
    body = """
    def go():
        assert os.isatty(0) and os.isatty(1)
        # ttyname() finds a name, as in 0.169 (bubblewrap binds the pty on /dev/console)
        assert os.ttyname(0) == '/dev/console', os.ttyname(0)
        with open('/dev/tty', 'w') as tty:
            tty.write('own-tty-ok\\n')
    attempt(go)
    """
    outcome = attempt(world, "agent-pty", policy, body)
    assert outcome.returncode == ESCAPED, outcome.output
    assert "own-tty-ok" in outcome.output


# ---- 5. protected names that do not exist yet -----------------------------------------------

_CREATE = {
    "mkdir-codex": "os.mkdir('.codex')",
    "makedirs-codex": "os.makedirs('.codex/x')",
    "symlink-codex": "os.symlink('src', '.codex')",
    "rename-into-codex": "os.rename('src/movable', '.codex')",
    "mkdir-agents": "os.mkdir('.agents')",
    "symlink-agents": "os.symlink('src', '.agents')",
    "mkdir-git": "os.mkdir('.git')",
}


def _lock_file(world: World) -> Path:
    """The launcher's per-root placeholder lock (see sandbox_linux.c)."""
    st = os.stat(world.ws)
    return Path(f"/tmp/codex-sandbox-{world.uid}/{st.st_dev}-{st.st_ino}.lock")


def wait_for_cleanup(world: World) -> None:
    wait_for_placeholder_cleanup(world.ws, world.uid)


def _holders(lock: Path) -> set[int]:
    """Pids with `lock` open (the placeholder helpers of the sandboxes running in that root)."""
    out: set[int] = set()
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
            if any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(lock) for fd in fds):
                out.add(int(pid))
        except OSError:
            continue
    return out


def _wait_gone(pids: set[int]) -> None:
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            select.select([fd], [], [])
        finally:
            os.close(fd)


@pytest.mark.parametrize("path", ["cli", "agent"])
@pytest.mark.parametrize("how", sorted(_CREATE))
def test_missing_protected_name_cannot_be_created(
    world: World, policy: str, path: str, how: str
) -> None:
    """Each missing name is an empty read-only placeholder while the command runs (EEXIST,
    EROFS, EBUSY as in 0.169) and is gone afterwards; only what it held existed before."""
    if how == "mkdir-git":
        shutil.rmtree(world.ws / ".git")
    outcome = attempt(world, path, policy, f"attempt(lambda: {_CREATE[how]})")
    assert_denied(outcome, "EACCES", "EROFS", "EPERM", "EEXIST", "EBUSY")
    wait_for_cleanup(world)
    assert not os.path.lexists(world.ws / ".codex")
    assert not os.path.lexists(world.ws / ".agents")
    assert os.path.lexists(world.ws / ".git") == (how != "mkdir-git")
    assert (world.ws / "src" / "movable").is_dir()


@pytest.mark.parametrize("path", ["cli", "agent"])
def test_missing_names_leave_the_top_level_writable(world: World, path: str) -> None:
    """Placeholders, not a frozen top level: new top-level directories (build/, .venv,
    node_modules) and symlinks work with .codex and .agents missing (they failed with EACCES
    before), and no placeholder is left in the tree afterwards."""
    body = """
    def go():
        os.mkdir('build')
        os.mkdir('node_modules')
        os.symlink('src', 'link')
        open('top.txt', 'x').write('x')
        os.mkdir('src/newdir')
        os.rename('src/movable', 'moved')
        assert sorted(n for n in os.listdir('.') if n in ('.codex', '.agents')) == [
            '.agents', '.codex'], os.listdir('.')
    attempt(go)
    """
    outcome = attempt(world, path, "workspace-write-no-tmp", body)
    assert outcome.returncode == ESCAPED, outcome.output
    assert (world.ws / "build").is_dir() and (world.ws / "moved").is_dir()
    assert os.readlink(world.ws / "link") == "src"
    wait_for_cleanup(world)
    assert not any(os.path.lexists(world.ws / n) for n in (".codex", ".agents"))


def test_venv_at_the_top_level(world: World) -> None:
    """`python -m venv .venv` in a workspace without .codex/.agents (was EACCES)."""
    outcome = attempt(
        world,
        "cli",
        "workspace-write",
        "import venv; attempt(lambda: venv.create('.venv', with_pip=False))",
    )
    assert outcome.returncode == ESCAPED, outcome.output
    assert (world.ws / ".venv" / "bin" / "python").exists()
    wait_for_cleanup(world)
    assert not os.path.lexists(world.ws / ".codex")


def _start_waiting(world: World, body: str) -> subprocess.Popen[str]:
    """A sandboxed command that prints READY, then waits for a line on stdin before `body`."""
    argv, env = _driver_argv(world, "cli", "workspace-write", READY_THEN + body)
    proc = subprocess.Popen(
        argv, cwd=world.ws, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "READY"
    return proc


READY_THEN = "print('READY', flush=True)\nsys.stdin.readline()\n"


def _finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write("go\n")
    proc.stdin.flush()
    rest = proc.stdout.read()
    return proc.wait(timeout=120), rest


def test_concurrent_sandboxes_keep_each_others_placeholders(world: World) -> None:
    """The first sandbox in a root (it made the placeholders) ends while a second, started
    after it, still runs: the placeholders stay (removing one would lazily detach the mount in
    the second's namespace), so the second still cannot create .codex. After both: none."""
    lock = _lock_file(world)
    first = _start_waiting(world, "attempt(lambda: None)")
    second = None
    try:
        first_helper = _holders(lock)
        assert first_helper, "the first command's helper holds the root's lock"
        mkdir = "attempt(lambda: os.mkdir('.codex/x' if os.path.isdir('.codex') else '.codex'))"
        second = _start_waiting(world, mkdir)
        assert _holders(lock) > first_helper, "the second one holds it too"
        code, out = _finish(first)
        assert code == ESCAPED, out
        _wait_gone(first_helper)  # the first one's cleanup has run (and must have held off)
        assert (world.ws / ".codex").is_dir()
        code, out = _finish(second)
        assert code == DENIED, out
    finally:
        for proc in (first, second):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait()
    wait_for_cleanup(world)
    assert not any(os.path.lexists(world.ws / n) for n in (".codex", ".agents"))


def test_top_level_mkdir_when_every_name_exists(world: World) -> None:
    for name in (".codex", ".agents"):
        (world.ws / name).mkdir()
        os.chown(world.ws / name, world.uid, world.uid)
    outcome = attempt(world, "cli", "workspace-write", "attempt(lambda: os.mkdir('build'))")
    assert outcome.returncode == ESCAPED, outcome.output
    assert (world.ws / "build").is_dir()
