"""What `codex.core.open_session` hands to `Session`: the sandbox policy, the rollout recorder (new
file, or the resumed file opened for appending), the resumed history and the usage already spent
by earlier processes of the same thread. Everything about files goes through `codex.rollout`;
the front end names itself (originator, source, in its `FrontEnd` record) and picks nothing else.
Front ends never call this module: they call open_session.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from codex._dataclass import dataclass

# What `prepare(fork=...)` takes: (conversation id, history), and for a fork of a recorded
# thread the rollout that history came from (its lineage goes into session_meta).
Fork = tuple[str, Iterable[Any]] | tuple[str, Iterable[Any], Path]

if TYPE_CHECKING:
    from codex.config import Config
    from codex.core.prompt import UserInstructions
    from codex.core.stat_cache import Stamp


@dataclass(slots=True)
class SessionSetup:
    conversation_id: str
    recorder: Any
    sandbox_policy: Any
    originator: str  # resolved once here: session_meta and the client's headers both use it
    initial_history: list[dict[str, Any]] | None = None
    usage_base: dict[str, int] | None = None
    usage_last: dict[str, int] | None = None  # the last request's (auto-compaction's trigger)
    warnings: list[str] = field(default_factory=list)
    # AGENTS.md for config.cwd when computed here (a new, recorded session: session_meta needs
    # it), so the initial context reuses it instead of walking the tree a second time. None:
    # not computed here (resume, ephemeral); the session computes it once itself.
    user_instructions: UserInstructions | None = None
    # The stamps this setup's checks took (AGENTS.md, the git facts), for the thread start's
    # other checks of the same paths (the skills' `.git` candidates): stat'ed once per start.
    seen: dict[str, Stamp] = field(default_factory=dict)


def last_total_usage(path: Path) -> dict[str, int] | None:
    """`info.total_token_usage` of the last `token_count` event."""
    info = last_token_info(path)
    total = info.get("total_token_usage") if info else None
    return dict(total) if isinstance(total, dict) else None


def last_token_info(path: Path) -> dict[str, Any] | None:
    """`info` of the last `token_count` event, lines scanned backwards in a read-only mapping
    (cheap on a 30 MB rollout: only the tail is touched, nothing is copied but the one line
    parsed)."""
    from codex.rollout.reader import mapped

    try:
        fh = path.open("rb")
    except OSError:
        return None
    with fh, mapped(fh) as mm:
        if mm is None:
            return None
        end = len(mm)
        while end >= 0:
            start = mm.rfind(b"\n", 0, end) + 1
            if mm.find(b'"token_count"', start, end) >= 0:
                try:
                    obj = orjson.loads(mm[start:end])
                except orjson.JSONDecodeError:
                    obj = None
                payload = (obj.get("payload") or {}) if isinstance(obj, dict) else {}
                if obj and obj.get("type") == "event_msg" and payload.get("type") == "token_count":
                    info = payload.get("info")
                    return info if isinstance(info, dict) else None
            end = start - 1
    return None


def _usage(info: dict[str, Any] | None, key: str) -> dict[str, int] | None:
    usage = info.get(key) if info else None
    return dict(usage) if isinstance(usage, dict) else None


def prepare(
    config: Config,
    *,
    add_dirs: list[Path],
    ephemeral: bool,
    resume_path: Path | None,
    originator: str,
    source: str,
    fork: Fork | None = None,
) -> SessionSetup:
    """The policy, recorder, history and usage for a new session, or for continuing the
    rollout at `resume_path`. `originator` is the front end's default (`resolve_originator`
    may replace it); `source` is what `session_meta` records (`exec`, `cli`, `vscode`, ...).
    `fork`: (conversation id, history) of a thread held in memory, continued in a new rollout
    that starts with that history (so it can be resumed from the file later); a third item,
    the rollout the history came from, makes the new one a fork of that thread on record."""
    from codex.core.git_info import git_info
    from codex.protocol.originator import resolve_originator
    from codex.rollout import RolloutRecorder, SessionMetaParams, new_conversation_id
    from codex.sandbox.policy import policy_from_config

    policy = policy_from_config(config, add_dirs=add_dirs)
    origin = resolve_originator(originator)
    if resume_path is not None:
        from codex.core.resume import load_rollout_for_resume

        # Rebuilds a locally compacted history with the current initial context.
        resumed = load_rollout_for_resume(resume_path)
        info = last_token_info(resume_path)
        recorder = None
        if not ephemeral:
            recorder = RolloutRecorder.open_existing(resume_path, resumed.conversation_id)
        warnings = list(resumed.warnings)
        change = resumed.model_change_warning(config.model)
        if change:
            warnings.append(change)
        return SessionSetup(
            conversation_id=resumed.conversation_id,
            recorder=recorder,
            sandbox_policy=policy,
            originator=origin,
            initial_history=resumed.history,
            usage_base=_usage(info, "total_token_usage"),
            usage_last=_usage(info, "last_token_usage"),
            warnings=warnings,
        )
    history = None
    lineage: dict[str, Any] = {}
    if fork is not None:
        from codex.protocol.items import parse_item

        conversation_id = fork[0]
        history = [parse_item(i) if isinstance(i, dict) else i for i in fork[1]]
        if len(fork) > 2:  # a fork of a recorded thread: its session_meta names the parent
            from codex.core.lineage import fork_lineage

            lineage = fork_lineage(Path(fork[2]))
    else:
        conversation_id = new_conversation_id()
    recorder = None
    instructions = None
    # One stat per path for the checks of this thread start: they watch the same `.git`
    # candidates (AGENTS.md and the git facts below, the skills after this).
    seen: dict[str, Stamp] = {}
    if not ephemeral:
        from codex import __version__
        from codex.core.prompt import BASE_INSTRUCTIONS, UserInstructions, user_instructions

        cwd = config.cwd if isinstance(config.cwd, Path) else Path(config.cwd)
        instructions = UserInstructions(
            cwd,
            user_instructions(
                config.codex_home,
                cwd,
                config.project_doc_max_bytes,
                config.project_doc_fallback_filenames,
                seen=seen,
            ),
        )
        meta = SessionMetaParams(
            cwd=str(cwd),
            originator=origin,
            cli_version=__version__,
            source=source,
            model_provider=config.model_provider,
            instructions=instructions.text,
            base_instructions=config.instructions or BASE_INSTRUCTIONS,
            git=git_info(cwd, seen=seen),
            lineage=lineage,
        )
        recorder = RolloutRecorder.create(config.codex_home, meta, conversation_id=conversation_id)
        if fork is not None:
            # A fork is on record from the start (its copied history); a new thread's file is
            # made by its first turn, as 0.169 makes it.
            for item in history or ():
                recorder.record_response_item(item.to_dict())
            recorder.materialize()
    return SessionSetup(
        conversation_id=conversation_id,
        recorder=recorder,
        sandbox_policy=policy,
        originator=origin,
        initial_history=history,
        user_instructions=instructions,
        seen=seen,
    )
