"""Approval decisions (spec-platform §5): may this command run, sandboxed or not, and do we ask?

Pure functions of (command, approval policy, sandbox policy, escalation request, execpolicy
rules). The agent loop calls them and turns `NEEDS_APPROVAL` into an approval event; nothing here
prompts, runs or remembers anything.

Pipeline for a shell command (`decide_exec_approval`):
  1. split `bash -lc` scripts into sub-commands (plain scripts), or take a one-command prefix
     (heredocs and redirections: matched against rules, never called safe);
  2. execpolicy rules decide what they match; `decide_unmatched_command` decides the rest;
  3. the strictest decision wins: forbidden → FORBIDDEN with a reason; prompt → NEEDS_APPROVAL
     (or FORBIDDEN under `never`); allow → SKIP, bypassing the sandbox only if every
     sub-command matched an explicit `allow` rule.
Then `first_attempt_sandboxed` and `retry_without_sandbox_reason` drive the run and the
on-failure retry.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from codex.protocol.config_types import AskForApproval
from codex.protocol.sandbox_policy import SandboxPolicy, SandboxPolicyType
from codex.sandbox.execpolicy import Decision, Evaluation, ExecPolicy, RuleMatch
from codex.sandbox.policy import is_path_writable
from codex.sandbox.safe_commands import command_might_be_dangerous, is_known_safe_command
from codex.sandbox.shell_parse import plain_commands, shell_script, single_command_prefix

RETRY_WITHOUT_SANDBOX_REASON = "command failed; retry without sandbox?"
NEVER_FORBIDS_PROMPT = "approval required by policy, but AskForApproval is set to Never"
REJECTED_BY_USER = "rejected by user"

# Prefixes too broad to offer as "always allow" amendments.
BANNED_PREFIX_SUGGESTIONS: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split(" "))
    for p in (
        "python3",
        "python3 -",
        "python3 -c",
        "python",
        "python -",
        "python -c",
        "py",
        "py -3",
        "pythonw",
        "pyw",
        "pypy",
        "pypy3",
        "git",
        "bash",
        "bash -lc",
        "bash -c",
        "sh",
        "sh -c",
        "sh -lc",
        "zsh",
        "zsh -lc",
        "zsh -c",
        "/bin/bash",
        "/bin/bash -lc",
        "/bin/zsh",
        "/bin/zsh -lc",
        "/bin/sh",
        "/bin/sh -c",
        "pwsh",
        "pwsh -Command",
        "pwsh -c",
        "powershell",
        "powershell -Command",
        "powershell -c",
        "env",
        "sudo",
        "node",
        "node -e",
        "perl",
        "perl -e",
        "ruby",
        "ruby -e",
        "php",
        "php -r",
        "lua",
        "lua -e",
        "osascript",
    )
)


class SandboxPermissions(StrEnum):
    """The shell tool's `sandbox_permissions` field."""

    USE_DEFAULT = "use_default"
    REQUIRE_ESCALATED = "require_escalated"
    WITH_ADDITIONAL_PERMISSIONS = "with_additional_permissions"

    @property
    def requests_sandbox_override(self) -> bool:
        return self is not SandboxPermissions.USE_DEFAULT


class Requirement(StrEnum):
    SKIP = "skip"  # run without asking
    NEEDS_APPROVAL = "needs_approval"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True, slots=True)
class ExecApprovalRequirement:
    kind: Requirement
    reason: str | None = None
    bypass_sandbox: bool = False  # SKIP only: every sub-command matched an explicit allow rule
    proposed_execpolicy_amendment: list[str] | None = None  # NEEDS_APPROVAL only


def _policy(value: AskForApproval | str) -> AskForApproval:
    return AskForApproval(value)


def decide_unmatched_command(
    command: Sequence[str],
    approval_policy: AskForApproval | str,
    sandbox_policy: SandboxPolicy,
    sandbox_permissions: SandboxPermissions = SandboxPermissions.USE_DEFAULT,
    *,
    used_complex_parsing: bool = False,
) -> Decision:
    """The heuristic decision for a (sub-)command no execpolicy rule matched."""
    approval = _policy(approval_policy)
    if is_known_safe_command(command) and not used_complex_parsing:
        return Decision.ALLOW
    if command_might_be_dangerous(command):
        if approval is AskForApproval.NEVER:
            return (
                Decision.ALLOW
                if sandbox_policy.has_full_disk_write_access()
                else Decision.FORBIDDEN
            )
        return Decision.PROMPT
    if approval in (AskForApproval.NEVER, AskForApproval.ON_FAILURE):
        return Decision.ALLOW
    if approval is AskForApproval.UNTRUSTED:
        return Decision.PROMPT
    # on-request: the model asks for escalation explicitly; the sandbox holds the rest.
    if sandbox_policy.type in (
        SandboxPolicyType.DANGER_FULL_ACCESS,
        SandboxPolicyType.EXTERNAL_SANDBOX,
    ):
        return Decision.ALLOW
    return Decision.PROMPT if sandbox_permissions.requests_sandbox_override else Decision.ALLOW


