"""What a policy means on disk: the writable roots and their read-only carve-outs.

The Linux launcher (csrc/sandbox_linux.c) computes the same list from the same policy JSON; the
tests compare the two (`codex-linux-sandbox --explain`). Keep both in step: roots are, in order,
`writable_roots` (relative ones against the cwd), the cwd, `/tmp` (unless `exclude_slash_tmp`,
and only if it is a directory), `$TMPDIR` (unless `exclude_tmpdir_env_var`, if set and
non-empty); duplicates dropped. Inside each root `.git` (directory or file, plus the directory a
`.git` file's `gitdir:` names), `.agents` and `.codex` (directories) stay read-only; in the cwd
and the roots the policy names they are read-only even before they exist. Paths are normalized
lexically, never resolved.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from codex._dataclass import dataclass
from codex.protocol.config_types import SandboxMode
from codex.protocol.sandbox_policy import SandboxPolicy, SandboxPolicyType

if TYPE_CHECKING:
    from codex.config import Config


@dataclass(frozen=True, slots=True)
class WritableRoot:
    root: str
    read_only_subpaths: tuple[str, ...]

    def is_path_writable(self, path: str) -> bool:
        """Whether `path` (absolute, normalized) lies under the root and under no carve-out."""
        if not is_within(path, self.root):
            return False
        return not any(is_within(path, sub) for sub in self.read_only_subpaths)


def is_within(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def normalize(path: str, base: str | None = None) -> str:
    """Absolute, lexically normalized (`..` and `.` collapsed), symlinks untouched."""
    if base is not None and not path.startswith("/"):
        path = os.path.join(base, path)
    out = os.path.normpath(path)
    # POSIX keeps a leading "//"; the kernel (and the C side) treat it as "/".
    return "/" + out.lstrip("/") if out.startswith("//") else out


def _gitdir_target(root: str, dotgit: str) -> str | None:
    try:
        with open(dotgit, encoding="utf-8", errors="surrogateescape") as f:
            line = f.readline()
    except OSError:
        return None
    if not line.startswith("gitdir:"):
        return None
    value = line[len("gitdir:") :].lstrip(" \t").rstrip(" \t\r\n")
    if not value:
        return None
    target = normalize(value, root)
    return target if os.path.exists(target) else None


def read_only_subpaths(root: str, *, project: bool) -> tuple[str, ...]:
    """A project root (the cwd or a root the policy names) protects `.git`, `.agents` and
    `.codex` whether or not they exist yet (the launcher covers a missing one with a read-only
    placeholder directory while the command runs); /tmp and $TMPDIR only protect the ones that
    exist."""
    out: list[str] = []
    git = os.path.join(root, ".git")
    if os.path.exists(git) or project:
        out.append(git)
        if os.path.isfile(git):
            target = _gitdir_target(root, git)
            if target is not None:
                out.append(target)
    agents = os.path.join(root, ".agents")
    if os.path.isdir(agents) or project:
        out.append(agents)
    codex = os.path.join(root, ".codex")
    if os.path.isdir(codex) or project:
        out.append(codex)
    return tuple(dict.fromkeys(out))


def writable_roots(
    policy: SandboxPolicy, cwd: str, env: Mapping[str, str] | None = None
) -> list[WritableRoot]:
    """The roots a command may write under `policy` when run in `cwd` (empty: nothing, or
    everything for full-access policies; ask `policy.has_full_disk_write_access()`)."""
    if policy.type is not SandboxPolicyType.WORKSPACE_WRITE:
        return []
    env = os.environ if env is None else env
    cwd = normalize(cwd)
    candidates = [normalize(root, cwd) for root in policy.writable_roots]
    candidates.append(cwd)
    projects = set(candidates)
    if not policy.exclude_slash_tmp and os.path.isdir("/tmp"):
        candidates.append("/tmp")
    tmpdir = env.get("TMPDIR", "")
    if not policy.exclude_tmpdir_env_var and tmpdir:
        candidates.append(normalize(tmpdir, cwd))
    return [
        WritableRoot(root, read_only_subpaths(root, project=root in projects))
        for root in dict.fromkeys(candidates)
    ]


def is_path_writable(
    policy: SandboxPolicy, path: str, cwd: str, env: Mapping[str, str] | None = None
) -> bool:
    """Whether the sandbox lets a command in `cwd` write `path` (relative to `cwd`)."""
    if policy.has_full_disk_write_access():
        return True
    target = normalize(path, normalize(cwd))
    return any(root.is_path_writable(target) for root in writable_roots(policy, cwd, env))


def policy_for_mode(
    mode: SandboxMode | str,
    *,
    writable_roots: Iterable[str | os.PathLike[str]] = (),
    network_access: bool = False,
    exclude_tmpdir_env_var: bool = False,
    exclude_slash_tmp: bool = False,
) -> SandboxPolicy:
    """The policy a `sandbox_mode` selects; the workspace-write knobs only matter for it."""
    mode = SandboxMode(mode)
    if mode is SandboxMode.DANGER_FULL_ACCESS:
        return SandboxPolicy.danger_full_access()
    if mode is SandboxMode.READ_ONLY:
        return SandboxPolicy.read_only()
    return SandboxPolicy.workspace_write(
        [os.fspath(root) for root in writable_roots],
        network_access=network_access,
        exclude_tmpdir_env_var=exclude_tmpdir_env_var,
        exclude_slash_tmp=exclude_slash_tmp,
    )


def policy_from_config(
    config: Config, *, add_dirs: Iterable[str | os.PathLike[str]] = ()
) -> SandboxPolicy:
    """The effective policy: `config.sandbox_mode` (flags > profile > top level > trust
    default) with `[sandbox_workspace_write]`; `--add-dir` entries append writable roots.
    Without `add_dirs` it depends on the (frozen) config alone: kept per config object
    (codex._memo), as every thread start of a process asks for it."""
    dirs = tuple(add_dirs)
    if dirs:
        return _policy_from_config(config, dirs)
    from codex._memo import per_config

    return per_config.get(config, "sandbox_policy", lambda: _policy_from_config(config, ()))


def _policy_from_config(
    config: Config, add_dirs: tuple[str | os.PathLike[str], ...]
) -> SandboxPolicy:
    ww = config.sandbox_workspace_write
    cwd = os.fspath(config.cwd)
    roots = [normalize(os.fspath(r), cwd) for r in ww.writable_roots]
    roots += [normalize(os.fspath(d), cwd) for d in add_dirs]
    return policy_for_mode(
        config.sandbox_mode,
        writable_roots=roots,
        network_access=ww.network_access,
        exclude_tmpdir_env_var=ww.exclude_tmpdir_env_var,
        exclude_slash_tmp=ww.exclude_slash_tmp,
    )


def as_sandbox_policy(value: SandboxPolicy | Mapping[str, object] | str | None) -> SandboxPolicy:
    """Any accepted spelling of a policy parsed once into a `SandboxPolicy`: the object itself,
    upstream's JSON form (`{"type": "workspace-write", ...}`, fields it leaves out default), a
    mode name (`"read-only"`), or None (read-only). Raises ValueError for anything else; past
    this point nothing handles a policy's JSON."""
    if isinstance(value, SandboxPolicy):
        return value
    if value is None:
        return SandboxPolicy.read_only()
    if isinstance(value, str):
        return SandboxPolicy.from_json_dict({"type": value})
    if isinstance(value, Mapping):
        return SandboxPolicy.from_json_dict(dict(value))
    raise ValueError(f"not a sandbox policy: {value!r}")
