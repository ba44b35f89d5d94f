"""Feature flags: defaults, legacy aliases and the upstream resolution order (spec-core §6.1).

Order: defaults → top-level legacy booleans → `[features]` → profile legacy booleans →
`profiles.NAME.features` → command-line flags. Unknown feature keys are ignored with a debug note.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from codex.config.layers import FLAG, Key, LayeredTree, Origin, Source
from codex.config.schema import Table, table

log = logging.getLogger(__name__)

FEATURE_DEFAULTS: dict[str, bool] = {
    "undo": True,
    "view_image_tool": True,
    "unified_exec": False,
    "rmcp_client": False,
    "apply_patch_freeform": False,
    "web_search_request": False,
    "exec_policy": True,
    "experimental_sandbox_command_assessment": False,
    "enable_experimental_windows_sandbox": False,
    "remote_compaction": True,
    "parallel": False,
    "shell_tool": True,
    "goals": True,  # thread goals and their tools (0.169: stable, on)
    # 0.169: lets request_user_input ask in Default mode (else the model reads "unavailable")
    "default_mode_request_user_input": False,
}

# Lifecycle stage of each feature, as `codex features list` shows it (upstream's registry of the
# same feature set).
FEATURE_STAGES: dict[str, str] = {
    "undo": "stable",
    "view_image_tool": "stable",
    "shell_tool": "stable",
    "goals": "stable",
    "exec_policy": "stable",
    "apply_patch_freeform": "beta",
    "web_search_request": "deprecated",
    "unified_exec": "experimental",
    "rmcp_client": "experimental",
    "experimental_sandbox_command_assessment": "experimental",
    "enable_experimental_windows_sandbox": "experimental",
    "remote_compaction": "experimental",
    "parallel": "experimental",
    "default_mode_request_user_input": "under development",
}

# Old spellings accepted inside `[features]` and as top-level/profile booleans.
LEGACY_ALIASES: dict[str, str] = {
    "experimental_use_unified_exec_tool": "unified_exec",
    "experimental_use_rmcp_client": "rmcp_client",
    "experimental_use_freeform_apply_patch": "apply_patch_freeform",
    "include_apply_patch_tool": "apply_patch_freeform",
    "web_search": "web_search_request",
}

# `[tools] web_search` (and a profile's `tools_web_search`) no longer turn the feature on: 0.169
# keeps cached search with either (tests/fixtures/web_search_official.json, `features list`).
_TOP_LEVEL_LEGACY: dict[Key, str] = {
    ("experimental_sandbox_command_assessment",): "experimental_sandbox_command_assessment",
    ("experimental_use_freeform_apply_patch",): "apply_patch_freeform",
    ("experimental_use_unified_exec_tool",): "unified_exec",
    ("experimental_use_rmcp_client",): "rmcp_client",
    ("tools", "view_image"): "view_image_tool",
}

_PROFILE_LEGACY: dict[Key, str] = {
    ("include_apply_patch_tool",): "apply_patch_freeform",
    ("experimental_sandbox_command_assessment",): "experimental_sandbox_command_assessment",
    ("experimental_use_freeform_apply_patch",): "apply_patch_freeform",
    ("experimental_use_unified_exec_tool",): "unified_exec",
    ("experimental_use_rmcp_client",): "rmcp_client",
    ("tools_view_image",): "view_image_tool",
}


@table
class Features(Table):
    """The resolved feature set: every known feature, on or off."""

    undo: bool = True
    view_image_tool: bool = True
    unified_exec: bool = False
    rmcp_client: bool = False
    apply_patch_freeform: bool = False
    web_search_request: bool = False
    exec_policy: bool = True
    experimental_sandbox_command_assessment: bool = False
    enable_experimental_windows_sandbox: bool = False
    remote_compaction: bool = True
    parallel: bool = False
    shell_tool: bool = True
    goals: bool = True
    default_mode_request_user_input: bool = False

    @staticmethod
    def _check(data: Any) -> Any:
        """A `[features]` key this version does not know is ignored, but its value must still
        be a boolean (0.169 reads the table as name -> bool and refuses `foo = 3`)."""
        if isinstance(data, dict):
            for name, value in data.items():
                if name not in FEATURE_DEFAULTS and not isinstance(value, bool):
                    from codex.config.types import describe, invalid

                    raise invalid(
                        "feature_type",
                        "`{name}`: expected a boolean (true or false), got {got}",
                        {"name": name, "got": describe(value)},
                    )
        return data

    def enabled(self, name: str) -> bool:
        return bool(getattr(self, canonical_feature(name) or "", False))


def canonical_feature(key: str) -> str | None:
    if key in FEATURE_DEFAULTS:
        return key
    return LEGACY_ALIASES.get(key)


def resolve_features(
    layers: LayeredTree,
    profile: str | None,
    flags: Mapping[str, Any],
) -> tuple[dict[str, Any], dict[str, Origin]]:
    """The resolved `[features]` table, and the origin of each feature that was set."""
    values: dict[str, Any] = dict(FEATURE_DEFAULTS)
    origins: dict[str, Origin] = {}

    def take(feature: str, value: Any, key: Key) -> None:
        values[feature] = value
        origin = layers.origin_at(key)
        if origin is not None and key[0] == "profiles":
            origin = Origin(Source(f"profile {profile}", origin.source.where), origin.key)
        if origin is not None:
            origins[feature] = origin

    def apply_legacy(table: Key, names: Mapping[Key, str]) -> None:
        for key, feature in names.items():
            value = layers.get((*table, *key))
            if value is not None:
                take(feature, value, (*table, *key))

    def apply_table(table: Key) -> None:
        entries = layers.get(table)
        if not isinstance(entries, dict):
            return
        for key, value in entries.items():
            feature = canonical_feature(key)
            if feature is None:
                log.debug("unknown feature key in config: %s", key)
                continue
            if feature != key:
                log.debug("`%s` is deprecated. Use `%s` instead.", key, feature)
            take(feature, value, (*table, key))

    apply_legacy((), _TOP_LEVEL_LEGACY)
    apply_table(("features",))
    if profile is not None:
        apply_legacy(("profiles", profile), _PROFILE_LEGACY)
        apply_table(("profiles", profile, "features"))
    for key, value in flags.items():
        feature = canonical_feature(key)
        if feature is None:
            log.debug("unknown feature key from a flag: %s", key)
            continue
        values[feature] = value
        origins[feature] = Origin(FLAG, ("features", key))
    return values, origins


def set_feature(edits: Any, feature: str, *, on: bool) -> None:
    """Stage turning `feature` (a canonical name) on or off in `edits` (a
    codex.config.edits.ConfigEdits), as 0.169's `codex features enable|disable` and its TUI's
    /experimental both do: on writes `[features] NAME = true`; off writes `false`, or drops the
    key of a feature that is off by default (so the file says only what differs)."""
    key = ("features", feature)
    if on or FEATURE_DEFAULTS[feature]:
        edits.set(key, on)
    else:
        edits.remove(key)


__all__ = [
    "FEATURE_DEFAULTS",
    "FEATURE_STAGES",
    "Features",
    "canonical_feature",
    "resolve_features",
    "set_feature",
]
