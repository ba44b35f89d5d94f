"""`Config`: the one validated, frozen view of configuration every other package reads.

Fields are named exactly as the config.toml keys (spec-core §6.1). `approval_policy`,
`sandbox_mode` and `features` hold EFFECTIVE values (flags > profile > top level > defaults,
including the project-trust defaults). Paths are absolute. Unknown keys stay in `model_extra`.
A plain frozen dataclass: codex.config.fast_validate builds it from a valid tree, pydantic
(codex.config.validate) from one the fast path declines (then the validated-config cache,
codex.config.cache, keeps it for the next run).
"""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Annotated, Any

from codex.config.features import Features
from codex.config.layers import Origin
from codex.config.schema import (
    ApprovalChoice,
    CredentialsStoreChoice,
    CustomToolConfig,
    EffortChoice,
    FileOpenerChoice,
    History,
    LoginMethodChoice,
    McpServerConfig,
    ModelProviderConfig,
    OssProviderChoice,
    Otel,
    ProfileConfig,
    ProjectConfig,
    SandboxModeChoice,
    SandboxWorkspaceWrite,
    ShellEnvironmentPolicy,
    SummaryChoice,
    SummaryFormatChoice,
    Table,
    ToolsToml,
    Tui,
    UriBasedFileOpener,
    VerbosityChoice,
    WebSearchChoice,
    table,
)
from codex.config.types import After, ArgvExpanded, TomlPath
from codex.protocol.config_types import (
    AskForApproval,
    AuthCredentialsStoreMode,
    ReasoningSummary,
    SandboxMode,
)

DEFAULT_MODEL = "gpt-5.1-codex"
DEFAULT_CHATGPT_BASE_URL = "https://chatgpt.com/backend-api/"
DEFAULT_PROJECT_DOC_MAX_BYTES = 32 * 1024


def _trim_prompt(value: str | None) -> str | None:
    if value is None:
        return None
    return value.strip() or None


CompactPrompt = Annotated[str | None, After(_trim_prompt)]


