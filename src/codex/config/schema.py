"""The tables of config.toml as frozen dataclasses, named exactly as the TOML keys (spec-core §6.1).

codex.config.fast_validate builds them from a valid tree; pydantic (codex.config.validate)
judges what it declines and words every error, and is not imported here: a valid config never
loads it. Strict: TOML already has types, so a string where a
boolean belongs is an error, not a guess. Unknown keys are kept (in `model_extra`) and ignored,
so a newer config never breaks us.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Literal, TypeVar

from codex._dataclass import dataclass
from codex._fieldwise import fields_equal, fields_hash, fields_repr
from codex.config.types import After, Argv, Before, TomlPath, choice, invalid
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

T = TypeVar("T")


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


class WebSearchMode(StrEnum):
    """The top-level `web_search` (and a profile's): 0.169 refuses any other value, or a
    boolean, when it loads config.toml."""

    DISABLED = "disabled"
    CACHED = "cached"
    INDEXED = "indexed"
    LIVE = "live"


class OssProvider(StrEnum):
    LMSTUDIO = "lmstudio"
    OLLAMA = "ollama"
    # codex-py: llama.cpp run by codex itself (codex.local), models from `codex models pull`.
    EMBEDDED = "embedded"


SandboxModeChoice = Annotated[SandboxMode, choice(SandboxMode)]
ApprovalChoice = Annotated[AskForApproval, choice(AskForApproval)]
CredentialsStoreChoice = Annotated[AuthCredentialsStoreMode, choice(AuthCredentialsStoreMode)]
LoginMethodChoice = Annotated[ForcedLoginMethod, choice(ForcedLoginMethod)]
EffortChoice = Annotated[ReasoningEffort, choice(ReasoningEffort)]
SummaryChoice = Annotated[ReasoningSummary, choice(ReasoningSummary)]
VerbosityChoice = Annotated[Verbosity, choice(Verbosity)]
WireApiChoice = Annotated[WireApi, choice(WireApi)]
TrustChoice = Annotated[TrustLevel, choice(TrustLevel)]
InheritChoice = Annotated[ShellEnvironmentPolicyInherit, choice(ShellEnvironmentPolicyInherit)]
PersistenceChoice = Annotated[HistoryPersistence, choice(HistoryPersistence)]
FileOpenerChoice = Annotated[UriBasedFileOpener, choice(UriBasedFileOpener)]
SummaryFormatChoice = Annotated[ReasoningSummaryFormat, choice(ReasoningSummaryFormat)]
OssProviderChoice = Annotated[OssProvider, choice(OssProvider)]
WebSearchChoice = Annotated[WebSearchMode, choice(WebSearchMode)]


def _frozen(self: Any, name: str, value: Any = None) -> None:
    raise dataclasses.FrozenInstanceError(
        f"{type(self).__name__} is frozen: cannot assign to field {name!r}"
    )


def _set_once(self: Any, name: str, value: Any) -> None:
    """A field is set once, while the instance is built (`__init__`, unpickling, pydantic);
    any later assignment is the frozen error."""
    if name in type(self).__dataclass_fields__:
        try:
            object.__getattribute__(self, name)
        except AttributeError:  # an empty slot: being built
            object.__setattr__(self, name, value)
            return
    _frozen(self, name)


def table(cls: type[T]) -> type[T]:
    """A config table: a frozen, slotted dataclass whose frozen error says so. `__eq__`,
    `__hash__` and `__repr__` are `Table`'s (one shared implementation, not generated per
    class: that saves the `exec()` of each at import). Frozen by `_set_once` / `_frozen` rather
    than by `dataclass(frozen=True)`, whose generated `__setattr__` and `__delattr__` (two
    `exec()`s per table, a third of the module's import) were replaced right away anyway;
    `__frozen__` says so to codex._memo."""
    made: Any = dataclass(slots=True, eq=False, repr=False)(cls)
    made.__setattr__ = _set_once
    made.__delattr__ = _frozen
    made.__frozen__ = True
    return made  # type: ignore[no-any-return]


@table
class Table:
    """Base for every config table: strict, frozen, unknown keys kept in `model_extra`.

    `__pydantic_config__` and `__get_pydantic_core_schema__` are read by pydantic only when the
    validator runs; `_check` (a raw-table check) and `_aliases` (field -> the TOML alias accepted
    first) are applied there too.
    """

    __pydantic_config__: ClassVar[dict[str, Any]] = {"strict": True, "extra": "ignore"}
    _aliases: ClassVar[dict[str, str]] = {}
    if TYPE_CHECKING:
        # Set by @dataclass (via `table`); declared for mypy, which otherwise reads the name
        # through `__getattr__` as an instance attribute and refuses `dataclasses.fields(t)`.
        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    _extra: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: Any) -> Any:
        schema = handler(source)
        node = handler.resolve_ref_schema(schema) if schema["type"] == "definition-ref" else schema
        # A TOML table is a dict: strictness applies to the fields, not to "is an instance".
        node["strict"] = False
        for item in node["schema"]["fields"]:
            alias = cls._aliases.get(item["name"])
            if alias is not None:
                item["validation_alias"] = [[alias], [item["name"]]]
        check = cls.__dict__.get("_check")
        if check is None or cls is Table:  # Table's own is the identity: no validator
            return schema
        from pydantic_core import core_schema

        return core_schema.no_info_before_validator_function(check.__func__, schema)

    @staticmethod
    def _check(data: Any) -> Any:
        """A raw-table check run before the fields; a table that needs one overrides this."""
        return data

    def __eq__(self, other: object) -> bool:
        return fields_equal(self, other)

    def __hash__(self) -> int:
        return fields_hash(self)

    def __repr__(self) -> str:
        return fields_repr(self)

    def __getattr__(self, name: str) -> Any:
        # Unknown keys read as attributes, as they did on the pydantic models (`openai_base_url`).
        if not name.startswith("_"):
            extra = object.__getattribute__(self, "_extra")
            if name in extra:
                return extra[name]
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    @property
    def model_extra(self) -> dict[str, Any]:
        """The unknown keys of this table, as written."""
        return self._extra

    def as_dict(self, *, exclude_none: bool = False) -> dict[str, Any]:
        """Fields then unknown keys, nested tables as dicts (enums and paths kept)."""
        out: dict[str, Any] = {}
        for item in dataclasses.fields(self):
            if item.name.startswith("_"):
                continue
            value = getattr(self, item.name)
            if value is None and exclude_none:
                continue
            out[item.name] = _plain(value, exclude_none)
        for name, value in self._extra.items():
            if value is None and exclude_none:
                continue
            out[name] = _plain(value, exclude_none)
        return out


def _plain(value: Any, exclude_none: bool) -> Any:
    if isinstance(value, Table):
        return value.as_dict(exclude_none=exclude_none)
    if isinstance(value, dict):
        return {k: _plain(v, exclude_none) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v, exclude_none) for v in value]
    return value


def evolve(obj: T, **changes: Any) -> T:
    """`dataclasses.replace` that keeps the non-init state (unknown keys, origins)."""
    new = dataclasses.replace(obj, **changes)  # type: ignore[type-var]
    for item in dataclasses.fields(obj):  # type: ignore[arg-type]
        if not item.init:
            object.__setattr__(new, item.name, getattr(obj, item.name))
    return new


@table
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
    # codex-py: the most output tokens one JSON-mode reply may take (default 512).
    max_output_tokens: int | None = None


@table
class McpServerConfig(Table):
    """`[mcp_servers.<name>]`: a stdio server (`command`) or a streamable HTTP one (`url`)."""

    command: str | None = None
    args: list[str] = field(default_factory=list)
    env: dict[str, str] | None = None
    env_vars: list[str] = field(default_factory=list)
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

    @staticmethod
    def _check(data: Any) -> Any:
        """One transport per server (run on the raw table, before the fields)."""
        if not isinstance(data, dict):
            return data
        if "bearer_token" in data:
            raise invalid(
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
            raise invalid(
                "mcp_transport",
                "mixes stdio keys ({stdio}) with HTTP keys ({http}); use `command` or `url`",
                {"stdio": ", ".join(stdio), "http": ", ".join(http)},
            )
        if "command" not in data and "url" not in data:
            raise invalid("mcp_transport", "needs `command` (stdio server) or `url` (HTTP server)")
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


@table
class CustomToolConfig(Table):
    """The fork's `[custom_tools.<name>]`: a function tool backed by a command (argv, no shell).

    The command gets `CODEX_TOOL_ARGS_JSON`, `CODEX_TOOL_NAME`, `CODEX_TOOL_CALL_ID` plus `env`.
    """

    command: Argv
    description: str = ""
    parameters: dict[str, Any] | None = None
    env: dict[str, str] = field(default_factory=dict)
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


@table
class SandboxWorkspaceWrite(Table):
    writable_roots: list[TomlPath] = field(default_factory=list)
    network_access: bool = False
    exclude_tmpdir_env_var: bool = False
    exclude_slash_tmp: bool = False


@table
class ShellEnvironmentPolicy(Table):
    inherit: InheritChoice = ShellEnvironmentPolicyInherit.ALL
    ignore_default_excludes: bool = False
    exclude: list[str] = field(default_factory=list)
    set: dict[str, str] = field(default_factory=dict)
    include_only: list[str] = field(default_factory=list)
    experimental_use_profile: bool = False


@table
class History(Table):
    persistence: PersistenceChoice = HistoryPersistence.SAVE_ALL
    max_bytes: int | None = None


@table
class Tui(Table):
    notifications: bool | list[str] = True
    animations: bool = True
    terminal_title: list[str] | None = None  # the TUI's /title items (None: its default)
    status_line: list[str] | None = None  # the TUI's /statusline items (None: its own line)
    vim_mode_default: bool = False  # new composers start in Vim mode (0.169's /config setting)


_OTLP_PROTOCOLS = ("binary", "json")  # OTLP/HTTP's two encodings; 0.169 refuses anything else


def _otlp_protocol(value: str) -> str:
    if value not in _OTLP_PROTOCOLS:
        raise invalid("choice", "expected one of binary, json, got {got}", {"got": repr(value)})
    return value


@table
class OtelExporterEndpoint(Table):
    endpoint: str
    headers: dict[str, str] = field(default_factory=dict)
    protocol: Annotated[str, After(_otlp_protocol)] = "binary"
    tls: dict[str, Any] | None = None


def _known_exporter(exporter: Any) -> Any:
    # "statsig" is upstream's metrics default; codex-py accepts it and sends nothing there.
    if isinstance(exporter, str) and exporter not in ("none", "statsig"):
        raise invalid(
            "otel_exporter", 'expected "none", "statsig" or a table with otlp-http or otlp-grpc'
        )
    if isinstance(exporter, dict) and (
        len(exporter) != 1 or next(iter(exporter)) not in ("otlp-http", "otlp-grpc")
    ):
        raise invalid("otel_exporter", "expected exactly one of otlp-http, otlp-grpc")
    return exporter


def _exporter_protocol(exporter: Any) -> Any:
    """`protocol` checked before the union is tried, so a bad one is named as such (the union's
    own error would only say that the table is not a string)."""
    if isinstance(exporter, dict):
        for name, table in exporter.items():
            # otlp-grpc has no `protocol` (0.169 ignores one there).
            protocol = (
                table.get("protocol") if name == "otlp-http" and isinstance(table, dict) else None
            )
            if isinstance(protocol, str) and protocol not in _OTLP_PROTOCOLS:
                raise invalid(
                    "choice",
                    "{name}.protocol: expected one of binary, json, got {got}",
                    {"name": str(name), "got": repr(protocol)},
                )
    return exporter


OtelExporter = Annotated[
    str | dict[str, OtelExporterEndpoint], Before(_exporter_protocol), After(_known_exporter)
]


@table
class Otel(Table):
    log_user_prompt: bool = False
    environment: str = "dev"
    exporter: OtelExporter = "none"  # the log events
    trace_exporter: OtelExporter = "none"  # the spans (upstream: no default, endpoints differ)
    metrics_exporter: OtelExporter = "statsig"  # accepted; codex-py exports no metrics


@table
class ToolsToml(Table):
    _aliases: ClassVar[dict[str, str]] = {"web_search": "web_search_request"}

    web_search: bool | None = None
    view_image: bool | None = None


@table
class ProjectConfig(Table):
    trust_level: TrustChoice | None = None

    @property
    def is_trusted(self) -> bool:
        return self.trust_level is TrustLevel.TRUSTED


@table
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
    # Checked as 0.169 checks it, but not applied: 0.169's exec sends the top-level mode (or
    # cached) whatever the profile says (tests/fixtures/web_search_official.json).
    web_search: WebSearchChoice | None = None
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
