"""`open_session`: the one way a front end opens a session.

Everything between "here is a config" and "here is a started session" happens here, in this
order, for every front end alike: the forced approval policy, the login restrictions, the local
model (checked, or the embedded server started for the session's lifetime), the rollout to
resume, the sandbox policy, the recorder (a new rollout, or the resumed file reopened for
appending; none only when `ephemeral`), the credentials, the thread's usage so far, and the
resume warnings (emitted as `warning` events right after `session_configured`).

    async with open_session(config, FrontEnd("my_tool", "cli")) as session:
        handle = await session.run_turn("hello")
        async for event in handle.events(): ...
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.core.front_end import FrontEnd, LocalModel, Resume

if TYPE_CHECKING:
    from codex.config import Config
    from codex.core.session import Session

__all__ = ["open_session"]

_NOT_LOCAL = LocalModel()  # no --oss, no --local-provider: the config alone decides


@contextlib.asynccontextmanager
async def open_session(
    config: Config,
    front_end: FrontEnd,
    *,
    resume: Resume | Path | None = None,
    ephemeral: bool = False,
    add_dirs: Sequence[Path] = (),
    local: LocalModel | None = None,
) -> AsyncIterator[Session]:
    """A started session (session_configured already emitted) for `front_end`, continuing
    `resume` when given (a `Resume`, or a rollout file's path); shut down (turn aborted,
    commands killed, rollout flushed and closed) when the block is left. Raises CodexError
    (one line for the user) for a login restriction, a local model that cannot run, a thread
    id with no rollout, or a bad `[custom_tools]` table."""
    with contextlib.ExitStack() as stack:
        session = start_session(stack, config, front_end, resume, ephemeral, add_dirs, local)
        async with session:
            yield session


def start_session(
    stack: contextlib.ExitStack,
    config: Config,
    front_end: FrontEnd,
    resume: Resume | Path | None,
    ephemeral: bool,
    add_dirs: Sequence[Path],
    local: LocalModel | None,
    *,
    fork: tuple[Any, ...] | None = None,
) -> Session:
    """The not yet started Session of `open_session` (what a local model needs kept alive is
    entered on `stack`). `fork`: (conversation id, history) to continue in a new rollout
    (ConversationManager.resume_conversation)."""
    from codex.core.auth import enforce_login_restrictions, session_auth
    from codex.core.local import local_provider_session, runs_locally
    from codex.core.session import Session
    from codex.core.setup import prepare
    from codex.core.skills.turn import load_error_warnings, session_skills

    if front_end.approval_policy is not None:
        config = _with_approval_policy(config, front_end.approval_policy)
    honour_key = front_end.honour_codex_api_key
    enforce_login_restrictions(config, enable_codex_api_key_env=honour_key)
    local = local or _NOT_LOCAL
    if runs_locally(config, oss=local.oss):  # else nothing to enter, nor to leave at the end
        config = stack.enter_context(
            local_provider_session(
                config, oss=local.oss, local_provider=local.provider, model_flag=local.model_flag
            )
        )
    setup = prepare(
        config,
        add_dirs=list(add_dirs),
        ephemeral=ephemeral,
        resume_path=resume_path(config, resume),
        originator=front_end.originator,
        source=front_end.source,
        fork=fork,
    )
    # Loaded once for this start: the load errors are warnings, the skills the initial
    # context's list; checked with the stamps setup took (the same `.git` candidates).
    skills = session_skills(config.codex_home, config.cwd, seen=setup.seen)
    skill_warnings = load_error_warnings(skills, as_warnings=front_end.skill_load_warnings)
    session = Session(
        config,
        originator=setup.originator,
        approval_policy=front_end.approval_policy,
        sandbox_policy=setup.sandbox_policy,
        recorder=setup.recorder,
        initial_history=setup.initial_history,
        conversation_id=setup.conversation_id,
        auth=session_auth(config, enable_codex_api_key_env=honour_key),
        stream_deltas=front_end.stream_deltas,
        load_exec_rules=front_end.exec_rules,
        startup_warnings=[*setup.warnings, *skill_warnings],
        user_instructions=setup.user_instructions,
        skills=skills,
    )
    from codex.core.turn_metadata import describe_thread  # the turn metadata headers' facts

    describe_thread(
        session.state,
        front_end.source,
        front_end.originator,
        resumed=setup.initial_history is not None,
    )
    from codex.protocol.originator import TUI_SOURCE

    if front_end.source == TUI_SOURCE and config.features.goals:  # 0.169's TUI goes on
        session.state.tooling.goals.continuation = True  # with an active goal by itself
    if setup.usage_base:
        # A resumed thread keeps counting where the last process stopped (0.169 reports
        # thread-cumulative usage, and records it so in the rollout's token_count lines).
        from codex.protocol.usage import TokenUsage

        session.token_info.total_token_usage = TokenUsage.from_dict(setup.usage_base)
    if setup.usage_last:
        # The last request's usage decides whether the next turn compacts first (0.169).
        from codex.protocol.usage import TokenUsage

        session.token_info.last_token_usage = TokenUsage.from_dict(setup.usage_last)
    return session


def _with_approval_policy(config: Config, policy: str) -> Config:
    """`config` with the front end's forced approval policy: one derived config per (config,
    policy) (codex._memo), so the sessions of such a front end (batch runs many in a process)
    share what is derived per config object instead of each deriving it for a new copy."""
    from codex._memo import per_config
    from codex.config.schema import evolve
    from codex.protocol.config_types import AskForApproval

    base = config
    return per_config.get(
        base,
        ("approval_policy", policy),
        lambda: evolve(base, approval_policy=AskForApproval(policy)),
    )


def resume_path(config: Config, resume: Resume | Path | None) -> Path | None:
    """The rollout file `resume` names (None: start a new session); the rules are
    codex.core.resume's."""
    if resume is None:
        return None
    if isinstance(resume, Path):
        return resume
    if resume.path is not None:
        return resume.path
    from codex.core.resume import find_resume_path

    return find_resume_path(
        Path(config.codex_home),
        model_provider=str(config.model_provider),
        last=resume.last,
        thread_id=resume.thread_id,
        sources=resume.sources,
    )
