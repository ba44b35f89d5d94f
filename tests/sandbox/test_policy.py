"""SandboxPolicy data, the writable-roots rules, and policy selection from config and flags."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from codex.cli.context import CliContext
from codex.protocol.config_types import SandboxMode
from codex.protocol.sandbox_policy import SandboxPolicy, SandboxPolicyType
from codex.sandbox.policy import is_path_writable, policy_from_config, writable_roots

# ---- JSON form ----


@pytest.mark.parametrize(
    "policy,text",
    [
        (SandboxPolicy.read_only(), '{"type":"read-only"}'),
        (
            SandboxPolicy.read_only(network_access=True),
            '{"type":"read-only","network_access":true}',
        ),
        (
            SandboxPolicy.workspace_write(),
            '{"type":"workspace-write","network_access":false,"exclude_tmpdir_env_var":false,'
            '"exclude_slash_tmp":false}',
        ),
        (
            SandboxPolicy.workspace_write(["/a"], network_access=True, exclude_slash_tmp=True),
            '{"type":"workspace-write","writable_roots":["/a"],"network_access":true,'
            '"exclude_tmpdir_env_var":false,"exclude_slash_tmp":true}',
        ),
        (SandboxPolicy.danger_full_access(), '{"type":"danger-full-access"}'),
        (
            SandboxPolicy.external_sandbox(network_access=True),
            '{"type":"external-sandbox","network_access":"enabled"}',
        ),
    ],
)
def test_upstream_json_form_round_trips(policy: SandboxPolicy, text: str) -> None:
    assert policy.to_json() == text
    assert SandboxPolicy.from_json(text) == policy


@pytest.mark.parametrize(
    "text,needle",
    [
        ("{}", "type"),
        ('{"type":"sometimes"}', "unknown sandbox policy type"),
        ('{"type":"read-only","network_access":"yes"}', "network_access"),
        ('{"type":"workspace-write","writable_roots":"/a"}', "writable_roots"),
    ],
)
def test_bad_policy_json(text: str, needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        SandboxPolicy.from_json(text)


def test_predicates() -> None:
    assert SandboxPolicy.danger_full_access().has_full_disk_write_access()
    assert SandboxPolicy.external_sandbox().has_full_disk_write_access()
    assert not SandboxPolicy.workspace_write().has_full_disk_write_access()
    assert SandboxPolicy.danger_full_access().has_full_network_access()
    assert not SandboxPolicy.read_only().has_full_network_access()


# ---- writable roots ----


def test_roots_order_and_tmp(tmp_path: Path) -> None:
    cwd = tmp_path / "ws"
    cwd.mkdir()
    policy = SandboxPolicy.workspace_write(["extra", "/abs/../other"])
    roots = writable_roots(policy, str(cwd), {"TMPDIR": "/var/tmp/x"})
    assert [r.root for r in roots] == [
        str(cwd / "extra"),
        "/other",
        str(cwd),
        "/tmp",
        "/var/tmp/x",
    ]
    excluded = SandboxPolicy.workspace_write(exclude_slash_tmp=True, exclude_tmpdir_env_var=True)
    assert [r.root for r in writable_roots(excluded, str(cwd), {"TMPDIR": "/x"})] == [str(cwd)]
    assert writable_roots(SandboxPolicy.read_only(), str(cwd)) == []


def test_carve_outs(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / ".agents").mkdir()
    wt = tmp_path / "wt"
    wt.mkdir()
    (wt / ".git").write_text("gitdir: ../repo/.git/worktrees/wt\n")
    (repo / ".git" / "worktrees" / "wt").mkdir(parents=True)
    (wt / ".codex").mkdir()
    policy = SandboxPolicy.workspace_write([str(wt)], exclude_slash_tmp=True)
    roots = {r.root: r for r in writable_roots(policy, str(repo), {})}
    assert roots[str(repo)].read_only_subpaths == (
        str(repo / ".git"),
        str(repo / ".agents"),
        str(repo / ".codex"),  # cwd: protected before it exists
    )
    assert roots[str(wt)].read_only_subpaths == (
        str(wt / ".git"),
        str(repo / ".git" / "worktrees" / "wt"),
        str(wt / ".agents"),  # a root the policy names: protected before it exists
        str(wt / ".codex"),
    )
    tmp_only = SandboxPolicy.workspace_write()
    roots = {r.root: r for r in writable_roots(tmp_only, str(repo), {})}
    if "/tmp" in roots and not os.path.isdir("/tmp/.codex"):
        assert str(Path("/tmp") / ".codex") not in roots["/tmp"].read_only_subpaths


def test_is_path_writable(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    policy = SandboxPolicy.workspace_write(exclude_slash_tmp=True, exclude_tmpdir_env_var=True)
    cwd = str(tmp_path)
    assert is_path_writable(policy, "src/a.py", cwd)
    assert not is_path_writable(policy, ".git/config", cwd)
    assert not is_path_writable(policy, ".codex/config.toml", cwd)
    assert not is_path_writable(policy, ".agents/skills/x/SKILL.md", cwd)  # not there yet
    assert not is_path_writable(policy, "../elsewhere", cwd)
    assert not is_path_writable(policy, "src/../../x", cwd)
    assert is_path_writable(SandboxPolicy.danger_full_access(), "/etc/x", cwd)
    assert not is_path_writable(SandboxPolicy.read_only(), "a", cwd)


# ---- selection from config and flags ----


def _ctx(tmp_path: Path, toml: str) -> CliContext:
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text(toml)
    return CliContext(config_home=str(home))


def test_policy_from_config_defaults_to_read_only(tmp_path: Path) -> None:
    config = _ctx(tmp_path, "").load_config(cwd=tmp_path)
    assert policy_from_config(config) == SandboxPolicy.read_only()


def test_policy_from_config_workspace_table(tmp_path: Path) -> None:
    toml = (
        'sandbox_mode = "workspace-write"\n[sandbox_workspace_write]\n'
        'writable_roots = ["/data"]\nnetwork_access = true\nexclude_slash_tmp = true\n'
    )
    config = _ctx(tmp_path, toml).load_config(cwd=tmp_path)
    policy = policy_from_config(config, add_dirs=["more"])
    assert policy.type is SandboxPolicyType.WORKSPACE_WRITE
    assert policy.writable_roots == ("/data", str(tmp_path / "more"))
    assert policy.network_access and policy.exclude_slash_tmp and not policy.exclude_tmpdir_env_var


def test_flag_overrides_config(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, 'sandbox_mode = "workspace-write"\n')
    config = ctx.load_config(cwd=tmp_path, flag_overrides={"sandbox_mode": "danger-full-access"})
    assert config.sandbox_mode == SandboxMode.DANGER_FULL_ACCESS
    assert policy_from_config(config) == SandboxPolicy.danger_full_access()


def test_profile_sandbox_mode(tmp_path: Path) -> None:
    ctx = _ctx(tmp_path, 'profile = "w"\n[profiles.w]\nsandbox_mode = "workspace-write"\n')
    config = ctx.load_config(cwd=tmp_path)
    assert policy_from_config(config).type is SandboxPolicyType.WORKSPACE_WRITE


def test_policy_json_goes_to_launcher_unchanged(tmp_path: Path) -> None:
    policy = SandboxPolicy.workspace_write([str(tmp_path)], network_access=True)
    assert json.loads(policy.to_json())["writable_roots"] == [os.fspath(tmp_path)]
