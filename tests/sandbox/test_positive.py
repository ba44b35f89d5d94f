"""Positive controls: what the sandbox must still allow (else the denials prove nothing)."""

from __future__ import annotations

import os
import socket
import textwrap
from pathlib import Path

from tests.sandbox.conftest import ESCAPED, Layout, ro_policy, run_in_sandbox, run_py, ww_policy

from codex.protocol.sandbox_policy import SandboxPolicy


def test_write_new_file_in_cwd(launcher: str, layout: Layout) -> None:
    result = run_py(
        launcher, ww_policy(), layout.ws, "attempt(lambda: open('new.txt', 'x').write('ok'))"
    )
    assert result.returncode == ESCAPED, result.stdout + result.stderr
    assert (layout.ws / "new.txt").read_text() == "ok"


def test_edit_delete_rename_mkdir_in_cwd(launcher: str, layout: Layout) -> None:
    body = """
    def go():
        open('src/main.py', 'a').write('# edited\\n')
        os.mkdir('build')
        os.rename('src/main.py', 'build/main.py')
        os.symlink('build/main.py', 'link.py')
        os.truncate('build/main.py', 3)
        os.chmod('build/main.py', 0o755)
        os.mkfifo('pipe')
        os.unlink('pipe')
    attempt(go)
    """
    result = run_py(launcher, ww_policy(), layout.ws, body)
    assert result.returncode == ESCAPED, result.stdout + result.stderr
    assert (layout.ws / "build" / "main.py").read_text() == "pri"
    assert os.readlink(layout.ws / "link.py") == "build/main.py"


def test_write_in_added_root(launcher: str, layout: Layout) -> None:
    body = f"attempt(lambda: open({str(layout.extra / 'x.txt')!r}, 'x'))"
    result = run_py(launcher, ww_policy(layout.extra), layout.ws, body)
    assert result.returncode == ESCAPED, result.stdout + result.stderr
    assert (layout.extra / "x.txt").exists()


def test_slash_tmp_writable_by_default(launcher: str, layout: Layout) -> None:
    target = layout.outside / "via-tmp.txt"  # tmp_path lives under /tmp
    policy = SandboxPolicy.workspace_write()
    result = run_py(launcher, policy, layout.ws, f"attempt(lambda: open({str(target)!r}, 'x'))")
    assert result.returncode == ESCAPED, result.stdout + result.stderr
    assert target.exists()


