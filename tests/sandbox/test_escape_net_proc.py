"""Escape attempts through the network, other processes, namespaces and privileges.

Network checks use listeners this test owns on 127.0.0.1 and look, after the sandboxed program
has exited, for any connection or datagram that reached them (non-blocking: nothing to wait for).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.sandbox.conftest import (
    DENIED,
    Layout,
    assert_denied,
    protected,
    ro_policy,
    run_in_sandbox,
    run_py,
    snapshot,
    ww_policy,
)

POLICIES = {"read-only": ro_policy(), "workspace-write": ww_policy()}
BOTH = pytest.mark.parametrize("mode", ["read-only", "workspace-write"])


@pytest.fixture
def tcp_listener() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.setblocking(False)
    yield sock
    sock.close()


@pytest.fixture
def udp_receiver() -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    sock.setblocking(False)
    yield sock
    sock.close()


def _no_connection(listener: socket.socket) -> bool:
    try:
        conn, _ = listener.accept()
    except BlockingIOError:
        return True
    conn.close()
    return False


def _no_datagram(receiver: socket.socket) -> bool:
    try:
        receiver.recv(100)
    except BlockingIOError:
        return True
    return False


@pytest.fixture
def sleeper() -> Iterator[subprocess.Popen[bytes]]:
    """A process outside the sandbox, owned by the test (same uid as the sandboxed one)."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    yield proc
    proc.kill()
    proc.wait()


def _attempt(launcher: str, layout: Layout, mode: str, body: str, *errnos: str) -> None:
    before = snapshot(*protected(layout))
    result = run_py(launcher, POLICIES[mode], layout.ws, body)
    assert_denied(result, before, snapshot(*protected(layout)), *errnos)


# ---- network, with network_access = false ----


@BOTH
def test_tcp_connect_loopback(launcher: str, layout: Layout, mode: str, tcp_listener) -> None:
    port = tcp_listener.getsockname()[1]
    body = f"attempt(lambda: socket.create_connection(('127.0.0.1', {port}), 5))"
    _attempt(launcher, layout, mode, body, "EPERM")
    assert _no_connection(tcp_listener)


@BOTH
def test_udp_sendto_loopback(launcher: str, layout: Layout, mode: str, udp_receiver) -> None:
    port = udp_receiver.getsockname()[1]
    body = f"""
    def go():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b'leak', ('127.0.0.1', {port}))
    attempt(go)
    """
    _attempt(launcher, layout, mode, body, "EPERM")
    assert _no_datagram(udp_receiver)


def test_udp_connect_then_send(launcher: str, layout: Layout, udp_receiver) -> None:
    port = udp_receiver.getsockname()[1]
    body = f"""
    def go():
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect(('127.0.0.1', {port}))
        s.send(b'leak')
    attempt(go)
    """
    _attempt(launcher, layout, "workspace-write", body, "EPERM")
    assert _no_datagram(udp_receiver)


def test_tcp6_connect_loopback(launcher: str, layout: Layout, tcp_listener) -> None:
    port = tcp_listener.getsockname()[1]
    body = f"attempt(lambda: socket.create_connection(('::ffff:127.0.0.1', {port}), 5))"
    _attempt(launcher, layout, "workspace-write", body, "EPERM")
    assert _no_connection(tcp_listener)


@pytest.mark.parametrize(
    "family,kind,proto",
    [
        ("AF_INET", "SOCK_RAW", "socket.IPPROTO_ICMP"),
        ("AF_PACKET", "SOCK_RAW", "0"),
        ("AF_NETLINK", "SOCK_RAW", "0"),
        ("AF_VSOCK", "SOCK_STREAM", "0"),
    ],
)
def test_other_socket_families(launcher: str, layout: Layout, family, kind, proto) -> None:
    body = f"attempt(lambda: socket.socket(socket.{family}, socket.{kind}, {proto}))"
    _attempt(launcher, layout, "workspace-write", body, "EPERM")


def test_inherited_network_socket_on_stdin_is_refused(
    launcher: str, layout: Layout, tcp_listener
) -> None:
    """A TCP socket handed in as fd 0 would bypass the socket() filter: the launcher refuses."""
    port = tcp_listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    try:
        result = run_in_sandbox(
            launcher, ww_policy(), layout.ws, ["/bin/sh", "-c", "echo leak"], stdin=client
        )
    finally:
        client.close()
    assert result.returncode == 120
    assert "network socket" in result.stderr


def test_inherited_network_socket_above_stdio_is_closed(
    launcher: str, layout: Layout, udp_receiver
) -> None:
    port = udp_receiver.getsockname()[1]
    leaked = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    leaked.connect(("127.0.0.1", port))
    fd = leaked.fileno()
    try:
        body = f"attempt(lambda: os.write({fd}, b'leak'))"
        before = snapshot(*protected(layout))
        result = run_py(launcher, ww_policy(), layout.ws, body, pass_fds=(fd,))
        assert_denied(result, before, snapshot(*protected(layout)), "EBADF")
    finally:
        leaked.close()
    assert _no_datagram(udp_receiver)