@table
class Config(Table):
    """The effective configuration of one invocation."""

    # Where things live (resolved once; auth and sessions are under codex_home).
    codex_home: Path
    config_file: Path
    cwd: Path
    profile: str | None = None
    """The active profile's name (`--profile`, else the top-level `profile` key)."""

    model: str = DEFAULT_MODEL
    review_model: str = DEFAULT_MODEL
    model_provider: str = "openai"
    model_providers: dict[str, ModelProviderConfig] = field(default_factory=dict)
    model_context_window: int | None = None
    model_auto_compact_token_limit: int | None = None
    model_max_output_tokens: int | None = None
    model_reasoning_effort: EffortChoice | None = None
    model_reasoning_summary: SummaryChoice = ReasoningSummary.AUTO
    model_verbosity: VerbosityChoice | None = None
    service_tier: str | None = None
    """The tier requests ask for ("fast" = "priority", "flex", ...): codex.core.service_tier."""
    model_supports_reasoning_summaries: bool | None = None
    model_reasoning_summary_format: SummaryFormatChoice | None = None
    oss_provider: OssProviderChoice | None = None
    chatgpt_base_url: str = DEFAULT_CHATGPT_BASE_URL
    openai_base_url: str | None = None
    """Moves the built-in `openai` provider (the TypeScript SDK's `baseUrl` sets it with -c)."""

    approval_policy: ApprovalChoice = AskForApproval.ON_REQUEST
    sandbox_mode: SandboxModeChoice = SandboxMode.READ_ONLY
    sandbox_workspace_write: SandboxWorkspaceWrite = field(default_factory=SandboxWorkspaceWrite)
    shell_environment_policy: ShellEnvironmentPolicy = field(default_factory=ShellEnvironmentPolicy)

    web_search: WebSearchChoice | None = None
    """The web_search tool's mode (`--search`: live); unset: cached, or live with the
    deprecated `web_search_request` feature, as 0.169."""

    instructions: str | None = None
    """Parsed but ignored, as upstream."""
    developer_instructions: str | None = None
    compact_prompt: CompactPrompt = None
    experimental_instructions_file: TomlPath | None = None
    experimental_compact_prompt_file: TomlPath | None = None
    project_doc_max_bytes: int = DEFAULT_PROJECT_DOC_MAX_BYTES
    project_doc_fallback_filenames: list[str] = field(default_factory=list)
    tool_output_token_limit: int | None = None

    forced_login_method: LoginMethodChoice | None = None
    forced_chatgpt_workspace_id: str | None = None
    cli_auth_credentials_store: CredentialsStoreChoice = AuthCredentialsStoreMode.FILE
    mcp_oauth_credentials_store: CredentialsStoreChoice = AuthCredentialsStoreMode.AUTO

    mcp_servers: dict[str, McpServerConfig] = field(default_factory=dict)
    custom_tools: dict[str, CustomToolConfig] = field(default_factory=dict)
    tool_hook_command: ArgvExpanded | None = None
    tool_hook_timeout_ms: int | None = None  # codex-py: bound on one run of tool_hook_command
    notify: list[str] | None = None
    log_dir: TomlPath | None = None  # default $CODEX_HOME/log (codex.config.paths.log_dir)

    profiles: dict[str, ProfileConfig] = field(default_factory=dict)
    projects: dict[str, ProjectConfig] = field(default_factory=dict)
    features: Features = field(default_factory=Features)
    tools: ToolsToml = field(default_factory=ToolsToml)
    history: History = field(default_factory=History)
    tui: Tui = field(default_factory=Tui)
    otel: Otel = field(default_factory=Otel)
    notice: dict[str, Any] = field(default_factory=dict)
    # 0.169's `[hooks]`: `state` holds the hook trust records (codex.tools.hook_trust reads them
    # from the file); its event tables are 0.169's config.toml hooks, which codex-py does not run.
    hooks: dict[str, Any] = field(default_factory=dict)

    file_opener: FileOpenerChoice = UriBasedFileOpener.VSCODE
    hide_agent_reasoning: bool = False
    show_raw_agent_reasoning: bool = False
    disable_paste_burst: bool = False
    windows_wsl_setup_acknowledged: bool = False

    # Legacy booleans, folded into `features` by the loader; typed so a bad value is reported.
    experimental_use_unified_exec_tool: bool | None = None
    experimental_use_rmcp_client: bool | None = None
    experimental_use_freeform_apply_patch: bool | None = None
    experimental_sandbox_command_assessment: bool | None = None

    _origins: dict[tuple[str, ...], Origin] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def origin(self, key: str | tuple[str, ...]) -> str:
        """Where the value at a dotted key came from: `default`, a file path, `profile NAME`,
        `-c key=value`, `flag`, `managed (<path>)`, or a derived default."""
        path = tuple(key.split(".")) if isinstance(key, str) else key
        for length in range(len(path), 0, -1):
            found = self._origins.get(path[:length])
            if found is not None:
                return found.source.label
        return "default"

    @property
    def origins(self) -> dict[tuple[str, ...], Origin]:
        return dict(self._origins)

    def location_env(self) -> dict[str, str]:
        """`CODEX_HOME` and `CODEX_CONFIG_FILE` for child processes that are codex themselves
        (the fork exports both so `--config-home`/`--config-file` reach every descendant)."""
        return {"CODEX_HOME": str(self.codex_home), "CODEX_CONFIG_FILE": str(self.config_file)}

    @property
    def unknown_keys(self) -> list[str]:
        """Top-level keys this version does not know (kept, ignored)."""
        return sorted(self._extra)

    def project_trust(self) -> ProjectConfig | None:
        """The `[projects]` entry that applies to `cwd` (cwd, else its git root)."""
        from codex.config.projects import active_project

        found = active_project(self.projects, self.cwd)
        return None if found is None else found[1]
