"""Protocol types of the skills methods (codex.app_server.skills): skills/list,
skills/config/write, skills/extraRoots/set and the `skills/changed` notification, with 0.169's
type names and fields. Registered into types.REQUESTS / NOTIFICATIONS, so
`generate-json-schema` and `generate-ts` describe them with the rest."""

# No `from __future__ import annotations` (as types.py): TypedDict sees NotRequired only in
# evaluated annotations.
from typing import Literal, NotRequired, TypedDict


class SkillsListParams(TypedDict):
    cwds: NotRequired[list[str]]  # empty: the server's cwd
    forceReload: NotRequired[bool]


class SkillToolDependency(TypedDict):
    type: str
    value: str
    description: NotRequired[str | None]
    transport: NotRequired[str | None]
    command: NotRequired[str | None]
    url: NotRequired[str | None]


class SkillDependencies(TypedDict):
    tools: list[SkillToolDependency]


class SkillInterface(TypedDict):
    displayName: NotRequired[str | None]
    shortDescription: NotRequired[str | None]
    iconSmall: NotRequired[str | None]
    iconLarge: NotRequired[str | None]
    iconSmallUrl: NotRequired[str | None]
    iconLargeUrl: NotRequired[str | None]
    brandColor: NotRequired[str | None]
    defaultPrompt: NotRequired[str | None]


class SkillMetadata(TypedDict):
    name: str
    description: str
    shortDescription: NotRequired[str | None]
    interface: NotRequired[SkillInterface | None]
    dependencies: NotRequired[SkillDependencies | None]
    path: str
    scope: Literal["user", "repo", "system", "admin"]
    enabled: bool
    pluginId: NotRequired[str | None]


class SkillErrorInfo(TypedDict):
    path: str
    message: str


class SkillsListEntry(TypedDict):
    cwd: str
    skills: list[SkillMetadata]
    errors: list[SkillErrorInfo]


class SkillsListResponse(TypedDict):
    data: list[SkillsListEntry]


class SkillsConfigWriteParams(TypedDict):
    enabled: bool
    path: NotRequired[str | None]  # exactly one of path (absolute) / name
    name: NotRequired[str | None]


class SkillsConfigWriteResponse(TypedDict):
    effectiveEnabled: bool


class SkillsExtraRootsSetParams(TypedDict):
    extraRoots: list[str]  # absolute paths


class SkillsExtraRootsSetResponse(TypedDict):
    pass


class SkillsChangedNotification(TypedDict):
    pass


REQUESTS: dict[str, tuple[type, type | None]] = {
    "skills/list": (SkillsListParams, SkillsListResponse),
    "skills/config/write": (SkillsConfigWriteParams, SkillsConfigWriteResponse),
    "skills/extraRoots/set": (SkillsExtraRootsSetParams, SkillsExtraRootsSetResponse),
}
NOTIFICATIONS: dict[str, type] = {"skills/changed": SkillsChangedNotification}
