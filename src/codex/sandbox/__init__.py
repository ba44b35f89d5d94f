"""Sandbox and approval policy: what a command may touch, and whether it may run at all.

One job: turn policies into enforcement and decisions. Policies → writable roots + read-only
carve-outs (`policy`); spawning a command under a policy through the Linux launcher or Seatbelt
(`spawn`, `seatbelt`); approval decisions, the known-safe command classifier, escalation and
"denied by the sandbox" heuristics (`approval`, `safe_commands`, `denial`); execpolicy rule files
(`execpolicy`). Decision functions are pure; only `spawn` starts processes. Nothing here prompts
the user or talks to the model: the agent loop wires these functions to approval events.

Names are imported lazily so that `from codex.sandbox import decide_exec_approval` does not pull
in asyncio.
"""

from __future__ import annotations

from codex._lazy import lazy_exports

_EXPORTS = {
    "SandboxPolicy": "codex.protocol.sandbox_policy",
    "SandboxPolicyType": "codex.protocol.sandbox_policy",
    "WritableRoot": "codex.sandbox.policy",
    "writable_roots": "codex.sandbox.policy",
    "is_path_writable": "codex.sandbox.policy",
    "policy_for_mode": "codex.sandbox.policy",
    "policy_from_config": "codex.sandbox.policy",
    "SandboxType": "codex.sandbox.platform",
    "SandboxUnavailable": "codex.sandbox.launch",
    "ExecResult": "codex.sandbox.spawn",
    "spawn": "codex.sandbox.spawn",
    "run": "codex.sandbox.spawn",
    "sandboxed_argv": "codex.sandbox.launch",
    "sandbox_type_for": "codex.sandbox.platform",
    "kill_process_group": "codex.sandbox.spawn",
    "is_known_safe_command": "codex.sandbox.safe_commands",
    "command_might_be_dangerous": "codex.sandbox.safe_commands",
    "is_likely_sandbox_denied": "codex.sandbox.denial",
    "SandboxPermissions": "codex.sandbox.approval",
    "ExecApprovalRequirement": "codex.sandbox.approval",
    "decide_exec_approval": "codex.sandbox.approval",
    "should_offer_retry_without_sandbox": "codex.sandbox.approval",
    "assess_patch_safety": "codex.sandbox.approval",
    "ExecPolicy": "codex.sandbox.execpolicy",
    "load_exec_policy": "codex.sandbox.execpolicy",
}

__all__ = sorted(_EXPORTS)


__getattr__ = lazy_exports(globals(), _EXPORTS)