def test_io_uring_setup(launcher: str, layout: Layout) -> None:
    body = """
    params = ctypes.create_string_buffer(120)
    attempt(lambda: check(libc.syscall(425, 8, params)))
    """
    _attempt(launcher, layout, "workspace-write", body, "EPERM")


# ---- other processes ----


def test_ptrace_sibling(launcher: str, layout: Layout, sleeper) -> None:
    body = f"attempt(lambda: check(libc.ptrace(16, {sleeper.pid}, None, None)))"  # ATTACH
    _attempt(launcher, layout, "workspace-write", body, "EPERM")
    status = Path(f"/proc/{sleeper.pid}/status").read_text()
    assert "TracerPid:\t0" in status


def test_process_vm_writev_sibling(launcher: str, layout: Layout, sleeper) -> None:
    body = f"""
    class iovec(ctypes.Structure):
        _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]
    buf = ctypes.create_string_buffer(8)
    local = iovec(ctypes.cast(buf, ctypes.c_void_p), 8)
    remote = iovec(0x400000, 8)
    attempt(lambda: check(libc.process_vm_writev({sleeper.pid}, ctypes.byref(local), 1,
                                                  ctypes.byref(remote), 1, 0)))
    """
    _attempt(launcher, layout, "workspace-write", body, "EPERM")


def test_kill_process_outside_sandbox(launcher: str, layout: Layout, sleeper) -> None:
    body = f"import signal\nattempt(lambda: os.kill({sleeper.pid}, signal.SIGKILL))"
    _attempt(launcher, layout, "workspace-write", body, "EPERM")
    assert sleeper.poll() is None


def test_proc_pid_root_of_outside_process(launcher: str, layout: Layout) -> None:
    """/proc/<pid>/root of a process outside the sandbox leads to its (writable) view."""
    target = f"/proc/{os.getpid()}/root{layout.outside}/via-proc-root.txt"
    _attempt(launcher, layout, "workspace-write", f"attempt(lambda: open({target!r}, 'x'))")
    assert not (layout.outside / "via-proc-root.txt").exists()


def test_proc_pid_root_into_git_carve_out(launcher: str, layout: Layout) -> None:
    """Through an outside process's root the carve-out is not a read-only mount: Landlock's
    ptrace scoping must still refuse to walk it."""
    target = f"/proc/{os.getpid()}/root{layout.ws}/.git/config"
    _attempt(launcher, layout, "workspace-write", f"attempt(lambda: open({target!r}, 'a'))")


def test_proc_pid_cwd_of_outside_process(launcher: str, layout: Layout, sleeper) -> None:
    os.chdir(layout.root)  # the sleeper inherited pytest's cwd; use ours for a known target
    target = f"/proc/{os.getpid()}/cwd/outside/via-cwd.txt"
    _attempt(launcher, layout, "workspace-write", f"attempt(lambda: open({target!r}, 'x'))")
    assert not (layout.outside / "via-cwd.txt").exists()


def test_proc_self_mem_write(launcher: str, layout: Layout) -> None:
    _attempt(launcher, layout, "read-only", "attempt(lambda: open('/proc/self/mem', 'r+b'))")


# ---- namespaces, mounts, privileges ----


@pytest.mark.parametrize(
    "flag", [0x10000000, 0x00020000, 0x40000000, 0x20000000]
)  # NEWUSER, NEWNS, NEWNET, NEWPID
def test_unshare(launcher: str, layout: Layout, flag: int) -> None:
    _attempt(
        launcher,
        layout,
        "workspace-write",
        f"attempt(lambda: check(libc.unshare({flag})))",
        "EPERM",
    )


