"""`load_config`: layers → profile → flags → derived defaults → one validated `Config`.

Layers, lowest first (spec-core §6.1–6.3): the config file (or `--config-file`), the profile's
`$CODEX_HOME/NAME.config.toml` (codex.config.profiles), the `-c` overrides (set in order on the
raw tree), the managed config. Then a legacy `[profiles.NAME]` table's keys override the top
level, command-line flags override everything, and what is still unset gets
upstream's defaults (trust-based for `sandbox_mode` and `approval_policy`). Reads only, but
for the validated-config cache (codex.config.cache), which spares a repeat run pydantic where
the pydantic-free validation of the common case (codex.config.fast_validate) declined.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.config.layers import FLAG, LayeredTree, Source
from codex.config.overrides import ConfigOverrides, parse_overrides
from codex.config.paths import ConfigPaths, resolve_paths
from codex.config.profiles import select_profile
from codex.config.toml_read import read_toml
from codex.errors import UsageError

if TYPE_CHECKING:
    from codex.config.model import Config

log = logging.getLogger(__name__)

# Tables a profile may not touch: they come from the top level only (spec-core §6.3).
_TOP_LEVEL_ONLY = ("model_providers", "mcp_servers")


def load_config(
    overrides: ConfigOverrides,
    *,
    cwd: Path | None = None,
    flag_overrides: Mapping[str, object] | None = None,
    managed_config_files: Sequence[Path] | None = None,
) -> Config:
    """The effective config. Raises `UsageError` (exit 2, one line) for anything wrong in it.

    `flag_overrides` are dotted keys set by command-line flags (`{"model": "o3"}`), highest
    precedence. `managed_config_files` replaces the platform's managed-config locations (tests).
    """
    paths = resolve_paths(overrides)
    session_cwd = _absolute_cwd(cwd)
    layers = read_layers(paths, overrides, managed_config_files)
    active = select_profile(layers, overrides, paths)
    if active is not None and active.file is not None:
        # NAME.config.toml goes between config.toml and -c: read the layers again with it.
        layers = read_layers(paths, overrides, managed_config_files, active.file)
    legacy = active.name if active is not None and active.legacy_table else None
    effective = _apply_profile(layers, legacy)
    flags = dict(flag_overrides or {})
    feature_flags = _apply_flags(effective, flags)
    _resolve_features(effective, layers, legacy, feature_flags)
    _derive_defaults(effective, session_cwd)
    _resolve_relative_paths(effective, session_cwd)
    profile = active.name if active is not None else None
    config = _validate(layers, effective, paths, session_cwd, profile)
    if overrides.strict:
        from codex.config.strict import check_strict

        check_strict(config, layers, str(paths.config_file))
    return config


def read_layers(
    paths: ConfigPaths,
    overrides: ConfigOverrides,
    managed_config_files: Sequence[Path] | None = None,
    profile_file: Path | None = None,
) -> LayeredTree:
    """The raw merged tree (file < profile file < -c < managed), before a legacy
    `[profiles.NAME]` table applies, with origins."""
    layers = LayeredTree()
    explicit = bool(overrides.config_file or os.environ.get("CODEX_CONFIG_FILE", "").strip())
    # --ignore-user-config skips $CODEX_HOME/config.toml, not a file named by --config-file or
    # CODEX_CONFIG_FILE: that one was asked for explicitly.
    skip = overrides.ignore_user_config and not explicit
    user = None if skip else read_toml(paths.config_file, required=explicit)
    if user is not None:
        layers.merge(user, Source(str(paths.config_file), str(paths.config_file)))
    if profile_file is not None:
        layers.merge(
            read_toml(profile_file, required=True), Source(str(profile_file), str(profile_file))
        )
    for override in parse_overrides(overrides.cli_overrides):
        label = f"-c {override.raw}"
        layers.set(override.path, override.value, Source(label, _shorten(label)))
    for name, on in _feature_toggles(overrides.feature_toggles):
        label = f"--{'enable' if on else 'disable'} {name}"
        layers.set(("features", name), on, Source(label, label))
    managed = paths.managed_config_files if managed_config_files is None else managed_config_files
    for path in managed:
        table = read_toml(Path(path), required=False)
        if table is not None:
            layers.merge(table, Source(f"managed ({path})", str(path)))
    return layers


def _absolute_cwd(cwd: Path | None) -> Path:
    base = Path.cwd()
    if cwd is None:
        return base
    return Path(os.path.abspath(base / cwd))


def _apply_profile(layers: LayeredTree, profile: str | None) -> LayeredTree:
    """A copy of the tree where the active profile's keys override the top level."""
    from codex.config.schema import PROFILE_OVERRIDABLE

    effective = LayeredTree(_copy(layers.tree), dict(layers.origins))
    if profile is None:
        return effective
    table = layers.get(("profiles", profile))
    for key, value in table.items():
        if key not in PROFILE_OVERRIDABLE:
            continue
        origin = layers.origin_at(("profiles", profile, key))
        where = origin.source.where if origin else "config"
        effective.set(
            (key,), value, Source(f"profile {profile}", where), ("profiles", profile, key)
        )
    for key in table:
        if key in _TOP_LEVEL_ONLY:
            log.debug("profile %s: `%s` is top-level only; ignored", profile, key)
    return effective


