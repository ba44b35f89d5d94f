"""What a turn runs with (`TurnSettings`), and how a session's settings for its next turn are made
and changed: built from the config and the front end's choices when the session is made, changed
by `OverrideTurnContext` / `UserTurn` ops, copied for each turn, and shown to front ends as the
read-only `SessionSettings` snapshot (codex.core.turn_handle).

The session holds one `TurnSettings`, the next turn's; each turn gets its own copy, so an
override that arrives while a turn runs changes the turn after it. Never does I/O.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from codex._dataclass import dataclass
from codex.core.modes import normalize as normalize_mode
from codex.core.turn_handle import SessionSettings
from codex.protocol.sandbox_policy import SandboxPolicy

if TYPE_CHECKING:
    from codex.config import Config

__all__ = ["TurnSettings", "apply_overrides", "as_policy", "initial_settings", "snapshot"]


class ModelState(Protocol):
    """What of codex.core.session_state.SessionState the settings need (named structurally:
    session_state imports this module, for `TurnSettings`)."""

    config: Any
    service_tier: str | None

    def configure_model(self, model: str) -> None: ...
    def override_service_tier(self, tier: str | None) -> None: ...
    def summary_for(self, model: str, chosen: str | None = None) -> str: ...


@dataclass(slots=True)
class TurnSettings:
    """The per-turn context: where, under which policies, with which model."""

    cwd: Path
    approval_policy: str
    sandbox_policy: SandboxPolicy
    model: str
    effort: str | None = None
    summary: str | None = None
    output_schema: dict[str, Any] | None = None
    collaboration_mode: str = "default"  # codex.core.modes

    def for_turn(self, output_schema: dict[str, Any] | None = None) -> TurnSettings:
        """A copy for one turn (with its own output schema, which is never kept)."""
        return TurnSettings(
            cwd=self.cwd,
            approval_policy=self.approval_policy,
            sandbox_policy=self.sandbox_policy,
            model=self.model,
            effort=self.effort,
            summary=self.summary,
            output_schema=output_schema,
            collaboration_mode=self.collaboration_mode,
        )


def as_policy(value: Any, config: Config) -> SandboxPolicy:
    """A sandbox policy given as a SandboxPolicy, its JSON dict or a mode name; None: the
    config's."""
    from codex.sandbox.policy import as_sandbox_policy, policy_from_config

    return policy_from_config(config) if value is None else as_sandbox_policy(value)


def initial_settings(
    config: Config, approval_policy: str | None, sandbox_policy: Any
) -> TurnSettings:
    """A new session's first settings: the config's, with the front end's policies over them."""
    return TurnSettings(
        cwd=config.cwd if isinstance(config.cwd, Path) else Path(config.cwd),
        approval_policy=str(approval_policy or config.approval_policy),
        sandbox_policy=as_policy(sandbox_policy, config),
        model=config.model,
        effort=str(config.model_reasoning_effort) if config.model_reasoning_effort else None,
        summary=None,
    )


def apply_overrides(settings: TurnSettings, op: Any, state: ModelState) -> None:
    """An `OverrideTurnContext` / `UserTurn` op's settings over `settings` (what it leaves out
    stays); a new model and the service tier go to `state`, which sets up for them."""
    s = settings
    if op.cwd:
        s.cwd = Path(op.cwd)
    if op.approval_policy:
        s.approval_policy = str(op.approval_policy)
    if op.sandbox_policy is not None:
        s.sandbox_policy = as_policy(op.sandbox_policy, state.config)
    if op.model and op.model != s.model:
        s.model = op.model
        state.configure_model(op.model)
    if op.effort:
        s.effort = op.effort
    if op.summary:
        s.summary = op.summary
    s.collaboration_mode = normalize_mode(op.collaboration_mode) or s.collaboration_mode
    state.override_service_tier(op.service_tier)


def snapshot(settings: TurnSettings, state: ModelState) -> SessionSettings:
    """The read-only `SessionSettings` a front end sees (the summary and the service tier as
    the model's requests carry them)."""
    s = settings
    return SessionSettings(
        cwd=s.cwd,
        approval_policy=s.approval_policy,
        sandbox_policy=s.sandbox_policy,
        model=s.model,
        effort=s.effort,
        summary=state.summary_for(s.model, s.summary),
        service_tier=state.service_tier,
    )
