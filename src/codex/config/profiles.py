"""Which profile a run uses, and where its settings come from.

0.169 (checked against the binary) keeps a profile in its own file: `-p NAME` layers
`$CODEX_HOME/NAME.config.toml` over config.toml, under `-c`, the managed config and the flags
(a layer like any other: every key allowed, tables deep-merged). NAME must be a plain name
(letters, digits, `-`, `_`). 0.169 no longer reads the legacy `[profiles.NAME]` table nor the
top-level `profile = "NAME"` selector (both are errors there); codex-py still honours them, so a
config written for earlier releases keeps working:

- only the file exists: it is layered (0.169's behaviour);
- only `[profiles.NAME]` exists: its keys override the top level, as before (the loader applies
  it; `-c` on a top-level key does not beat it, upstream's older precedence);
- both exist: an error naming both, since either reading of them would surprise someone (0.169
  refuses this case too);
- neither exists: `-p NAME` runs without a profile, as 0.169 does, after a one-line warning on
  stderr (0.169 says nothing, which hides a typo); the legacy selector naming nothing stays the
  error `config profile \\`NAME\\` not found`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from codex._dataclass import dataclass
from codex.config.layers import LayeredTree
from codex.config.overrides import ConfigOverrides
from codex.config.paths import ConfigPaths
from codex.errors import UsageError

_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True, slots=True)
class ActiveProfile:
    name: str
    file: Path | None
    """`$CODEX_HOME/NAME.config.toml` when it exists: a layer over config.toml."""
    legacy_table: bool
    """`[profiles.NAME]` exists in the config (legacy: the loader applies it over the top level)."""


def check_profile_flag(name: str | None) -> None:
    """`-p NAME` names a file in CODEX_HOME: a plain name only (0.169's wording; a usage error,
    exit 2, before anything runs)."""
    if name is not None and not _PLAIN_NAME.match(name):
        raise UsageError(f"invalid --profile value `{name}`; pass a plain name such as `work`")


def profile_file(codex_home: Path, name: str) -> Path:
    return codex_home / f"{name}.config.toml"


def select_profile(
    layers: LayeredTree, overrides: ConfigOverrides, paths: ConfigPaths
) -> ActiveProfile | None:
    """The profile of this run (`-p`, else the legacy top-level `profile` key), or None."""
    flagged = overrides.profile is not None
    name = overrides.profile if flagged else _legacy_selector(layers)
    if name is None:
        return None
    if flagged:
        check_profile_flag(name)
    plain = bool(_PLAIN_NAME.match(name))
    profiles = layers.get(("profiles",))
    table = isinstance(profiles, dict) and isinstance(profiles.get(name), dict)
    path = profile_file(paths.codex_home, name) if plain else None
    exists = path is not None and path.exists()
    if exists and table and path is not None:  # `exists` implies a path: said for mypy
        raise UsageError(
            f"profile `{name}` is defined twice, in {path} and as [profiles.{name}] in "
            f"{paths.config_file}; keep one (0.169 reads only {path.name})"
        )
    if exists or table:
        return ActiveProfile(name, path if exists else None, table)
    if not flagged:
        raise UsageError(f"config profile `{name}` not found")
    sys.stderr.write(
        f"codex: warning: profile `{name}` not found (no {path}, no [profiles.{name}] in "
        f"{paths.config_file}); continuing without it\n"
    )
    return None


def _legacy_selector(layers: LayeredTree) -> str | None:
    name = layers.get(("profile",))
    if name is None or isinstance(name, str):
        return name
    origin = layers.origin_at(("profile",))
    where = origin.source.where if origin else "config"
    raise UsageError(f"{where}: profile: expected a string, got {type(name).__name__}")