def test_setns_into_another_net_namespace(launcher: str, layout: Layout) -> None:
    """A process outside the sandbox sits in a fresh network namespace; joining it would
    leave the sandbox's view (and, with the network on, its filters) behind."""
    holder = subprocess.Popen(
        ["unshare", "--net", "sh", "-c", "echo ready; exec sleep 600"], stdout=subprocess.PIPE
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == b"ready\n"
        ns = f"/proc/{holder.pid}/ns/net"
        assert os.readlink(ns) != os.readlink("/proc/self/ns/net")
        body = f"""
        def go():
            fd = os.open({ns!r}, os.O_RDONLY)
            check(libc.setns(fd, 0))
        attempt(go)
        """
        _attempt(launcher, layout, "workspace-write", body, "EPERM", "EACCES")
    finally:
        holder.kill()
        holder.wait()


def test_remount_root_read_write(launcher: str, layout: Layout) -> None:
    body = """
    MS_REMOUNT, MS_BIND = 32, 4096
    attempt(lambda: check(libc.mount(None, b'/', None, MS_REMOUNT | MS_BIND, None)))
    """
    _attempt(launcher, layout, "workspace-write", body, "EPERM")


def test_unmount_carve_out(launcher: str, layout: Layout) -> None:
    body = f"attempt(lambda: check(libc.umount2({str(layout.ws / '.git').encode()!r}, 2)))"
    _attempt(launcher, layout, "workspace-write", body, "EPERM")


def test_capabilities_are_gone(launcher: str, layout: Layout) -> None:
    result = run_in_sandbox(launcher, ww_policy(), layout.ws, ["cat", "/proc/self/status"])
    fields = dict(line.split(":\t", 1) for line in result.stdout.splitlines() if ":\t" in line)
    assert fields["CapEff"].strip() == "0000000000000000"
    assert fields["CapPrm"].strip() == "0000000000000000"
    assert fields["CapBnd"].strip() == "0000000000000000"
    assert fields["NoNewPrivs"].strip() == "1"
    assert fields["Seccomp"].strip() == "2"


def test_setuid_binary_does_not_change_uid(launcher: str, layout: Layout, cc) -> None:
    """A setuid-nobody helper: were setuid honoured, euid would become 65534."""
    exe = cc(
        "whoami_euid",
        """
        #include <stdio.h>
        #include <unistd.h>
        int main(void) { printf("%d\\n", (int)geteuid()); return 0; }
        """,
    )
    os.chown(exe, 65534, 65534)
    os.chmod(exe, 0o4755)
    direct = subprocess.run([exe], capture_output=True, text=True, check=True)
    assert direct.stdout.strip() == "65534"  # the helper works outside the sandbox
    result = run_in_sandbox(launcher, ww_policy(), layout.ws, [os.fspath(exe)])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(os.geteuid())


def test_file_capabilities_are_ignored(launcher: str, layout: Layout, cc, tmp_path: Path) -> None:
    """cap_chown+ep on a helper that chowns an outside file: no_new_privs must void it."""
    if subprocess.run(["which", "setcap"], capture_output=True).returncode != 0:
        pytest.skip("setcap not installed")
    target = layout.outside / "secret.txt"
    exe = cc(
        "chowner",
        """
        #include <stdio.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            if (chown(argv[1], 65534, 65534)) { perror("chown"); return 3; }
            return 0;
        }
        """,
    )
    subprocess.run(["setcap", "cap_chown+ep", exe], check=True)
    before = snapshot(*protected(layout))
    result = run_in_sandbox(launcher, ww_policy(), layout.ws, [os.fspath(exe), os.fspath(target)])
    # The kernel refuses to exec a cap+ep file whose caps the empty bounding set cannot grant
    # (126, EPERM from execve); were the exec allowed, chown itself must fail (3).
    assert result.returncode in (DENIED, 126), result.stderr
    assert before == snapshot(*protected(layout))


def test_ld_preload_runs_only_inside_the_sandbox(
    launcher: str, layout: Layout, cc, tmp_path: Path
) -> None:
    """LD_PRELOAD handed to the launcher: its constructor must not run before the sandbox
    exists (the launcher is static), and inside it the constructor's write is refused."""
    marker = layout.outside / "preload-was-here"
    lib = cc(
        "libevil.so",
        f"""
        #include <stdio.h>
        __attribute__((constructor)) static void evil(void) {{
            FILE *f = fopen("{marker}", "w");
            if (f) {{ fputs("x", f); fclose(f); }}
        }}
        """,
        "-shared",
        "-fPIC",
    )
    before = snapshot(*protected(layout))
    result = run_in_sandbox(
        launcher, ww_policy(), layout.ws, ["/bin/true"], env={"LD_PRELOAD": os.fspath(lib)}
    )
    assert result.returncode == 0, result.stderr
    assert not marker.exists()
    assert before == snapshot(*protected(layout))


def test_i386_syscall_abi_is_killed(launcher: str, layout: Layout, cc) -> None:
    """int 0x80 uses the 32-bit syscall table, where numbers differ (socketcall = 102):
    the filter's architecture check must kill it, not let it through unfiltered."""
    if os.uname().machine != "x86_64":
        pytest.skip("x86_64 only")
    exe = cc(
        "int80",
        """
        /* socketcall(SYS_SOCKET, {AF_INET, SOCK_DGRAM, 0}); -no-pie keeps args below 4 GiB */
        static unsigned int args[3] = {2, 2, 0};
        int main(void) {
            long ret;
            __asm__ volatile ("int $0x80" : "=a"(ret) : "a"(102), "b"(1), "c"(args) : "memory");
            return ret >= 0 ? 0 : 3;
        }
        """,
        "-no-pie",
    )
    unconfined = subprocess.run([exe], check=False)
    if unconfined.returncode != 0:
        pytest.skip("this kernel has no working 32-bit syscall entry")
    result = run_in_sandbox(launcher, ww_policy(), layout.ws, [os.fspath(exe)])
    assert result.returncode == -31  # SIGSYS
