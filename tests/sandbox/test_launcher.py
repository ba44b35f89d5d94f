"""The launcher itself: argv and JSON handling, diagnostics when the kernel says no, the
enumeration fallback for carve-outs, and agreement with the Python writable-roots rules."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.sandbox.conftest import (
    DENIED,
    ESCAPED,
    Layout,
    assert_denied,
    explain,
    protected,
    run_in_sandbox,
    run_py,
    snapshot,
    ww_policy,
)

from codex.protocol.sandbox_policy import SandboxPolicy
from codex.sandbox.policy import writable_roots

# ---- argv and policy JSON ----


def _launch(launcher: str, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [launcher, *args], capture_output=True, text=True, cwd=cwd, check=False, timeout=30
    )


@pytest.mark.parametrize(
    "args,needle",
    [
        ([], "--sandbox-policy is required"),
        (["--sandbox-policy", '{"type":"read-only"}', "--", "true"], "--sandbox-policy-cwd"),
        (
            [
                "--sandbox-policy-cwd",
                "rel",
                "--sandbox-policy",
                '{"type":"read-only"}',
                "--",
                "true",
            ],
            "absolute",
        ),
        (["--sandbox-policy-cwd", "/", "--sandbox-policy", '{"type":"read-only"}'], "no command"),
        (["--bogus"], "unknown argument --bogus"),
        (
            ["--sandbox-policy-cwd", "/", "--sandbox-policy", "{", "--", "true"],
            "bad --sandbox-policy",
        ),
        (
            ["--sandbox-policy-cwd", "/", "--sandbox-policy", '{"type":"nope"}', "--", "true"],
            "unknown policy type",
        ),
        (["--sandbox-policy-cwd", "/", "--sandbox-policy", "{}", "--", "true"], 'no "type"'),
        (
            [
                "--sandbox-policy-cwd",
                "/",
                "--sandbox-policy",
                '{"type":"read-only"} x',
                "--",
                "true",
            ],
            "trailing",
        ),
    ],
)
def test_usage_errors_are_one_line(launcher: str, args: list[str], needle: str) -> None:
    done = _launch(launcher, *args)
    assert done.returncode == 120
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("codex-linux-sandbox: ")
    assert needle in done.stderr


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=80))
def test_arbitrary_policy_text_never_crashes(launcher: str, text: str) -> None:
    if "\x00" in text:
        return
    done = _launch(launcher, "--sandbox-policy-cwd", "/", "--sandbox-policy", text, "--", "true")
    assert done.returncode in (0, 120), done.stderr


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.text(st.characters(blacklist_characters="\x00/", codec="utf-8"), min_size=1, max_size=8),
        max_size=3,
    ),
    st.booleans(),
)
def test_json_strings_decode_like_python(launcher: str, names: list[str], net: bool) -> None:
    """Escapes, \\u sequences and surrogate pairs in writable_roots reach the same paths."""
    import json

    roots = ["/nonexistent-codex/" + n for n in names]
    policy = SandboxPolicy.workspace_write(
        roots, network_access=net, exclude_slash_tmp=True, exclude_tmpdir_env_var=True
    )
    text = json.dumps(policy.to_json_dict(), ensure_ascii=True)
    done = _launch(
        launcher, "--sandbox-policy-cwd", "/nonexistent-cwd", "--sandbox-policy", text, "--explain"
    )
    assert done.returncode == 0, done.stderr
    got = json.loads(done.stdout)
    expected = [os.path.normpath(r) for r in dict.fromkeys(roots)]
    assert [r["root"] for r in got["writable_roots"]][: len(expected)] == expected
    assert got["network_access"] is net


def test_command_not_found_and_not_executable(launcher: str, layout: Layout) -> None:
    missing = run_in_sandbox(launcher, ww_policy(), layout.ws, ["no-such-command-xyz"])
    assert missing.returncode == 127 and "no-such-command-xyz" in missing.stderr
    script = layout.ws / "notexec.sh"
    script.write_text("#!/bin/sh\n")
    denied = run_in_sandbox(launcher, ww_policy(), layout.ws, [str(script)])
    assert denied.returncode == 126


# ---- the writable-roots rules, C vs Python ----


def _cases(tmp_path: Path) -> list[tuple[SandboxPolicy, Path, dict[str, str]]]:
    ws = tmp_path / "ws"
    (ws / ".git").mkdir(parents=True)
    (ws / ".agents").mkdir()
    wt = tmp_path / "wt"
    wt.mkdir()
    (wt / ".git").write_text("gitdir: ../ws/.git\n")
    (wt / ".codex").write_text("a file, not a dir")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / ".git").write_text("gitdir: /does/not/exist\n")
    env = {"PATH": "/usr/bin:/bin"}
    return [
        (SandboxPolicy.read_only(), ws, env),
        (SandboxPolicy.workspace_write(), ws, env),
        (SandboxPolicy.workspace_write(), ws, {**env, "TMPDIR": str(tmp_path / "t")}),
        (SandboxPolicy.workspace_write(exclude_slash_tmp=True), ws, {**env, "TMPDIR": "rel/tmp"}),
        (
            SandboxPolicy.workspace_write(
                ["../wt", str(bad), str(ws)], exclude_tmpdir_env_var=True
            ),
            ws,
            {**env, "TMPDIR": "/x"},
        ),
        (SandboxPolicy.workspace_write([str(wt) + "//./sub/.."]), wt, env),
        (SandboxPolicy.workspace_write(["/nonexistent/a/../b"], network_access=True), bad, env),
    ]


def test_explain_matches_python_rules(launcher: str, tmp_path: Path) -> None:
    for policy, cwd, env in _cases(tmp_path):
        got = explain(launcher, policy, cwd, env)
        expected = [
            {"root": r.root, "read_only_subpaths": list(r.read_only_subpaths)}
            for r in writable_roots(policy, str(cwd), env)
        ]
        assert got["writable_roots"] == expected, policy
        assert got["policy"] == policy.type.value
        assert got["network_access"] is policy.network_access


def test_explain_reports_mount_mode(launcher: str, layout: Layout) -> None:
    got = explain(launcher, ww_policy(), layout.ws, {"PATH": "/usr/bin:/bin"})
    assert got["carve_outs"] == "mounts"


def test_explain_names_guarded_roots(launcher: str, layout: Layout) -> None:
    """A project root missing .git, .codex or .agents is listed (it gets read-only placeholders
    in mount mode, a top level without new directories where they cannot be made); /tmp never
    is, and a root with all three is not."""
    env = {"PATH": "/usr/bin:/bin"}
    policy = SandboxPolicy.workspace_write([str(layout.extra)])
    got = explain(launcher, policy, layout.ws, env)
    assert got["guarded_roots"] == [str(layout.extra)]
    for root in got["writable_roots"]:
        if root["root"] == str(layout.extra):
            assert root["read_only_subpaths"] == [
                str(layout.extra / name) for name in (".git", ".agents", ".codex")
            ]
    (layout.ws / ".codex").rename(layout.ws / "codex-moved")
    assert explain(launcher, policy, layout.ws, env)["guarded_roots"] == [
        str(layout.extra),
        str(layout.ws),
    ]


# ---- when the kernel says no: a wrapper that makes chosen syscalls fail, then execs ----

DENY_WRAPPER = r"""
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>
/* usage: deny NR:ERRNO[,NR:ERRNO...] CMD ARGS... */
int main(int argc, char **argv) {
    struct sock_filter f[64]; int n = 0;
    f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, nr));
    for (char *tok = strtok(argv[1], ","); tok; tok = strtok(NULL, ",")) {
        int nr, err; sscanf(tok, "%d:%d", &nr, &err);
        f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1);
        f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err);
    }
    f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
    struct sock_fprog prog = {n, f};
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
        prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
        perror("deny"); return 99;
    }
    execv(argv[2], argv + 2); perror("execv"); return 98;
}
"""


@pytest.fixture(scope="session")
def deny(cc):
    return cc("deny", "#include <string.h>\n" + DENY_WRAPPER)


def _denied_run(deny: Path, rules: str, launcher: str, layout: Layout, *cmd: str):
    return subprocess.run(
        [
            str(deny),
            rules,
            launcher,
            "--sandbox-policy-cwd",
            str(layout.ws),
            "--sandbox-policy",
            ww_policy().to_json(),
            "--",
            *cmd,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=layout.ws,
    )


def test_no_landlock_is_one_actionable_line_and_nothing_runs(deny, launcher, layout) -> None:
    marker = layout.ws / "ran"
    done = _denied_run(deny, "444:38", launcher, layout, "touch", str(marker))  # ENOSYS
    assert done.returncode == 121
    assert done.stderr.count("\n") == 1
    assert "Landlock" in done.stderr and "--sandbox danger-full-access" in done.stderr
    assert not marker.exists()


def test_landlock_disabled_at_boot(deny, launcher, layout) -> None:
    done = _denied_run(deny, "444:95", launcher, layout, "true")  # EOPNOTSUPP
    assert done.returncode == 121 and "disabled at boot" in done.stderr


def test_no_seccomp_is_one_actionable_line_and_nothing_runs(deny, launcher, layout) -> None:
    marker = layout.ws / "ran"
    done = _denied_run(deny, "317:22", launcher, layout, "touch", str(marker))  # seccomp: EINVAL
    assert done.returncode == 122
    assert done.stderr.count("\n") == 1
    assert "seccomp" in done.stderr and "--sandbox danger-full-access" in done.stderr
    assert not marker.exists()


def test_no_new_privs_refused(deny, launcher, layout) -> None:
    done = _denied_run(deny, "157:22", launcher, layout, "true")  # prctl: EINVAL
    assert done.returncode == 123 and done.stderr.count("\n") == 1


def test_no_mount_namespace_falls_back_to_enumeration(deny, launcher, layout) -> None:
    """unshare() refused (a container, or userns disabled): carve-outs by enumeration."""
    done = subprocess.run(
        [
            str(deny),
            "272:1",
            launcher,
            "--sandbox-policy-cwd",
            str(layout.ws),
            "--sandbox-policy",
            ww_policy().to_json(),
            "--explain",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"carve_outs":"enumeration"' in done.stdout


@pytest.mark.parametrize(
    "body",
    [
        "attempt(lambda: open('.git/config', 'a').write('x'))",
        "attempt(lambda: open('.git/hooks/pre-commit', 'x'))",
        "attempt(lambda: os.rename('.git', 'g'))",
        "attempt(lambda: open('.codex/config.toml', 'w'))",
        "attempt(lambda: open('.agents/notes.md', 'a'))",
        "attempt(lambda: os.unlink('.git/HEAD'))",
    ],
)
def test_enumeration_mode_carve_outs(deny, launcher, layout, body) -> None:
    from tests.sandbox.conftest import PRELUDE

    before = snapshot(*protected(layout))
    done = _denied_run(
        deny, "272:1", launcher, layout, os.sys.executable, "-I", "-c", PRELUDE + body
    )
    assert done.returncode == DENIED, done.stdout + done.stderr
    assert before == snapshot(*protected(layout))


def test_enumeration_mode_missing_codex_cannot_be_created(deny, launcher, layout, tmp_path) -> None:
    ws = tmp_path / "fresh"
    (ws / "src").mkdir(parents=True)
    from tests.sandbox.conftest import PRELUDE

    layout2 = Layout(tmp_path, ws, layout.outside, layout.extra)
    done = _denied_run(
        deny,
        "272:1",
        launcher,
        layout2,
        os.sys.executable,
        "-I",
        "-c",
        PRELUDE + "attempt(lambda: os.mkdir('.codex'))",
    )
    assert done.returncode == DENIED
    assert not (ws / ".codex").exists()


def test_enumeration_mode_writes_below_top_level(deny, launcher, layout) -> None:
    from tests.sandbox.conftest import PRELUDE

    body = "attempt(lambda: open('src/new.py', 'x') and open('src/main.py', 'a').write('#'))"
    done = _denied_run(
        deny, "272:1", launcher, layout, os.sys.executable, "-I", "-c", PRELUDE + body
    )
    assert done.returncode == ESCAPED, done.stdout + done.stderr
    assert (layout.ws / "src" / "new.py").exists()


def test_enumeration_mode_outside_still_denied(deny, launcher, layout) -> None:
    from tests.sandbox.conftest import PRELUDE

    before = snapshot(*protected(layout))
    target = layout.outside / "e.txt"
    body = f"attempt(lambda: open({str(target)!r}, 'x'))"
    done = _denied_run(
        deny, "272:1", launcher, layout, os.sys.executable, "-I", "-c", PRELUDE + body
    )
    assert done.returncode == DENIED
    assert before == snapshot(*protected(layout))


def test_read_only_policy_mount_layer_protects_cwd(launcher: str, layout: Layout) -> None:
    before = snapshot(layout.ws)
    result = run_py(
        launcher, SandboxPolicy.read_only(), layout.ws, "attempt(lambda: os.chmod('src', 0o700))"
    )
    assert_denied(result, before, snapshot(layout.ws))


def test_die_with_parent(launcher: str, layout: Layout) -> None:
    """The agent dies: its sandboxed command must not live on. We become a subreaper so the
    orphan is reparented to us and waitpid tells how it ended (no polling, no sleeps)."""
    import ctypes
    import signal
    import sys

    libc = ctypes.CDLL(None, use_errno=True)
    assert libc.prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
    try:
        parent_code = (
            "import os, sys\n"
            "r, w = os.pipe()\n"
            f"argv = [{launcher!r}, '--sandbox-policy-cwd', {str(layout.ws)!r},"
            " '--sandbox-policy', '{\"type\":\"read-only\"}', '--die-with-parent',"
            " '--', 'sh', '-c', 'echo ready; exec sleep 60']\n"
            "out = [(os.POSIX_SPAWN_DUP2, w, 1)]\n"
            "pid = os.posix_spawn(argv[0], argv, os.environ, file_actions=out)\n"
            "os.close(w)\n"
            "os.read(r, 6)\n"
            "print(pid, flush=True)\n"
            "os._exit(0)\n"
        )
        done = subprocess.run([sys.executable, "-c", parent_code], capture_output=True, text=True)
        grandchild = int(done.stdout)
        _, status = os.waitpid(grandchild, 0)
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    finally:
        libc.prctl(36, 0, 0, 0, 0)
