"""The permissions part: what the model is told about its sandbox and approval policy.

Facts (tests/fixtures/permissions_official.json, captured from 0.169 by
tests/core/capture_permissions.py): the opening developer message of a thread carries, after the
developer instructions and the skills list, one part wrapped in `<permissions instructions>` …
`</permissions instructions>` that states the sandbox mode and what it lets commands do, whether
the network is reachable, the approval policy and what it means for asking to run a command
outside the sandbox (with a guide to such requests under `on-request`), and, for
`workspace-write`, the writable roots (sorted, duplicates dropped). When the part a turn would
state differs from the one the model last heard (another sandbox, network, approval policy, or
a cwd that changes the writable roots), the turn opens with a developer message holding only the
new part, before its `<environment_context>` update and its user message; a turn that changes
nothing else (a cwd change under full access) sends none.

The wording below is codex-py's own; only the tags and the facts follow 0.169.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from codex._env import getenv
from codex.protocol.items import InputText, Message, ResponseItem
from codex.protocol.sandbox_policy import SandboxPolicy, SandboxPolicyType

OPEN_TAG = "<permissions instructions>"
CLOSE_TAG = "</permissions instructions>"

_SANDBOX_LINES = {
    SandboxPolicyType.READ_ONLY: (
        "Sandbox mode: `read-only`. Commands may read files anywhere but cannot write any."
    ),
    SandboxPolicyType.WORKSPACE_WRITE: (
        "Sandbox mode: `workspace-write`. Commands may read files anywhere and write files in "
        "the working directory and the other writable roots; writing anywhere else needs the "
        "user's approval."
    ),
    SandboxPolicyType.DANGER_FULL_ACCESS: (
        "Sandbox mode: `danger-full-access`. There is no filesystem sandbox: every command may "
        "read and write anything."
    ),
    SandboxPolicyType.EXTERNAL_SANDBOX: (
        "Sandbox mode: `danger-full-access`. Codex applies no filesystem sandbox of its own: "
        "the environment it runs in sets the limits."
    ),
}

_NEVER = (
    "Approval policy: `never`. Nobody will be asked to approve anything: do not set "
    "`sandbox_permissions` to ask for a command to run outside the sandbox, such a command is "
    "refused. Work within the limits above."
)
_UNTRUSTED = (
    "Approval policy: `untrusted`. Every command needs the user's approval before it runs, "
    "except those an exec policy rule explicitly allows."
)
_ON_FAILURE = (
    "Approval policy: `on-failure`. Commands run in the sandbox first; when one fails there, "
    "the user is asked whether to run it again without the sandbox. Do not set "
    "`sandbox_permissions` yourself."
)
_ON_REQUEST = """\
Approval policy: `on-request`. You decide when a command needs to leave the sandbox; the user \
then approves or refuses it (or a rule they approved before already covers it).

Escalate only for a reason the task really has:
- the command has to write outside the writable roots, or needs the network while it is off;
- it has already failed, and the failure looks like the sandbox (permission denied on a \
path you need, DNS or connection errors from an installer or a fetch);
- it would throw work away (deleting files, discarding uncommitted changes or history) and \
the user has not asked for that;
- it opens a window or a browser.
Never look for a different tool or trick to get past a refusal.

To escalate, make the command call itself with `sandbox_permissions: "require_escalated"` \
and a `justification`: one short question the user can answer yes or no, for example \
"Run the test suite with network access so it can download fixtures?". Do not ask in prose \
first. Optionally add a `prefix_rule`, the leading words of the command, which the user may \
approve for all later commands that begin with them, now and in later sessions.

A rule is matched per simple command. A command line is split at `|`, `&&`, `||`, `;` and \
subshells (`( … )`, `$( … )`), and each piece is judged alone: `grep -c TODO src/a.c | wc -l` \
is `["grep", "-c", "TODO", "src/a.c"]` followed by `["wc", "-l"]`. Pieces with redirections, \
substitutions, `NAME=value` assignments or glob characters never match a rule.