def test_read_anywhere(launcher: str, layout: Layout) -> None:
    for policy in (ro_policy(), ww_policy()):
        result = run_in_sandbox(
            launcher,
            policy,
            layout.ws,
            ["cat", "/etc/hostname", str(layout.outside / "secret.txt")],
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.endswith("outside data\n")


def test_git_dir_readable(launcher: str, layout: Layout) -> None:
    result = run_in_sandbox(launcher, ww_policy(), layout.ws, ["cat", ".git/HEAD"])
    assert result.stdout == "ref: refs/heads/main\n"


def test_dev_null_and_pipes(launcher: str, layout: Layout) -> None:
    result = run_in_sandbox(
        launcher, ro_policy(), layout.ws, ["sh", "-c", "echo hidden > /dev/null; echo shown | cat"]
    )
    assert (result.returncode, result.stdout) == (0, "shown\n")


def test_af_unix_sockets(launcher: str, layout: Layout) -> None:
    """socketpair() always; a pathname server (even in the workspace) only with the network on:
    with it off, socket() is refused for every family (see the launcher's header comment)."""
    server = """
    srv = socket.socket(socket.AF_UNIX)
    srv.bind('sock'); srv.listen(1)
    cli = socket.socket(socket.AF_UNIX); cli.connect('sock')
    conn, _ = srv.accept(); cli.sendall(b'pong'); assert conn.recv(4) == b'pong'
    """
    body = f"""
    def go():
        a, b = socket.socketpair()
        a.sendall(b'ping'); assert b.recv(4) == b'ping'
        try:
{textwrap.indent(textwrap.dedent(server), " " * 12)}
        except PermissionError:
            print('NO-SERVER')
            return
        print('SERVER')
    attempt(go)
    """
    result = run_py(launcher, ww_policy(), layout.ws, body)
    assert result.returncode == ESCAPED, result.stdout + result.stderr
    assert "NO-SERVER" in result.stdout
    (layout.ws / "sock").unlink(missing_ok=True)
    result = run_py(launcher, ww_policy(network=True), layout.ws, body)
    assert result.returncode == ESCAPED, result.stdout + result.stderr
    assert "SERVER" in result.stdout.split()


def test_network_when_allowed(launcher: str, layout: Layout) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    try:
        body = f"attempt(lambda: socket.create_connection(('127.0.0.1', {port}), 5).sendall(b'hi'))"
        for policy in (ww_policy(network=True), ro_policy(network=True)):
            result = run_py(launcher, policy, layout.ws, body)
            assert result.returncode == ESCAPED, result.stdout + result.stderr
            conn, _ = listener.accept()
            assert conn.recv(2) == b"hi"
            conn.close()
    finally:
        listener.close()


def test_network_on_still_confines_files(launcher: str, layout: Layout) -> None:
    body = f"attempt(lambda: open({str(layout.outside / 'n.txt')!r}, 'x'))"
    result = run_py(launcher, ww_policy(network=True), layout.ws, body)
    assert result.returncode == 3


def test_danger_full_access_runs_unconfined(launcher: str, layout: Layout) -> None:
    target = layout.outside / "free.txt"
    policy = SandboxPolicy.danger_full_access()
    result = run_py(launcher, policy, layout.ws, f"attempt(lambda: open({str(target)!r}, 'x'))")
    assert result.returncode == ESCAPED
    status = run_in_sandbox(launcher, policy, layout.ws, ["grep", "Seccomp:", "/proc/self/status"])
    assert status.stdout.split() == ["Seccomp:", "0"]


def test_exit_status_and_signals_pass_through(launcher: str, layout: Layout) -> None:
    assert (
        run_in_sandbox(launcher, ro_policy(), layout.ws, ["sh", "-c", "exit 42"]).returncode == 42
    )
    killed = run_in_sandbox(launcher, ro_policy(), layout.ws, ["sh", "-c", "kill -TERM $$"])
    assert killed.returncode == -15


def test_subprocesses_and_threads_inherit_the_sandbox(launcher: str, layout: Layout) -> None:
    """fork/clone without namespace flags (and pthreads via clone3's ENOSYS fallback) work,
    and children stay confined."""
    body = f"""
    import threading, subprocess
    t = threading.Thread(target=lambda: None); t.start(); t.join()
    rc = subprocess.run(['touch', {str(layout.outside / "child.txt")!r}]).returncode
    print('child rc', rc)
    attempt(lambda: None)
    """
    result = run_py(launcher, ww_policy(), layout.ws, body)
    assert result.returncode == ESCAPED, result.stderr
    assert "child rc 1" in result.stdout
    assert not (layout.outside / "child.txt").exists()


def test_command_cwd_option(launcher: str, layout: Layout) -> None:
    sub = layout.ws / "src"
    result = run_in_sandbox(launcher, ww_policy(), layout.ws, ["pwd"])
    assert result.stdout.strip() == str(layout.ws)
    import subprocess

    done = subprocess.run(
        [
            launcher,
            "--sandbox-policy-cwd",
            str(layout.ws),
            "--sandbox-policy",
            ww_policy().to_json(),
            "--command-cwd",
            str(sub),
            "--",
            "sh",
            "-c",
            "pwd; touch made-here",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout.strip() == str(sub)
    assert (sub / "made-here").exists()


def test_tty_free_interactive_tools(launcher: str, layout: Layout, tmp_path: Path) -> None:
    """A pty can be allocated (python pty / script-like tools) inside the sandbox."""
    body = "import pty\nattempt(lambda: [os.close(fd) for fd in pty.openpty()])"
    result = run_py(launcher, ww_policy(), layout.ws, body)
    assert result.returncode == ESCAPED, result.stdout + result.stderr
