"""The tables of config.toml as pydantic models, named exactly as the TOML keys (spec-core §6.1).

Strict: TOML already has types, so a string where a boolean belongs is an error, not a guess.
Unknown keys are kept (`extra="allow"`) and ignored, so a newer config never breaks us.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from codex.config.types import Argv, TomlPath, choice
from codex.protocol.config_types import (
    AskForApproval,
    AuthCredentialsStoreMode,
    ForcedLoginMethod,
    ReasoningEffort,
    ReasoningSummary,
    SandboxMode,
    TrustLevel,
    Verbosity,
    WireApi,
)


class ShellEnvironmentPolicyInherit(StrEnum):
    ALL = "all"
    CORE = "core"
    NONE = "none"


class HistoryPersistence(StrEnum):
    SAVE_ALL = "save-all"
    NONE = "none"


class UriBasedFileOpener(StrEnum):
    VSCODE = "vscode"
    VSCODE_INSIDERS = "vscode-insiders"
    WINDSURF = "windsurf"
    CURSOR = "cursor"
    NONE = "none"


class ReasoningSummaryFormat(StrEnum):
    NONE = "none"
    EXPERIMENTAL = "experimental"


class OssProvider(StrEnum):
    LMSTUDIO = "lmstudio"
    OLLAMA = "ollama"
    # codex-py: llama.cpp run by codex itself (codex.local), models from `codex models pull`.
    EMBEDDED = "embedded"


SandboxModeChoice = choice(SandboxMode)
ApprovalChoice = choice(AskForApproval)
CredentialsStoreChoice = choice(AuthCredentialsStoreMode)
LoginMethodChoice = choice(ForcedLoginMethod)
EffortChoice = choice(ReasoningEffort)
SummaryChoice = choice(ReasoningSummary)
VerbosityChoice = choice(Verbosity)
WireApiChoice = choice(WireApi)
TrustChoice = choice(TrustLevel)
InheritChoice = choice(ShellEnvironmentPolicyInherit)
PersistenceChoice = choice(HistoryPersistence)
FileOpenerChoice = choice(UriBasedFileOpener)
SummaryFormatChoice = choice(ReasoningSummaryFormat)
OssProviderChoice = choice(OssProvider)


class Table(BaseModel):
    """Base for every config table: strict, frozen, unknown keys kept."""

    model_config = ConfigDict(strict=True, frozen=True, extra="allow")


class ModelProviderConfig(Table):
    """`[model_providers.<id>]` (spec-core §1.1). Built-ins are merged in by the client."""

    name: str
    base_url: str | None = None
    env_key: str | None = None
    env_key_instructions: str | None = None
    experimental_bearer_token: str | None = None
    # Upstream's serde default for a user-defined provider is the Chat Completions wire.
    wire_api: WireApiChoice = WireApi.CHAT
    query_params: dict[str, str] | None = None
    http_headers: dict[str, str] | None = None
    env_http_headers: dict[str, str] | None = None
    request_max_retries: int | None = None
    stream_max_retries: int | None = None
    stream_idle_timeout_ms: int | None = None
    requires_openai_auth: bool = False
    # codex-py: "json" asks weak local models for one schema-constrained JSON reply (a final
    # message or one tool call) instead of native tool calls (codex.client.json_tools).
    tool_call_mode: Literal["native", "json"] | None = None


class McpServerConfig(Table):
    """`[mcp_servers.<name>]`: a stdio server (`command`) or a streamable HTTP one (`url`)."""

    command: str | None = None
    args: list[str] = Field(default_factory=list)
    env: dict[str, str] | None = None
    env_vars: list[str] = Field(default_factory=list)
    cwd: TomlPath | None = None
    url: str | None = None
    bearer_token_env_var: str | None = None
    http_headers: dict[str, str] | None = None
    env_http_headers: dict[str, str] | None = None
    enabled: bool = True
    startup_timeout_sec: float | None = None
    startup_timeout_ms: int | None = None
    tool_timeout_sec: float | None = None
    enabled_tools: list[str] | None = None
    disabled_tools: list[str] | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_transport(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if "bearer_token" in data:
            raise PydanticCustomError(
                "mcp_bearer_token",
                "bearer_token is not supported; use bearer_token_env_var",
            )
        stdio = [k for k in ("command", "args", "env", "env_vars", "cwd") if k in data]
        http = [
            k
            for k in ("url", "bearer_token_env_var", "http_headers", "env_http_headers")
            if k in data
        ]
        if stdio and http:
            raise PydanticCustomError(
                "mcp_transport",
                "mixes stdio keys ({stdio}) with HTTP keys ({http}); use `command` or `url`",
                {"stdio": ", ".join(stdio), "http": ", ".join(http)},
            )
        if "command" not in data and "url" not in data:
            raise PydanticCustomError(
                "mcp_transport", "needs `command` (stdio server) or `url` (HTTP server)"
            )
        return data

    @property
    def transport(self) -> str:
        return "stdio" if self.command is not None else "streamable_http"

    @property
    def startup_timeout(self) -> float:
        """Seconds to wait for the server to start (default 10)."""
        if self.startup_timeout_sec is not None:
            return self.startup_timeout_sec
        if self.startup_timeout_ms is not None:
            return self.startup_timeout_ms / 1000
        return 10.0

    @property
    def tool_timeout(self) -> float:
        return 60.0 if self.tool_timeout_sec is None else self.tool_timeout_sec


class CustomToolConfig(Table):
    """The fork's `[custom_tools.<name>]`: a function tool backed by a command (argv, no shell).

    The command gets `CODEX_TOOL_ARGS_JSON`, `CODEX_TOOL_NAME`, `CODEX_TOOL_CALL_ID` plus `env`.
    """

    command: Argv
    description: str = ""
    parameters: dict[str, Any] | None = None
    env: dict[str, str] = Field(default_factory=dict)
    timeout_ms: int | None = None
    cwd: TomlPath | None = None
    with_escalated_permissions: bool | None = None
    justification: str | None = None

    @property
    def parameters_schema(self) -> dict[str, Any]:
        """The JSON schema offered to the model; omitted means an empty object."""
        if self.parameters is not None:
            return self.parameters
        return {"type": "object", "properties": {}}


class SandboxWorkspaceWrite(Table):
    writable_roots: list[TomlPath] = Field(default_factory=list)
    network_access: bool = False
    exclude_tmpdir_env_var: bool = False
    exclude_slash_tmp: bool = False


class ShellEnvironmentPolicy(Table):
    inherit: InheritChoice = ShellEnvironmentPolicyInherit.ALL
    ignore_default_excludes: bool = False
    exclude: list[str] = Field(default_factory=list)
    set: dict[str, str] = Field(default_factory=dict)
    include_only: list[str] = Field(default_factory=list)
    experimental_use_profile: bool = False


class History(Table):
    persistence: PersistenceChoice = HistoryPersistence.SAVE_ALL
    max_bytes: int | None = None


class Tui(Table):
    notifications: bool | list[str] = True
    animations: bool = True


class OtelExporterEndpoint(Table):
    endpoint: str
    headers: dict[str, str] = Field(default_factory=dict)
    protocol: str = "binary"
    tls: dict[str, Any] | None = None


class Otel(Table):
    log_user_prompt: bool = False
    environment: str = "dev"
    exporter: str | dict[str, OtelExporterEndpoint] = "none"

    @field_validator("exporter")
    @classmethod
    def _known_exporter(cls, exporter: Any) -> Any:
        if isinstance(exporter, str) and exporter != "none":
            raise PydanticCustomError(
                "otel_exporter", 'expected "none" or a table with otlp-http or otlp-grpc'
            )
        if isinstance(exporter, dict) and (
            len(exporter) != 1 or next(iter(exporter)) not in ("otlp-http", "otlp-grpc")
        ):
            raise PydanticCustomError(
                "otel_exporter", "expected exactly one of otlp-http, otlp-grpc"
            )
        return exporter


class ToolsToml(Table):
    web_search: bool | None = Field(default=None, alias="web_search_request")
    view_image: bool | None = None

    model_config = ConfigDict(strict=True, frozen=True, extra="allow", populate_by_name=True)


class ProjectConfig(Table):
    trust_level: TrustChoice | None = None

    @property
    def is_trusted(self) -> bool:
        return self.trust_level is TrustLevel.TRUSTED


class ProfileConfig(Table):
    """`[profiles.<name>]`: the keys a profile may set (spec-core §6.1)."""

    model: str | None = None
    model_provider: str | None = None
    approval_policy: ApprovalChoice | None = None
    sandbox_mode: SandboxModeChoice | None = None
    model_reasoning_effort: EffortChoice | None = None
    model_reasoning_summary: SummaryChoice | None = None
    model_verbosity: VerbosityChoice | None = None
    chatgpt_base_url: str | None = None
    experimental_instructions_file: TomlPath | None = None
    experimental_compact_prompt_file: TomlPath | None = None
    include_apply_patch_tool: bool | None = None
    experimental_use_unified_exec_tool: bool | None = None
    experimental_use_rmcp_client: bool | None = None
    experimental_use_freeform_apply_patch: bool | None = None
    experimental_sandbox_command_assessment: bool | None = None
    tools_web_search: bool | None = None
    tools_view_image: bool | None = None
    features: dict[str, bool] | None = None
    oss_provider: OssProviderChoice | None = None


# Keys a profile overrides at the top level; the legacy booleans and `features` feed features.
PROFILE_OVERRIDABLE: tuple[str, ...] = (
    "model",
    "model_provider",
    "approval_policy",
    "sandbox_mode",
    "model_reasoning_effort",
    "model_reasoning_summary",
    "model_verbosity",
    "chatgpt_base_url",
    "experimental_instructions_file",
    "experimental_compact_prompt_file",
    "oss_provider",
)

__all__ = [
    "CustomToolConfig",
    "History",
    "McpServerConfig",
    "ModelProviderConfig",
    "Otel",
    "ProfileConfig",
    "ProjectConfig",
    "SandboxWorkspaceWrite",
    "ShellEnvironmentPolicy",
    "ToolsToml",
    "Tui",
]
