"""Enumerations shared by config, front ends and the wire, spelled as upstream serializes them."""

from enum import StrEnum


class SandboxMode(StrEnum):
    READ_ONLY = "read-only"
    WORKSPACE_WRITE = "workspace-write"
    DANGER_FULL_ACCESS = "danger-full-access"


class AskForApproval(StrEnum):
    UNTRUSTED = "untrusted"
    ON_FAILURE = "on-failure"
    ON_REQUEST = "on-request"
    NEVER = "never"


class ReasoningEffort(StrEnum):
    NONE = "none"
    MINIMAL = "minimal"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    XHIGH = "xhigh"


class ReasoningSummary(StrEnum):
    AUTO = "auto"
    CONCISE = "concise"
    DETAILED = "detailed"
    NONE = "none"


class Verbosity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


class WireApi(StrEnum):
    RESPONSES = "responses"
    CHAT = "chat"


class TrustLevel(StrEnum):
    TRUSTED = "trusted"
    UNTRUSTED = "untrusted"


class AuthCredentialsStoreMode(StrEnum):
    FILE = "file"
    KEYRING = "keyring"
    AUTO = "auto"


class ForcedLoginMethod(StrEnum):
    CHATGPT = "chatgpt"
    API = "api"
