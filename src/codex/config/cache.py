"""The validated-config cache: a run whose configuration pydantic had to validate before reuses
that `Config` (pickled) instead of importing pydantic and building its validators again.

Consulted only for what the pydantic-free fast path (codex.config.fast_validate) declines: that
path builds a valid configuration in less time than a lookup here takes, and storing its result
would put a file into every fresh CODEX_HOME for nothing (~5 ms on a cold first thread start).

One file per configuration under `$CODEX_HOME/cache/config/<key>.pickle` (directory 0700, files
0600, written atomically, read only when owned by us and not group/world-writable). The key is a
sha256 of the codex and Python versions, the size and mtime of the modules that define and
validate `Config` (an edited schema never meets a stale pickle), `$HOME` (`~` expansion) and a
type-tagged dump of exactly the data handed to validation. Only valid configs are stored, so
errors are reported every time. Every failure here falls back to validation silently (debug
log). Loading a config never puts the first file into a fresh, empty CODEX_HOME: the cache is
used only where codex already keeps something.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from codex.config.model import Config

log = logging.getLogger(__name__)

KEEP = 32
"""How many cached configurations to keep (the most recently used)."""

_MODULES = (
    "types.py",
    "schema.py",
    "features.py",
    "model.py",
    "layers.py",
    "validate.py",
    "fast_validate.py",
)


class _Uncacheable(Exception):
    """A value whose type the key cannot tell apart from another: just validate."""


def cache_dir(codex_home: Path) -> Path:
    return codex_home / "cache" / "config"


def cache_key(data: dict[str, Any]) -> str | None:
    """The key of the configuration `data`, or None when it cannot be cached."""
    try:
        import hashlib

        import orjson

        from codex import __version__

        digest = hashlib.sha256(b"codex-config-cache/1\0")
        digest.update(f"{__version__}\0{sys.version}\0".encode())
        digest.update(_fingerprint().encode())
        digest.update(os.environ.get("HOME", "").encode(errors="surrogateescape") + b"\0")
        digest.update(orjson.dumps(_tagged(data)))
        return digest.hexdigest()
    except Exception as err:  # an odd value or an unreadable module: no cache this time
        log.debug("config cache: no key (%s)", err)
        return None


def load(codex_home: Path, key: str) -> Config | None:
    """The cached `Config` for `key`, or None (missing, unreadable, corrupt, stale class)."""
    path = cache_dir(codex_home) / f"{key}.pickle"
    try:
        with open(path, "rb") as handle:
            st = os.fstat(handle.fileno())
            if st.st_uid != os.geteuid() or st.st_mode & 0o022:
                log.debug("config cache: %s is not ours alone; ignored", path)
                return None
            data = handle.read()
    except OSError:
        return None
    try:
        import pickle

        from codex.config.model import Config

        config = pickle.loads(data)
        if type(config) is not Config:
            raise TypeError(f"holds a {type(config).__name__}")
    except Exception as err:
        log.debug("config cache: ignoring %s (%s)", path, err)
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # most recently used: kept by the pruning
    return config


def store(codex_home: Path, key: str, config: Config) -> None:
    """Remember a validated config; quietly does nothing where that is not possible."""
    try:
        if not _in_use(codex_home):
            return
        import pickle

        from codex._atomic import replace_file
        from codex.config.schema import evolve

        bare = evolve(config)
        object.__setattr__(bare, "_origins", {})  # origins are this run's, set on every load
        payload = pickle.dumps(bare, protocol=pickle.HIGHEST_PROTOCOL)
        directory = cache_dir(codex_home)
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        replace_file(directory / f"{key}.pickle", payload, 0o600)
        _prune(directory)
    except Exception as err:
        log.debug("config cache: not stored (%s)", err)


def _in_use(codex_home: Path) -> bool:
    """An existing, writable CODEX_HOME that already holds something."""
    if not os.access(codex_home, os.W_OK | os.X_OK):
        return False
    with os.scandir(codex_home) as entries:
        return next(entries, None) is not None


def _prune(directory: Path) -> None:
    entries = []
    for entry in os.scandir(directory):
        if entry.name.endswith(".pickle"):
            with contextlib.suppress(OSError):
                entries.append((entry.stat().st_mtime_ns, entry.path))
    entries.sort(reverse=True)
    for _, stale in entries[KEEP:]:
        with contextlib.suppress(OSError):
            os.unlink(stale)


def _fingerprint() -> str:
    here = Path(__file__).parent
    files = [here / name for name in _MODULES]
    files.append(here.parent / "protocol" / "config_types.py")
    parts = []
    for path in files:
        st = path.stat()
        parts.append(f"{path.name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def _tagged(value: Any) -> Any:
    """A JSON-able form that keeps every type apart (a TOML date is not the string of it)."""
    kind = type(value)
    if kind is str or kind is bool or kind is int or value is None:
        return value
    if kind is dict:
        return {_key(k): _tagged(v) for k, v in value.items()}
    if kind is list:
        return ["l", *(_tagged(v) for v in value)]
    if kind is float:
        return ["f", repr(value)]
    if kind is dt.datetime:
        return ["dt", value.isoformat(), repr(value.tzinfo)]
    if kind is dt.date:
        return ["d", value.isoformat()]
    if kind is dt.time:
        return ["t", value.isoformat()]
    if isinstance(value, Path):
        return ["p", str(value)]
    raise _Uncacheable(kind.__name__)


def _key(name: Any) -> str:
    if type(name) is not str:
        raise _Uncacheable(f"key {type(name).__name__}")
    return name