def commands_for_exec_policy(command: Sequence[str]) -> tuple[list[list[str]], bool]:
    """(sub-commands, used_complex_parsing) — see the module docstring, step 1."""
    script = shell_script(["bash" if w == "zsh" else w for w in command])
    if script is not None:
        commands = plain_commands(script)
        if commands:
            return commands, False
        prefix = single_command_prefix(script)
        if prefix:
            return [prefix], True
    return [list(command)], False


def decide_exec_approval(
    command: Sequence[str],
    *,
    approval_policy: AskForApproval | str,
    sandbox_policy: SandboxPolicy,
    sandbox_permissions: SandboxPermissions | str = SandboxPermissions.USE_DEFAULT,
    exec_policy: ExecPolicy | None = None,
    prefix_rule: Sequence[str] | None = None,
) -> ExecApprovalRequirement:
    """Whether `command` runs without asking, needs approval, or is refused outright.

    `prefix_rule` is the model's suggested "always allow" prefix; it is offered as
    `proposed_execpolicy_amendment` only when no rule matched, it is not a banned broad prefix,
    and it would allow every sub-command."""
    approval = _policy(approval_policy)
    permissions = SandboxPermissions(sandbox_permissions)
    policy = exec_policy or ExecPolicy()
    commands, complex_parsing = commands_for_exec_policy(command)

    def fallback(cmd: Sequence[str]) -> Decision:
        return decide_unmatched_command(
            cmd, approval, sandbox_policy, permissions, used_complex_parsing=complex_parsing
        )

    evaluation = policy.check_multiple(commands, fallback)
    decision = evaluation.decision or Decision.ALLOW
    if decision is Decision.FORBIDDEN:
        return ExecApprovalRequirement(Requirement.FORBIDDEN, forbidden_reason(command, evaluation))
    if decision is Decision.PROMPT:
        if approval is AskForApproval.NEVER:
            return ExecApprovalRequirement(Requirement.FORBIDDEN, NEVER_FORBIDS_PROMPT)
        amendment = _requested_amendment(prefix_rule, evaluation, policy, commands, fallback)
        if amendment is None and not complex_parsing:
            amendment = _amendment_from_heuristics(evaluation, Decision.PROMPT)
        return ExecApprovalRequirement(
            Requirement.NEEDS_APPROVAL,
            reason=prompt_reason(command, evaluation),
            proposed_execpolicy_amendment=amendment,
        )
    bypass = bool(evaluation.matched_rules) and all(
        m.is_rule and m.decision is Decision.ALLOW for m in evaluation.matched_rules
    )
    return ExecApprovalRequirement(Requirement.SKIP, bypass_sandbox=bypass)


def _amendment_from_heuristics(evaluation: Evaluation, decision: Decision) -> list[str] | None:
    if any(m.is_rule for m in evaluation.matched_rules):
        return None
    for m in evaluation.matched_rules:
        if not m.is_rule and m.decision is decision:
            return list(m.heuristics_command or [])
    return None


def _requested_amendment(
    prefix_rule: Sequence[str] | None,
    evaluation: Evaluation,
    policy: ExecPolicy,
    commands: Iterable[Sequence[str]],
    fallback,
) -> list[str] | None:
    if not prefix_rule or tuple(prefix_rule) in BANNED_PREFIX_SUGGESTIONS:
        return None
    if any(m.is_rule for m in evaluation.matched_rules):
        return None
    trial = ExecPolicy(
        {k: list(v) for k, v in policy.rules_by_program.items()},
        policy.host_executables,
        policy.network_rules,
    )
    trial.add_prefix_rule(prefix_rule, Decision.ALLOW)
    if all(trial.check(cmd, fallback).decision is Decision.ALLOW for cmd in commands):
        return list(prefix_rule)
    return None


def _most_specific(evaluation: Evaluation, decision: Decision) -> RuleMatch | None:
    rules = [m for m in evaluation.matched_rules if m.is_rule and m.decision is decision]
    return max(rules, key=lambda m: len(m.matched_prefix or ()), default=None)


