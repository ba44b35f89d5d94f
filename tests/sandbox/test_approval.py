"""The approval decision functions against spec-platform §5 (pipeline and behaviour matrix)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from codex.protocol.config_types import AskForApproval
from codex.protocol.sandbox_policy import SandboxPolicy
from codex.sandbox.approval import (
    NEVER_FORBIDS_PROMPT,
    PatchDecision,
    Requirement,
    SandboxPermissions,
    assess_patch_safety,
    decide_exec_approval,
    decide_unmatched_command,
    escalation_rejection,
    first_attempt_sandboxed,
    should_offer_retry_without_sandbox,
)
from codex.sandbox.denial import is_likely_sandbox_denied
from codex.sandbox.execpolicy import Decision, PolicyParser
from codex.sandbox.platform import SandboxType

RO = SandboxPolicy.read_only()
WW = SandboxPolicy.workspace_write()
DANGER = SandboxPolicy.danger_full_access()
RE = SandboxPermissions.REQUIRE_ESCALATED
WRITE_OUT = ["bash", "-lc", "echo hi > /var/test.txt"]
WRITE_WS = ["bash", "-lc", "echo hi > ./test.txt"]
FETCH = ["curl", "http://127.0.0.1:1/"]


def _kind(cmd, approval, sandbox, perms=SandboxPermissions.USE_DEFAULT, **kw) -> Requirement:
    return decide_exec_approval(
        cmd, approval_policy=approval, sandbox_policy=sandbox, sandbox_permissions=perms, **kw
    ).kind


SKIP, ASK, NO = Requirement.SKIP, Requirement.NEEDS_APPROVAL, Requirement.FORBIDDEN


@pytest.mark.parametrize(
    "approval,sandbox,cmd,perms,expected",
    [
        ("on-request", DANGER, WRITE_OUT, "use_default", SKIP),
        ("on-request", DANGER, FETCH, "use_default", SKIP),
        ("untrusted", DANGER, ["echo", "hi"], "use_default", SKIP),
        ("untrusted", DANGER, WRITE_OUT, "use_default", ASK),
        ("on-failure", DANGER, WRITE_OUT, "use_default", SKIP),
        ("never", DANGER, WRITE_OUT, "use_default", SKIP),
        ("untrusted", WW, WRITE_OUT, "use_default", ASK),
        ("on-request", WW, WRITE_OUT, "require_escalated", ASK),
        ("on-request", RO, WRITE_WS, "require_escalated", ASK),
        ("on-request", RO, ["echo", "hi"], "use_default", SKIP),
        ("on-request", RO, FETCH, "use_default", SKIP),
        ("on-request", RO, FETCH, "require_escalated", ASK),
        ("on-failure", RO, WRITE_WS, "use_default", SKIP),
        ("untrusted", RO, WRITE_WS, "use_default", ASK),
        ("never", RO, WRITE_WS, "use_default", SKIP),
        ("never", RO, ["echo", "hi"], "use_default", SKIP),
        ("on-request", WW, WRITE_WS, "use_default", SKIP),
        ("on-failure", WW, WRITE_OUT, "use_default", SKIP),
        ("never", WW, WRITE_OUT, "use_default", SKIP),
        ("untrusted", DANGER, ["git", "reset", "--hard"], "use_default", ASK),
        ("on-request", WW, ["bash", "-lc", "cat <<EOF > x\nhi\nEOF"], "require_escalated", ASK),
        ("on-request", WW, ["bash", "-lc", "cat a && touch b"], "require_escalated", ASK),
        # dangerous commands: prompt, or forbidden under never (unless there is no sandbox)
        ("on-request", WW, ["rm", "-rf", "/"], "use_default", ASK),
        ("never", WW, ["rm", "-rf", "/"], "use_default", NO),
        ("never", DANGER, ["rm", "-rf", "/"], "use_default", SKIP),
        ("untrusted", RO, ["bash", "-lc", "ls && cat x"], "use_default", SKIP),
    ],
)
def test_behaviour_matrix(approval, sandbox, cmd, perms, expected) -> None:
    assert _kind(cmd, approval, sandbox, perms) is expected


def test_never_turns_prompts_into_forbidden_with_reason() -> None:
    parser = PolicyParser()
    parser.parse("p.rules", 'prefix_rule(pattern=["git", "push"], decision="prompt")\n')
    got = decide_exec_approval(
        ["git", "push"],
        approval_policy="never",
        sandbox_policy=WW,
        exec_policy=parser.build(),
    )
    assert got.kind is NO and got.reason == NEVER_FORBIDS_PROMPT


def _policy(text: str):
    parser = PolicyParser()
    parser.parse("test.rules", text)
    return parser.build()


def test_rules_override_heuristics_and_reasons() -> None:
    rules = _policy(
        'prefix_rule(pattern=["git", "push"], decision="prompt", justification="pushes code")\n'
        'prefix_rule(pattern=["git", "reset", "--hard"], decision="forbidden")\n'
        'prefix_rule(pattern=["curl"], decision="forbidden", justification="no downloads")\n'
        'prefix_rule(pattern=["make"], decision="allow")\n'
    )
    push = decide_exec_approval(
        ["git", "push", "origin"],
        approval_policy="on-request",
        sandbox_policy=WW,
        exec_policy=rules,
    )
    assert push.kind is ASK and push.reason == "`git push origin` requires approval: pushes code"
    reset = decide_exec_approval(
        ["git", "reset", "--hard"],
        approval_policy="on-request",
        sandbox_policy=WW,
        exec_policy=rules,
    )
    assert reset.kind is NO
    assert (
        reset.reason
        == "`git reset --hard` rejected: policy forbids commands starting with `git reset --hard`"
    )
    curl = decide_exec_approval(
        ["bash", "-lc", "ls && curl x"],
        approval_policy="never",
        sandbox_policy=DANGER,
        exec_policy=rules,
    )
    assert curl.kind is NO and curl.reason.endswith("rejected: no downloads")
    make = decide_exec_approval(
        ["make", "all"], approval_policy="untrusted", sandbox_policy=WW, exec_policy=rules
    )
    assert make.kind is SKIP and make.bypass_sandbox
    mixed = decide_exec_approval(
        ["bash", "-lc", "make && ls"],
        approval_policy="on-request",
        sandbox_policy=WW,
        exec_policy=rules,
    )
    assert mixed.kind is SKIP and not mixed.bypass_sandbox  # ls allowed by heuristics only


def test_proposed_amendments() -> None:
    got = decide_exec_approval(
        ["cargo", "build"], approval_policy="untrusted", sandbox_policy=WW, prefix_rule=["cargo"]
    )
    assert got.kind is ASK and got.proposed_execpolicy_amendment == ["cargo"]
    banned = decide_exec_approval(
        ["python3", "-c", "1"],
        approval_policy="untrusted",
        sandbox_policy=WW,
        prefix_rule=["python3"],
    )
    assert banned.proposed_execpolicy_amendment == ["python3", "-c", "1"]  # the heuristic one
    too_narrow = decide_exec_approval(
        ["bash", "-lc", "cargo build && npm test"],
        approval_policy="untrusted",
        sandbox_policy=WW,
        prefix_rule=["cargo"],
    )
    assert too_narrow.proposed_execpolicy_amendment != ["cargo"]


def test_unmatched_decision_function() -> None:
    assert decide_unmatched_command(["ls"], "never", RO) is Decision.ALLOW
    assert decide_unmatched_command(["ls"], "untrusted", RO) is Decision.ALLOW
    assert (
        decide_unmatched_command(["ls"], "untrusted", RO, used_complex_parsing=True)
        is Decision.PROMPT
    )
    assert decide_unmatched_command(["make"], "on-request", RO, RE) is Decision.PROMPT
    assert decide_unmatched_command(["make"], "on-request", DANGER, RE) is Decision.ALLOW


def test_escalation_only_under_on_request() -> None:
    assert escalation_rejection("on-request", RE) is None
    assert escalation_rejection("never", "use_default") is None
    msg = escalation_rejection(AskForApproval.NEVER, RE)
    assert msg == (
        "approval policy is never; reject command — you should not ask for escalated "
        "permissions if the approval policy is never"
    )


def test_first_attempt_and_retry() -> None:
    skip = decide_exec_approval(["make"], approval_policy="on-request", sandbox_policy=WW)
    assert first_attempt_sandboxed(skip, WW)
    assert not first_attempt_sandboxed(skip, WW, RE)
    assert not first_attempt_sandboxed(skip, DANGER)
    assert should_offer_retry_without_sandbox("on-failure")
    assert should_offer_retry_without_sandbox("untrusted")
    assert not should_offer_retry_without_sandbox("untrusted", already_approved=True)
    assert not should_offer_retry_without_sandbox("on-request")
    assert not should_offer_retry_without_sandbox("never")


def test_patch_safety(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    cwd = str(tmp_path)
    ws = SandboxPolicy.workspace_write(exclude_slash_tmp=True, exclude_tmpdir_env_var=True)
    auto = assess_patch_safety(["a.py"], approval_policy="on-request", sandbox_policy=ws, cwd=cwd)
    assert auto.decision is PatchDecision.AUTO_APPROVE and auto.sandboxed
    out = assess_patch_safety(["/etc/x"], approval_policy="on-request", sandbox_policy=ws, cwd=cwd)
    assert out.decision is PatchDecision.ASK_USER
    never = assess_patch_safety(["../x"], approval_policy="never", sandbox_policy=ws, cwd=cwd)
    assert never.decision is PatchDecision.REJECT
    assert never.reason == "writing outside of the project; rejected by user approval settings"
    ro = assess_patch_safety(["a"], approval_policy="never", sandbox_policy=RO, cwd=cwd)
    assert ro.reason.startswith("writing is blocked by read-only sandbox")
    danger = assess_patch_safety(
        ["/x"], approval_policy="on-request", sandbox_policy=DANGER, cwd=cwd
    )
    assert danger.decision is PatchDecision.AUTO_APPROVE and not danger.sandboxed
    assert (
        assess_patch_safety(["a"], approval_policy="untrusted", sandbox_policy=ws, cwd=cwd).decision
        is PatchDecision.ASK_USER
    )
    assert (
        assess_patch_safety([], approval_policy="never", sandbox_policy=ws, cwd=cwd).decision
        is PatchDecision.REJECT
    )
    git = assess_patch_safety(
        [".git/config"], approval_policy="on-request", sandbox_policy=ws, cwd=cwd
    )
    assert git.decision is PatchDecision.ASK_USER


@pytest.mark.parametrize(
    "sandbox,code,out,expected",
    [
        (SandboxType.NONE, 1, "Permission denied", False),
        (SandboxType.LINUX, 0, "Permission denied", False),
        (SandboxType.LINUX, 1, "touch: cannot touch 'x': Read-only file system", True),
        (SandboxType.LINUX, 1, "OPERATION NOT PERMITTED", True),
        (SandboxType.LINUX, 127, "sh: nope: not found", False),
        (SandboxType.LINUX, 2, "usage", False),
        (SandboxType.LINUX, 159, "", True),
        (SandboxType.SEATBELT, 159, "", False),
        (SandboxType.LINUX, 1, "plain failure", False),
    ],
)
def test_denial_heuristic(sandbox, code, out, expected) -> None:
    assert is_likely_sandbox_denied(sandbox, code, stderr=out) is expected


def test_never_read_only_write_fails_as_a_denial_for_real(tmp_path: Path) -> None:
    """never + read-only + write in the workspace: runs without a prompt, the sandbox refuses,
    and the heuristic recognises the refusal (spec §5.6)."""
    from codex.sandbox.spawn import run

    req = decide_exec_approval(WRITE_WS, approval_policy="never", sandbox_policy=RO)
    assert req.kind is SKIP and first_attempt_sandboxed(req, RO)
    result = asyncio.run(run(WRITE_WS, RO, cwd=tmp_path, timeout=30))
    assert result.exit_code != 0
    assert b"Read-only file system" in result.stderr
    assert is_likely_sandbox_denied(result.sandbox, result.exit_code, result.stdout, result.stderr)
    assert not (tmp_path / "test.txt").exists()
