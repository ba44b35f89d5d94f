"""The environment a command runs with: `shell_environment_policy` (inherit all/core/none,
the default KEY/SECRET/TOKEN excludes, `exclude`, `set`, `include_only`) applied to ours."""

from __future__ import annotations

import os
from typing import Any

_CORE_VARS = ("HOME", "LOGNAME", "PATH", "SHELL", "USER", "USERNAME", "TMPDIR", "TEMP", "TMP")


# The last answer, with what decided it: every session builds the same environment (the Python
# API and the app-server start many in one process), a ~45 us walk of os.environ each time.
_last: tuple[object, dict[bytes, bytes], dict[str, str]] | None = None


def _policy_key(policy: Any) -> object:
    if policy is None:
        return None
    return (
        str(getattr(policy, "inherit", "all")),
        bool(getattr(policy, "ignore_default_excludes", False)),
        tuple(getattr(policy, "exclude", []) or []),
        tuple((getattr(policy, "set", {}) or {}).items()),
        tuple(getattr(policy, "include_only", []) or []),
    )


def build_env(config: Any) -> dict[str, str]:
    """The child environment from `shell_environment_policy` (inherit all/core/none + set): a
    new dict each call, computed again only when the policy or os.environ changed."""
    global _last
    policy = getattr(config, "shell_environment_policy", None)
    key = _policy_key(policy)
    environ = getattr(os.environ, "_data", None)  # the raw mapping, compared without decoding
    last = _last
    if last is not None and environ is not None and last[0] == key and last[1] == environ:
        return dict(last[2])
    env = _build_env(policy)
    if environ is not None:
        _last = (key, dict(environ), dict(env))
    return env


def _build_env(policy: Any) -> dict[str, str]:
    inherit = str(getattr(policy, "inherit", "all")) if policy is not None else "all"
    if inherit == "none":
        env: dict[str, str] = {}
    elif inherit == "core":
        env = {k: v for k, v in os.environ.items() if k in _CORE_VARS}
    else:
        env = dict(os.environ)
    if policy is not None:
        import fnmatch  # lazy: start-up cost, only with a policy table

        if not getattr(policy, "ignore_default_excludes", False):
            for key in list(env):
                upper = key.upper()
                if any(word in upper for word in ("KEY", "SECRET", "TOKEN")):
                    del env[key]
        for pattern in getattr(policy, "exclude", []) or []:
            for key in [k for k in env if fnmatch.fnmatch(k, pattern)]:
                del env[key]
        env.update(getattr(policy, "set", {}) or {})
        include = getattr(policy, "include_only", []) or []
        if include:
            env = {k: v for k, v in env.items() if any(fnmatch.fnmatch(k, p) for p in include)}
    env.setdefault("PATH", os.defpath)
    return env
