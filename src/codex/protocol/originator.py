"""Who this process says it is: the `originator` header and User-Agent prefix sent to the model
provider and to the OAuth issuer, and `session_meta.originator` in the rollout.

Each front end has its own name (`codex_exec`, `codex-tui`, `codex_cli_rs`, ...); an embedding
SDK may replace it through `CODEX_INTERNAL_ORIGINATOR_OVERRIDE` (the TS SDK sends
`codex_sdk_ts`), which wins (upstream's rule). Resolve once where the front end starts and pass
the result on.
"""

from __future__ import annotations

from collections.abc import Mapping

from codex._env import getenv

DEFAULT_ORIGINATOR = "codex_cli_rs"
# The interactive TUI's own name and the `session_meta.source` it records, as 0.169's TUI says them
# (captured against the loopback mock: requests' `originator`, User-Agent, rollout, and the
# sign-in URL of its onboarding). 0.169's TUI runs on the app-server protocol and so records its
# sessions as an app client's, "vscode"; `codex login` and library users stay `codex_cli_rs`.
TUI_ORIGINATOR = "codex-tui"
TUI_SOURCE = "vscode"
# The sessions 0.169's TUI offers to resume (its picker, also with --all, and `codex resume
# --last`): an interactive front end's, "cli" or "vscode", or one whose session_meta has no source
# (0.169 reads that as "vscode"); not "exec", "mcp", "unknown" or a subagent's. `codex exec resume
# --last` takes any. As `allowed_sources` of codex.rollout.list_sessions (None: no source key).
INTERACTIVE_SOURCES: tuple[str | None, ...] = ("cli", "vscode", None)
ORIGINATOR_ENV = "CODEX_INTERNAL_ORIGINATOR_OVERRIDE"


def resolve_originator(
    default: str = DEFAULT_ORIGINATOR, environ: Mapping[str, str] | None = None
) -> str:
    """The override when set and non-empty, else the front end's own name."""
    if environ is None:
        return getenv(ORIGINATOR_ENV) or default
    return environ.get(ORIGINATOR_ENV) or default