def forbidden_reason(command: Sequence[str], evaluation: Evaluation) -> str:
    text = " ".join(command)
    rule = _most_specific(evaluation, Decision.FORBIDDEN)
    if rule is None:
        return f"`{text}` rejected: blocked by policy"
    if rule.justification:
        return f"`{text}` rejected: {rule.justification}"
    prefix = " ".join(rule.matched_prefix or ())
    return f"`{text}` rejected: policy forbids commands starting with `{prefix}`"


def prompt_reason(command: Sequence[str], evaluation: Evaluation) -> str | None:
    rule = _most_specific(evaluation, Decision.PROMPT)
    if rule is None:
        return None
    text = " ".join(command)
    if rule.justification:
        return f"`{text}` requires approval: {rule.justification}"
    return f"`{text}` requires approval by policy"


def escalation_rejection(
    approval_policy: AskForApproval | str, sandbox_permissions: SandboxPermissions | str
) -> str | None:
    """The shell tool refuses escalation requests unless the policy is on-request; returns the
    message sent back to the model, or None if the request may proceed."""
    approval = _policy(approval_policy)
    if not SandboxPermissions(sandbox_permissions).requests_sandbox_override:
        return None
    if approval is AskForApproval.ON_REQUEST:
        return None
    return (
        f"approval policy is {approval.value}; reject command — you should not ask for "
        f"escalated permissions if the approval policy is {approval.value}"
    )


def first_attempt_sandboxed(
    requirement: ExecApprovalRequirement,
    sandbox_policy: SandboxPolicy,
    sandbox_permissions: SandboxPermissions | str = SandboxPermissions.USE_DEFAULT,
) -> bool:
    """Whether the first run is sandboxed: not when escalation was requested (and approved:
    the caller only gets here after approval) or every sub-command is explicitly allowed."""
    if SandboxPermissions(sandbox_permissions) is SandboxPermissions.REQUIRE_ESCALATED:
        return False
    if requirement.kind is Requirement.SKIP and requirement.bypass_sandbox:
        return False
    return sandbox_policy.type in (SandboxPolicyType.READ_ONLY, SandboxPolicyType.WORKSPACE_WRITE)


def should_offer_retry_without_sandbox(
    approval_policy: AskForApproval | str, *, already_approved: bool = False
) -> bool:
    """After a sandbox denial: on-failure and untrusted ask "retry without sandbox?" (unless
    the user already approved this command); on-request and never hand the failure back."""
    approval = _policy(approval_policy)
    if approval not in (AskForApproval.ON_FAILURE, AskForApproval.UNTRUSTED):
        return False
    return not already_approved


class PatchDecision(StrEnum):
    AUTO_APPROVE = "auto_approve"
    ASK_USER = "ask_user"
    REJECT = "reject"


@dataclass(frozen=True, slots=True)
class PatchSafety:
    decision: PatchDecision
    sandboxed: bool = False  # AUTO_APPROVE: apply under the platform sandbox
    reason: str | None = None


def assess_patch_safety(
    paths: Iterable[str],
    *,
    approval_policy: AskForApproval | str,
    sandbox_policy: SandboxPolicy,
    cwd: str,
    platform_sandbox_available: bool = True,
) -> PatchSafety:
    """apply_patch: auto-approve when every touched path is writable (or on-failure), ask
    otherwise, reject under `never`."""
    approval = _policy(approval_policy)
    paths = list(paths)
    if not paths:
        return PatchSafety(PatchDecision.REJECT, reason="empty patch")
    if approval is AskForApproval.UNTRUSTED:
        return PatchSafety(PatchDecision.ASK_USER)
    writable = all(
        is_path_writable(sandbox_policy, os.path.normpath(os.path.join(cwd, p)), cwd) for p in paths
    )
    if writable or approval is AskForApproval.ON_FAILURE:
        if sandbox_policy.has_full_disk_write_access():
            return PatchSafety(PatchDecision.AUTO_APPROVE, sandboxed=False)
        if platform_sandbox_available:
            return PatchSafety(PatchDecision.AUTO_APPROVE, sandboxed=True)
        if approval is AskForApproval.NEVER:
            return PatchSafety(
                PatchDecision.REJECT, reason="no sandbox available to apply the patch"
            )
        return PatchSafety(PatchDecision.ASK_USER)
    if approval is AskForApproval.NEVER:
        if sandbox_policy.type is SandboxPolicyType.READ_ONLY:
            reason = "writing is blocked by read-only sandbox; rejected by user approval settings"
        else:
            reason = "writing outside of the project; rejected by user approval settings"
        return PatchSafety(PatchDecision.REJECT, reason=reason)
    return PatchSafety(PatchDecision.ASK_USER)
