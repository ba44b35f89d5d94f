"""Seatbelt profile generation (macOS), checked as text on any platform."""

from __future__ import annotations

import os
from pathlib import Path

from codex.protocol.sandbox_policy import SandboxPolicy
from codex.sandbox.seatbelt import BASE_PROFILE, SANDBOX_EXEC, seatbelt_argv, seatbelt_profile


def test_read_only_profile(tmp_path: Path) -> None:
    profile, params = seatbelt_profile(SandboxPolicy.read_only(), str(tmp_path), {})
    assert profile.startswith(BASE_PROFILE)
    assert "(deny default)" in profile
    assert "(allow file-read*)" in profile
    assert "file-write*\n" not in profile and '(regex #"^/")' not in profile
    assert "network-outbound" not in profile
    assert params == []


def test_workspace_write_profile_with_carve_outs(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    extra = tmp_path / "extra"
    extra.mkdir()
    policy = SandboxPolicy.workspace_write([str(extra)], exclude_slash_tmp=True)
    profile, params = seatbelt_profile(policy, str(tmp_path), {"TMPDIR": "/var/folders/x"})
    real = os.path.realpath
    # project roots (the cwd, a named root) protect .git/.agents/.codex before they exist;
    # $TMPDIR only the ones that exist
    protected = (".git", ".agents", ".codex")
    assert params == [
        ("WRITABLE_ROOT_0", real(extra)),
        *[(f"WRITABLE_ROOT_0_EXCLUDED_{i}", real(extra / n)) for i, n in enumerate(protected)],
        ("WRITABLE_ROOT_1", real(tmp_path)),
        *[(f"WRITABLE_ROOT_1_EXCLUDED_{i}", real(tmp_path / n)) for i, n in enumerate(protected)],
        ("WRITABLE_ROOT_2", real("/var/folders/x")),
    ]
    assert '(subpath (param "WRITABLE_ROOT_2"))' in profile
    assert (
        '(require-all (subpath (param "WRITABLE_ROOT_1")) '
        '(require-not (literal (param "WRITABLE_ROOT_1_EXCLUDED_0"))) '
        '(require-not (subpath (param "WRITABLE_ROOT_1_EXCLUDED_0"))) '
        '(require-not (literal (param "WRITABLE_ROOT_1_EXCLUDED_1"))) '
        '(require-not (subpath (param "WRITABLE_ROOT_1_EXCLUDED_1"))) '
        '(require-not (literal (param "WRITABLE_ROOT_1_EXCLUDED_2"))) '
        '(require-not (subpath (param "WRITABLE_ROOT_1_EXCLUDED_2"))))'
    ) in profile
    assert str(tmp_path) not in profile  # paths travel as -D parameters only
    assert "network-outbound" not in profile


def test_network_and_full_access(tmp_path: Path) -> None:
    net, _ = seatbelt_profile(SandboxPolicy.workspace_write(network_access=True), str(tmp_path), {})
    assert "(allow network-outbound)" in net and "(allow network-inbound)" in net
    full, params = seatbelt_profile(SandboxPolicy.danger_full_access(), str(tmp_path), {})
    assert '(allow file-write* (regex #"^/"))' in full and params == []


def test_argv(tmp_path: Path) -> None:
    argv = seatbelt_argv(["ls", "-l"], SandboxPolicy.workspace_write(), cwd=str(tmp_path), env={})
    assert argv[0] == SANDBOX_EXEC == "/usr/bin/sandbox-exec"
    assert argv[1] == "-p"
    assert argv[3].startswith("-DWRITABLE_ROOT_0=")
    assert argv[-3:] == ["--", "ls", "-l"]


def test_balanced_parentheses(tmp_path: Path) -> None:
    for policy in (
        SandboxPolicy.read_only(),
        SandboxPolicy.workspace_write(network_access=True),
        SandboxPolicy.danger_full_access(),
    ):
        profile, _ = seatbelt_profile(policy, str(tmp_path), {})
        depth = 0
        for ch in profile.replace('#"^/"', ""):
            depth += {"(": 1, ")": -1}.get(ch, 0)
            assert depth >= 0
        assert depth == 0
