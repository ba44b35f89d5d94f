"""`SandboxPolicy` as data, in upstream's JSON form (serde tag "type", kebab-case variants).

Pure data: no file system access here. What a policy means on disk (writable roots and their
read-only carve-outs) is `codex.sandbox.policy`; how it is enforced is `codex.sandbox.spawn`.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from codex._dataclass import dataclass


class SandboxPolicyType(StrEnum):
    DANGER_FULL_ACCESS = "danger-full-access"
    READ_ONLY = "read-only"
    WORKSPACE_WRITE = "workspace-write"
    EXTERNAL_SANDBOX = "external-sandbox"


@dataclass(frozen=True, slots=True)
class SandboxPolicy:
    """One of upstream's four policies. Fields not meaningful for a variant stay at defaults."""

    type: SandboxPolicyType
    writable_roots: tuple[str, ...] = ()
    network_access: bool = False
    exclude_tmpdir_env_var: bool = False
    exclude_slash_tmp: bool = False

    @classmethod
    def read_only(cls, *, network_access: bool = False) -> SandboxPolicy:
        return cls(SandboxPolicyType.READ_ONLY, network_access=network_access)

    @classmethod
    def workspace_write(
        cls,
        writable_roots: tuple[str, ...] | list[str] = (),
        *,
        network_access: bool = False,
        exclude_tmpdir_env_var: bool = False,
        exclude_slash_tmp: bool = False,
    ) -> SandboxPolicy:
        return cls(
            SandboxPolicyType.WORKSPACE_WRITE,
            tuple(str(root) for root in writable_roots),
            network_access,
            exclude_tmpdir_env_var,
            exclude_slash_tmp,
        )

    @classmethod
    def danger_full_access(cls) -> SandboxPolicy:
        return cls(SandboxPolicyType.DANGER_FULL_ACCESS, network_access=True)

    @classmethod
    def external_sandbox(cls, *, network_access: bool = False) -> SandboxPolicy:
        return cls(SandboxPolicyType.EXTERNAL_SANDBOX, network_access=network_access)

    def has_full_disk_write_access(self) -> bool:
        return self.type in (
            SandboxPolicyType.DANGER_FULL_ACCESS,
            SandboxPolicyType.EXTERNAL_SANDBOX,
        )

    def has_full_network_access(self) -> bool:
        return self.type is SandboxPolicyType.DANGER_FULL_ACCESS or self.network_access

    def to_json_dict(self) -> dict[str, Any]:
        """Upstream's serde form: read-only omits a false network_access, workspace-write
        omits empty writable_roots, external-sandbox spells network as restricted/enabled."""
        out: dict[str, Any] = {"type": self.type.value}
        if self.type is SandboxPolicyType.READ_ONLY:
            if self.network_access:
                out["network_access"] = True
        elif self.type is SandboxPolicyType.WORKSPACE_WRITE:
            if self.writable_roots:
                out["writable_roots"] = list(self.writable_roots)
            out["network_access"] = self.network_access
            out["exclude_tmpdir_env_var"] = self.exclude_tmpdir_env_var
            out["exclude_slash_tmp"] = self.exclude_slash_tmp
        elif self.type is SandboxPolicyType.EXTERNAL_SANDBOX:
            out["network_access"] = "enabled" if self.network_access else "restricted"
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_json_dict(), separators=(",", ":"))

    @classmethod
    def from_json_dict(cls, data: dict[str, Any]) -> SandboxPolicy:
        """Parse upstream's form; raises ValueError naming the bad field."""
        if not isinstance(data, dict) or "type" not in data:
            raise ValueError('a sandbox policy is an object with a "type"')
        try:
            kind = SandboxPolicyType(data["type"])
        except ValueError:
            raise ValueError(f"unknown sandbox policy type {data['type']!r}") from None
        network = data.get("network_access", False)
        if kind is SandboxPolicyType.EXTERNAL_SANDBOX:
            if network not in ("restricted", "enabled", False, True):
                raise ValueError("network_access: expected restricted or enabled")
            return cls.external_sandbox(network_access=network in ("enabled", True))
        if kind is SandboxPolicyType.DANGER_FULL_ACCESS:
            return cls.danger_full_access()
        flags = {}
        for key in ("network_access", "exclude_tmpdir_env_var", "exclude_slash_tmp"):
            value = data.get(key, False)
            if not isinstance(value, bool):
                raise ValueError(f"{key}: expected true or false")
            flags[key] = value
        if kind is SandboxPolicyType.READ_ONLY:
            return cls.read_only(network_access=flags["network_access"])
        roots = data.get("writable_roots", [])
        if not isinstance(roots, list) or not all(isinstance(r, str) for r in roots):
            raise ValueError("writable_roots: expected a list of paths")
        return cls.workspace_write(roots, **flags)

    @classmethod
    def from_json(cls, text: str) -> SandboxPolicy:
        return cls.from_json_dict(json.loads(text))
