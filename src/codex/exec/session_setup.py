"""What `codex exec` hands to `codex.core.Session`: the sandbox policy, the rollout recorder (new
file, or the resumed file opened for appending), the resumed history and the usage already spent
by earlier processes of the same thread. Everything about files goes through `codex.rollout`.

Git facts for `session_meta` are read from `.git` files directly (HEAD, refs, packed-refs,
config) instead of spawning `git` three times: same answer for ordinary repos, ~0.1 ms instead
of ~15 ms of startup.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from codex.config import Config

SOURCE = "exec"
EXEC_ORIGINATOR = "codex_exec"


def auth_manager(config: Config) -> Any:
    """Credentials for the run. `CODEX_API_KEY` is honoured by exec only, whatever originator an
    embedding SDK announces (the TS SDK passes its `apiKey` that way)."""
    try:
        from codex.auth import AuthManager

        return AuthManager.from_config(config, enable_codex_api_key_env=True)
    except Exception:  # unreadable storage: env keys of the provider still work
        return None


def enforce_login_restrictions(config: Config) -> None:
    """`forced_login_method` / `forced_chatgpt_workspace_id`: refuse (exit 1) like upstream."""
    if not (config.forced_login_method or config.forced_chatgpt_workspace_id):
        return
    from codex.auth.errors import AuthError
    from codex.auth.restrictions import enforce_login_restrictions as enforce
    from codex.auth.settings import AuthSettings
    from codex.errors import CodexError

    try:
        enforce(AuthSettings.from_config(config), enable_codex_api_key_env=True)
    except AuthError as err:
        raise CodexError(str(err)) from None


@dataclass(slots=True)
class SessionSetup:
    conversation_id: str
    recorder: Any
    sandbox_policy: Any
    originator: str  # resolved once here: session_meta and the client's headers both use it
    initial_history: list[dict[str, Any]] | None = None
    usage_base: dict[str, int] | None = None
    warnings: list[str] = field(default_factory=list)


# ---- git ------------------------------------------------------------------------------------


def _git_dir(cwd: Path) -> Path | None:
    for directory in (cwd, *cwd.parents):
        dot_git = directory / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():  # worktree / submodule: "gitdir: <path>"
            try:
                text = dot_git.read_text().strip()
            except OSError:
                return None
            if text.startswith("gitdir:"):
                target = Path(text[7:].strip())
                return target if target.is_absolute() else (directory / target).resolve()
            return None
    return None


def _read(path: Path) -> str | None:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return None


def git_info(cwd: Path) -> dict[str, str] | None:
    """`{commit_hash?, branch?, repository_url?}` of the repo holding `cwd`, or None."""
    git_dir = _git_dir(cwd)
    if git_dir is None:
        return None
    common = git_dir
    common_file = _read(git_dir / "commondir")
    if common_file:
        common = (git_dir / common_file.strip()).resolve()
    info: dict[str, str] = {}
    head = (_read(git_dir / "HEAD") or "").strip()
    commit = None
    if head.startswith("ref:"):
        ref = head[4:].strip()
        if ref.startswith("refs/heads/"):
            info["branch"] = ref[len("refs/heads/") :]
        commit = (_read(git_dir / ref) or _read(common / ref) or "").strip() or None
        if commit is None:
            for line in (_read(common / "packed-refs") or "").splitlines():
                parts = line.split(" ", 1)
                if len(parts) == 2 and parts[1].strip() == ref:
                    commit = parts[0]
                    break
    elif head:
        commit = head
    if commit:
        info = {"commit_hash": commit, **info}
    url = _origin_url(_read(common / "config") or "")
    if url:
        info["repository_url"] = url
    return info or None


def _origin_url(config_text: str) -> str | None:
    in_origin = False
    for raw in config_text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            in_origin = line.replace(" ", "") in ('[remote"origin"]',)
            continue
        if in_origin and line.startswith("url"):
            key, _, value = line.partition("=")
            if key.strip() == "url":
                return value.strip()
    return None


# ---- usage already spent --------------------------------------------------------------------


def last_total_usage(path: Path) -> dict[str, int] | None:
    """`info.total_token_usage` of the last `token_count` event, lines scanned backwards in a
    read-only mapping (cheap on a 30 MB rollout: only the tail is touched, nothing is copied
    but the one line parsed)."""
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
                    info = payload.get("info") or {}
                    total = info.get("total_token_usage")
                    return dict(total) if isinstance(total, dict) else None
            end = start - 1
    return None


# ---- assembling -----------------------------------------------------------------------------


def prepare(
    config: Config,
    *,
    add_dirs: list[Path],
    ephemeral: bool,
    resume_path: Path | None,
) -> SessionSetup:
    from codex.protocol.originator import resolve_originator
    from codex.rollout import RolloutRecorder, SessionMetaParams, new_conversation_id
    from codex.sandbox.policy import policy_from_config

    policy = policy_from_config(config, add_dirs=add_dirs)
    origin = resolve_originator(EXEC_ORIGINATOR)
    if resume_path is not None:
        from codex.core.resume import load_rollout_for_resume

        # Rebuilds a locally compacted history with the current initial context.
        resumed = load_rollout_for_resume(resume_path)
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
            usage_base=last_total_usage(resume_path),
            warnings=warnings,
        )
    conversation_id = new_conversation_id()
    recorder = None
    if not ephemeral:
        from codex import __version__
        from codex.core.prompt import BASE_INSTRUCTIONS, user_instructions

        meta = SessionMetaParams(
            cwd=str(config.cwd),
            originator=origin,
            cli_version=__version__,
            source=SOURCE,
            model_provider=config.model_provider,
            instructions=user_instructions(
                Path(config.codex_home),
                Path(config.cwd),
                config.project_doc_max_bytes,
                config.project_doc_fallback_filenames,
            ),
            base_instructions=config.instructions or BASE_INSTRUCTIONS,
            git=git_info(Path(config.cwd)),
        )
        recorder = RolloutRecorder.create(
            Path(config.codex_home), meta, conversation_id=conversation_id
        )
    return SessionSetup(
        conversation_id=conversation_id, recorder=recorder, sandbox_policy=policy, originator=origin
    )