A good `prefix_rule` names a family of harmless commands, such as `["cargo", "test"]` or \
`["npm", "run", "lint"]`, rather than one exact command line. Never propose one that would \
run arbitrary code (an interpreter or a shell with its code argument, e.g. `["perl", "-e"]` \
or `["sh", "-c"]`), one for a command that deletes or overwrites data, or one for a command \
fed by a heredoc or here-string."""

_APPROVAL_LINES = {
    "never": _NEVER,
    "untrusted": _UNTRUSTED,
    "on-failure": _ON_FAILURE,
    "on-request": _ON_REQUEST,
}


def writable_roots_for(
    policy: SandboxPolicy, cwd: Path, env: Mapping[str, str] | None = None
) -> list[str]:
    """The roots a `workspace-write` command may write, sorted as 0.169 lists them (the
    sandbox's own list, codex.sandbox.policy, in path order); empty for other modes."""
    from codex.sandbox.policy import writable_roots

    return sorted({root.root for root in writable_roots(policy, str(cwd), env)})


def permissions_text(
    policy: SandboxPolicy,
    approval_policy: str,
    cwd: Path,
    env: Mapping[str, str] | None = None,
) -> str:
    """The whole part, tags included."""
    network = "enabled" if policy.has_full_network_access() else "restricted"
    lines = [OPEN_TAG, f"{_SANDBOX_LINES[policy.type]} Network access: {network}."]
    lines.append(
        _APPROVAL_LINES.get(approval_policy)
        or f"Approval policy: `{approval_policy}`. Ask for escalation only as it allows."
    )
    roots = writable_roots_for(policy, cwd, env)
    if roots:
        lines.append("Writable roots: " + ", ".join(f"`{root}`" for root in roots) + ".")
    lines.append(CLOSE_TAG)
    return "\n".join(lines)


def permissions_message(text: str) -> Message:
    """The developer message a turn opens with when the permissions changed."""
    return Message("developer", [InputText(text)])


def recorded_permissions(items: Iterable[Any]) -> str | None:
    """The last permissions part in a recorded history (None: the model never heard one)."""
    found: str | None = None
    for item in items:
        data = item if isinstance(item, dict) else None
        role = data.get("role") if data is not None else getattr(item, "role", None)
        if role != "developer":
            continue
        parts = data.get("content") if data is not None else getattr(item, "content", None)
        for part in parts or ():
            text = part.get("text") if isinstance(part, dict) else getattr(part, "text", None)
            if isinstance(text, str) and text.startswith(OPEN_TAG):
                found = text
    return found


class PermissionsTracker:
    """The permissions part the model last heard in a thread, so a turn re-states it only when
    it changed. `heard` None: unknown (a resumed history from before the part existed), and
    the first turn takes the current part as known without sending it, as the environment
    context does for such a history."""

    def __init__(self) -> None:
        self.heard: str | None = None
        self._key: tuple[Any, ...] | None = None  # what `heard` was built from

    def _text(self, settings: Any) -> str:
        tmpdir = getenv("TMPDIR", "")
        key = (settings.sandbox_policy, settings.approval_policy, settings.cwd, tmpdir)
        if key == self._key and self.heard is not None:
            return self.heard
        text = permissions_text(settings.sandbox_policy, settings.approval_policy, settings.cwd)
        self._key = key
        return text

    def initial(self, settings: Any) -> str:
        """The part for a new thread's opening developer message (now the one heard)."""
        self.heard = self._text(settings)
        return self.heard

    def seed(self, items: Iterable[Any]) -> None:
        """Know what a resumed history last told the model."""
        self.heard, self._key = recorded_permissions(items), None

    def update(self, settings: Any) -> list[ResponseItem]:
        """What a turn under `settings` opens with: the new part, or nothing."""
        known = self.heard
        text = self._text(settings)
        self.heard = text
        if known is None or known == text:
            return []
        return [permissions_message(text)]
