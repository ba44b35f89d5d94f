"""Where configuration lives: `$CODEX_HOME` and the config file, resolved once to absolute paths.

Order for the home: `--config-home` > `$CODEX_HOME` > `~/.codex`. Order for the file:
`--config-file` > `$CODEX_CONFIG_FILE` > `$CODEX_HOME/config.toml`. Auth, sessions and logs always
live in the home, even when the config file is elsewhere. Resolving never creates anything.
`log_dir` is the one rule for where codex's log files go (the TUI's, a batch run's, the login
log, MCP servers' stderr): every writer of a log file asks it, none spells `$CODEX_HOME/log`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from codex._dataclass import dataclass
from codex.config.overrides import ConfigOverrides
from codex.errors import UsageError

CONFIG_TOML = "config.toml"
MANAGED_CONFIG_TOML = "managed_config.toml"
SYSTEM_MANAGED_CONFIG = Path("/etc/codex/managed_config.toml")


@dataclass(frozen=True, slots=True)
class ConfigPaths:
    """The resolved home and config file every reader and writer uses."""

    codex_home: Path
    config_file: Path

    @property
    def managed_config_files(self) -> tuple[Path, ...]:
        return managed_config_files(self.codex_home)


def resolve_paths(overrides: ConfigOverrides, *, env: dict[str, str] | None = None) -> ConfigPaths:
    """Resolve the home and the config file; relative paths are taken from the process cwd."""
    environ = os.environ if env is None else env
    codex_home = find_codex_home(overrides.config_home, environ)
    if overrides.config_file:
        config_file = _resolve_config_file(overrides.config_file, "--config-file")
    elif environ.get("CODEX_CONFIG_FILE", "").strip():
        config_file = _resolve_config_file(environ["CODEX_CONFIG_FILE"], "CODEX_CONFIG_FILE")
    else:
        config_file = codex_home / CONFIG_TOML
    return ConfigPaths(codex_home=codex_home, config_file=config_file)


def find_codex_home(config_home: str | None, environ: os._Environ[str] | dict[str, str]) -> Path:
    if config_home:
        # Like the fork: canonical when it exists, else made absolute; it need not exist yet.
        return _absolute(Path(config_home).expanduser())
    from_env = environ.get("CODEX_HOME", "").strip()
    if from_env:
        path = Path(from_env).expanduser()
        # Upstream refuses a CODEX_HOME that does not exist rather than silently using it.
        if not path.is_dir():
            what = "is not a directory" if path.exists() else "does not exist"
            raise UsageError(f"CODEX_HOME points to `{from_env}`, but that path {what}")
        return _absolute(path)
    return _absolute(Path.home() / ".codex")


def log_dir(config: Any) -> Path:
    """Where log files go: config `log_dir`, else `$CODEX_HOME/log`. A relative `log_dir` is
    taken, as 0.169 takes it, from the directory of the file that set it (so `log_dir = "logs"`
    in config.toml is `$CODEX_HOME/logs` from any cwd); from `-c` it is taken from the cwd."""
    configured = getattr(config, "log_dir", None)
    if not configured:
        return Path(config.codex_home) / "log"
    path = Path(configured)
    if path.is_absolute():
        return path
    origin = getattr(config, "origins", {}).get(("log_dir",))
    where = Path(origin.source.where) if origin is not None else None
    base = where.parent if where is not None and where.is_absolute() else Path(config.cwd)
    return base / path


def managed_config_files(codex_home: Path) -> tuple[Path, ...]:
    """The managed layer: /etc/codex on unix, the home elsewhere (spec-core §6.1)."""
    if sys.platform == "win32":
        return (codex_home / MANAGED_CONFIG_TOML,)
    return (SYSTEM_MANAGED_CONFIG,)


def _resolve_config_file(raw: str, flag: str) -> Path:
    path = Path(raw).expanduser()
    if path.is_absolute():
        if not path.exists():
            raise UsageError(f"{flag}: config file `{raw}` does not exist")
        return _absolute(path)
    cwd = Path.cwd()
    # The fork's lookup for a relative name: cwd, then ./.codex, then ~/.codex.
    candidates = [cwd / path, cwd / ".codex" / path, Path.home() / ".codex" / path]
    for candidate in candidates:
        if candidate.exists():
            return _absolute(candidate)
    raise UsageError(
        f"{flag}: config file `{raw}` was not found (looked in {', '.join(map(str, candidates))})"
    )


def _absolute(path: Path) -> Path:
    try:
        return path.resolve(strict=True)
    except (FileNotFoundError, NotADirectoryError):
        return Path(os.path.abspath(path))
    except OSError as err:
        raise UsageError(f"cannot resolve `{path}`: {err.strerror or err}") from None