def _apply_flags(effective: LayeredTree, flags: Mapping[str, object]) -> dict[str, Any]:
    """Set flag values (highest precedence); `features.*` flags are returned for features."""
    feature_flags: dict[str, Any] = {}
    for dotted_key, value in flags.items():
        key = tuple(dotted_key.split("."))
        if key[0] == "features" and len(key) == 2:
            feature_flags[key[1]] = value
            continue
        if key == ("show_raw_agent_reasoning",) and effective.get(key) is not None:
            continue  # upstream's one exception: the config value beats the flag
        effective.set(key, _toml_value(value), FLAG)
    return feature_flags


def _feature_toggles(toggles: Sequence[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """`--enable`/`--disable` as `-c features.NAME=true|false` after the other `-c` options: every
    enable, then every disable (so a disable wins, as upstream). An unknown NAME is an error."""
    from codex.config.features import canonical_feature

    for name, _ in toggles:
        if canonical_feature(name) is None:
            raise UsageError(f"unknown feature flag: {name} (`codex features list` lists them)")
    return [t for t in toggles if t[1]] + [t for t in toggles if not t[1]]


def _toml_value(value: object) -> object:
    """Flags may hand over enums and paths; the tree holds plain TOML values."""
    from enum import Enum

    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, list | tuple):
        return [_toml_value(v) for v in value]
    return value


def _resolve_features(
    effective: LayeredTree, layers: LayeredTree, profile: str | None, flags: dict[str, Any]
) -> None:
    from codex.config.features import resolve_features

    values, origins = resolve_features(layers, profile, flags)
    effective.tree["features"] = values
    for stale in [k for k in effective.origins if k[:1] == ("features",)]:
        del effective.origins[stale]
    for feature, origin in origins.items():
        effective.origins[("features", feature)] = origin


def _derive_defaults(effective: LayeredTree, cwd: Path) -> None:
    """Project trust picks the defaults of `sandbox_mode` and `approval_policy` when unset."""
    from codex.config.projects import active_project

    projects = effective.get(("projects",))
    found = active_project(projects, cwd) if isinstance(projects, dict) else None
    if found is None or not isinstance(found[1], dict):
        return
    key, entry = found
    trust = entry.get("trust_level")
    if trust not in ("trusted", "untrusted"):
        return
    origin = effective.origin_at(("projects", key, "trust_level"))
    where = origin.source.where if origin else "config"
    source = Source(f"default ({trust} project {key})", where)
    written = ("projects", key, "trust_level")
    if effective.get(("sandbox_mode",)) is None:
        effective.set(("sandbox_mode",), "workspace-write", source, written)
    if effective.get(("approval_policy",)) is None:
        policy = "on-request" if trust == "trusted" else "untrusted"
        effective.set(("approval_policy",), policy, source, written)


def _resolve_relative_paths(effective: LayeredTree, cwd: Path) -> None:
    """`experimental_*_file` paths are relative to the session cwd, as upstream."""
    for key in ("experimental_instructions_file", "experimental_compact_prompt_file"):
        value = effective.get((key,))
        if isinstance(value, str) and value:
            path = Path(os.path.expanduser(value))
            effective.tree[key] = str(path if path.is_absolute() else cwd / path)


def _validate(
    layers: LayeredTree, effective: LayeredTree, paths: ConfigPaths, cwd: Path, profile: str | None
) -> Config:
    """Both trees validated: every value as written (`layers`: file, profile file, `-c`,
    managed), then the effective one (profile applied, flags on top). The first is what 0.169
    deserializes before anything overrides it: a bad `approval_policy` in config.toml or `-c` is
    an error even when `codex exec` (which forces `never`) or a profile replaces it.

    A valid configuration is built without pydantic (codex.config.fast_validate, ~2 ms cold).
    Only what that path declines goes to pydantic (codex.config.validate), which reports every
    error; a valid configuration pydantic had to judge is remembered by the validated-config
    cache, whose key covers both trees, so a repeat run skips pydantic for it too.
    """
    from codex.config.fast_validate import fast_config

    where = {"codex_home": paths.codex_home, "config_file": paths.config_file, "cwd": cwd}
    raw = {**layers.tree, **where}
    data = {**effective.tree, **where, "profile": profile}
    config = fast_config(data) if fast_config(raw) is not None else None
    if config is None:
        config = _validate_declined(layers, effective, paths, raw, data)
    for name in config.unknown_keys:
        log.debug("unknown config key `%s` ignored", name)
    object.__setattr__(config, "_origins", dict(effective.origins))
    return config


def _validate_declined(
    layers: LayeredTree,
    effective: LayeredTree,
    paths: ConfigPaths,
    raw: dict[str, Any],
    data: dict[str, Any],
) -> Config:
    """The trees the fast path declined: from the cache when validated before, else pydantic
    (the one-line error of the first problem; a valid result is stored)."""
    from codex.config import cache
    from codex.config.validate import validate_config

    key = cache.cache_key({"as_written": raw, "effective": data})
    config = None if key is None else cache.load(paths.codex_home, key)
    if config is None:
        validate_config(raw, layers, str(paths.config_file))
        config = validate_config(data, effective, str(paths.config_file))
        if key is not None:
            cache.store(paths.codex_home, key, config)
    return config


def _shorten(text: str, limit: int = 80) -> str:
    """An error names a `-c` option by its text; a huge one is cut (the line stays readable)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _copy(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _copy(v) for k, v in tree.items()}
    if isinstance(tree, list):
        return [_copy(v) for v in tree]
    return tree
