"""`skills/list`, `skills/config/write` and `skills/extraRoots/set`, as 0.169 answers them
(facts: tests/fixtures/app_server_skills_official.json), over codex.core.skills.

* skills/list: one entry per requested cwd, in request order, echoing the cwd as given (a
  relative one is read against the server's cwd; no cwds: the server's cwd). A cwd that does
  not exist is no error: it lists what the user-level roots hold. Results are cached per cwd
  until `forceReload`, a config write, new extra roots or a watched change (skills_watch.py).
* skills/config/write: exactly one of `path` / `name` (else -32602); writes the
  `[[skills.config]]` entry without checking that such a skill exists, and answers the
  requested state.
* skills/extraRoots/set: absolute paths only; replaces the server's extra roots (they are
  shared by every connection, as 0.169's), which list as user skills, and sends
  `skills/changed` to every connection before the reply.

Params are checked with serde's wording, as params.py does for the other methods.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.errors import RpcError
from codex.app_server.params import _describe, array, string
from codex.app_server.skills_watch import state

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer

# Sent as -32602 (invalid params): one of the few errors 0.169 does not send as -32600.
SELECTOR_ERROR = "skills/config/write requires exactly one of path or name"
RELATIVE_ERROR = "AbsolutePathBuf deserialized without a base path"


def _bool_field(p: dict[str, Any], key: str, *, required: bool) -> bool:
    """A bool field: absent is False (or `missing field` when required); null is a type
    error, as serde's non-Option bool."""
    if key not in p:
        if required:
            raise errors.invalid_params(f"missing field `{key}`")
        return False
    value = p[key]
    if not isinstance(value, bool):
        raise errors.invalid_params(f"invalid type: {_describe(value)}, expected a boolean")
    return value


def _path_string(value: Any) -> str:
    if not isinstance(value, str):
        raise errors.invalid_params(f"invalid type: {_describe(value)}, expected path string")
    return value


def _absolute(value: Any) -> Path:
    """An AbsolutePathBuf: a string, absolute, normalised lexically."""
    text = _path_string(value)
    if not os.path.isabs(text):
        raise errors.invalid_params(RELATIVE_ERROR)
    return Path(os.path.normpath(text))


def roots_for(server: AppServer, cwd: str) -> tuple[Path, ...]:
    """The skill roots 0.169 scans for `cwd` (with the server's extra roots): what a thread
    in `cwd` has watched."""
    from codex.core.skills import skill_roots

    return skill_roots(server.codex_home, Path(cwd), extra_roots=state(server).extra_roots)


def _default_cwd(server: AppServer) -> str:
    return str(server.load_config().cwd)


def _entry(codex_home: Path, cwd: str, extra: tuple[Path, ...], reload: bool) -> dict[str, Any]:
    from codex.core.skills import error_wire, load_skills, skill_wire

    outcome = load_skills(
        codex_home, Path(os.path.abspath(cwd)), extra_roots=extra, force_reload=reload
    )
    return {
        "cwd": cwd,
        "skills": [skill_wire(skill) for skill in outcome.skills],
        "errors": [error_wire(e.path, e.message) for e in outcome.errors],
    }


async def skills_list(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    cwds = [_path_string(c) for c in (array(p, "cwds") or [])] if "cwds" in p else []
    force = _bool_field(p, "forceReload", required=False)
    if not cwds:
        cwds = [_default_cwd(server)]
    skills = state(server)
    extra = skills.extra_roots
    jobs = [(cwd, skills.needs_reload(os.path.abspath(cwd), force)) for cwd in cwds]
    home = server.codex_home
    # Scanning reads many small files: off the event loop, so other connections keep going;
    # one scan at a time (the skills cache is shared), as lists of two connections may overlap.
    async with skills.lock:
        data = await asyncio.to_thread(lambda: [_entry(home, c, extra, r) for c, r in jobs])
    return {"data": data}


async def skills_config_write(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    enabled = _bool_field(p, "enabled", required=True)
    raw_path = p.get("path")
    path = _absolute(raw_path) if raw_path is not None else None
    name = string(p, "name", required=False)
    if (path is None) == (name is None) or (name is not None and not name.strip()):
        raise RpcError(errors.INVALID_PARAMS, SELECTOR_ERROR)
    from codex.core.skills import set_skill_enabled
    from codex.errors import CodexError

    try:
        set_skill_enabled(server.codex_home, enabled=enabled, path=path, name=name)
    except CodexError as exc:
        raise RpcError(errors.INTERNAL_ERROR, f"failed to update skill settings: {exc}") from None
    state(server).invalidate()
    # 0.169 answers the state asked for (its write has no notion of a skill not found).
    return {"effectiveEnabled": enabled}


async def skills_extra_roots_set(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    roots = tuple(_absolute(root) for root in array(p, "extraRoots") or [])
    skills = state(server)
    skills.set_extra_roots(roots)
    from codex.core.skills import set_session_extra_roots

    set_session_extra_roots(roots)  # threads list and inject their skills too, as 0.169
    skills.broadcast()  # before the reply, to every connection, as 0.169
    return {}
