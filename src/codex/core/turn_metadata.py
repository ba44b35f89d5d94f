"""The per-turn headers 0.169 sends with every model request: `x-codex-beta-features`,
`x-codex-window-id`, `x-codex-turn-metadata` (one JSON object describing the thread, the turn,
the sandbox and the workspace) and, for a review, `x-openai-subagent` and
`x-codex-parent-thread-id`.

Facts captured from 0.169 (tests/fixtures/turn_metadata_official.json):
- the thread's facts are fixed for a session: the installation id (`$CODEX_HOME/installation_id`,
  a UUIDv4 without newline, mode 0644, shared with 0.169), the context window id (a UUIDv7),
  `history_initialization` ("new", or "cold_resume" for a thread resumed from its rollout);
- `agent_name` is the agent's path in the multi-agent tree: "/root" for the thread the user
  talks to (a review too);
- `thread_source`/`turn_trigger` come from the front end: exec sends "user"/"exec", the
  app-server neither, a review thread "subagent" and no trigger;
- `sandbox` is the platform's sandbox kind ("seccomp" on Linux, "none" without a sandbox),
  `sandbox_mode` the policy's name;
- `workspaces` is keyed by the repository root (omitted outside a repository) with
  `associated_remote_urls` (every remote, by name), `latest_git_commit_hash` and `has_changes`.

Cost: the thread's part is built once per session; a turn adds its ids, the git facts (from a
stat cache: a few `stat` calls, no `git` process) and one `json.dumps`. `has_changes` needs a
`git status`, which no turn of ours runs, so it is left out (0.169 leaves it out too when the
status cannot be had).
"""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Any

import orjson

from codex.core.git_info import find_repo, head_commit, read_file
from codex.core.stat_cache import StatCache, Watch
from codex.protocol.uuid7 import uuid7

__all__ = [
    "MANUAL_COMPACTION",
    "auto_compaction",
    "describe_thread",
    "installation_id",
    "next_window",
    "now_ms",
    "turn_headers",
    "workspace_git",
]

BETA_FEATURES = "remote_compaction_v2"
ROOT_AGENT = "/root"

# A front end (its FrontEnd.source, or its own originator name) -> (thread_source, turn_trigger)
# as 0.169's says them: exec "user"/"exec", the TUI "user"/"user"; the app-server's clients
# send neither (nor does a library front end here).
_TRIGGERS: dict[str, tuple[str, str]] = {
    "exec": ("user", "exec"),
    "codex-tui": ("user", "user"),
}

_installation_ids: dict[str, str] = {}


def installation_id(codex_home: str | os.PathLike[str]) -> str:
    """The id `$CODEX_HOME/installation_id` holds, created (as 0.169 does: a UUIDv4, no
    newline) when missing or not a UUID, so both CLIs report one installation. Read once per
    process and home."""
    home = os.fspath(codex_home)
    known = _installation_ids.get(home)
    if known is not None:
        return known
    path = os.path.join(home, "installation_id")
    value: str | None = None
    try:
        with open(path, encoding="utf-8") as f:
            # 0.169 takes the text trimmed, any case (sent lowercase), and leaves it as it is.
            value = str(uuid.UUID(f.read().strip()))
        if os.stat(path).st_mode & 0o777 != 0o644:
            os.chmod(path, 0o644)  # as 0.169: the file is made world-readable
    except (OSError, ValueError):
        pass
    if value is None:  # missing or not a UUID: a new one replaces it
        value = str(uuid.uuid4())
        try:
            os.makedirs(home, exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(value)
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except OSError:
            pass  # an unwritable home: the id still names this process's requests
    _installation_ids[home] = value
    return value


# ---- git facts from .git files (no git process) -------------------------------------------

_git_cache: StatCache[tuple[str, dict[str, Any]] | None] = StatCache()


def workspace_git(cwd: str | os.PathLike[str]) -> tuple[str, dict[str, Any]] | None:
    """`(repo root, {associated_remote_urls?, latest_git_commit_hash?})` of the repository
    holding `cwd`, None outside one; answers stay cached while the files that decided them
    are unchanged (codex.core.stat_cache)."""
    return _git_cache.get(os.fspath(cwd), lambda watch: _workspace(Path(cwd), watch))


def _workspace(cwd: Path, watch: Watch) -> tuple[str, dict[str, Any]] | None:
    repo = find_repo(cwd, watch)
    if repo is None:
        return None
    root, git_dir = repo
    common, _ref, commit = head_commit(git_dir, watch)
    facts: dict[str, Any] = {}
    remotes = _remotes(read_file(common / "config", watch) or "")
    if remotes:
        facts["associated_remote_urls"] = remotes
    if commit:
        facts["latest_git_commit_hash"] = commit
    return str(root), facts


def _remotes(config_text: str) -> dict[str, str]:
    """Every `[remote "name"] url = ...` of a git config, by name (sorted, as 0.169 sends)."""
    remotes: dict[str, str] = {}
    name: str | None = None
    for raw in config_text.splitlines():
        line = raw.strip()
        if line.startswith("["):
            section = line.strip("[]").strip()
            name = None
            if section.startswith("remote ") and section.endswith('"'):
                name = section[len("remote ") :].strip().strip('"')
            continue
        if name is not None and "=" in line:
            key, _, value = line.partition("=")
            if key.strip() == "url" and name not in remotes:
                remotes[name] = value.strip()
    return dict(sorted(remotes.items()))


def describe_thread(state: Any, source: str, name: str, *, resumed: bool) -> None:
    """What the front end knows of a session's thread (codex.core.open): its `source` and
    `name` (codex.core.front_end.FrontEnd's source and originator) and whether its history came
    from a rollout."""
    state.front_trigger = _TRIGGERS.get(source) or _TRIGGERS.get(name)
    state.resumed = resumed


# ---- the headers ---------------------------------------------------------------------------


class _ThreadFacts:
    """What every turn of one session shares, built at its first turn."""

    __slots__ = (
        "analytics",
        "head",
        "installation",
        "review",
        "thread_id",
        "window_id",
        "window_number",
        "window_thread",
    )

    def __init__(self, state: Any) -> None:
        config = state.config
        self.installation = installation_id(config.codex_home)
        self.thread_id: str = state.conversation_id
        self.window_thread = self.thread_id  # whose windows these are (a review: its own)
        self.window_number = 0
        self.window_id = f"{self.thread_id}:0"
        analytics = config.model_extra.get("analytics")
        enabled = analytics.get("enabled", True) if isinstance(analytics, dict) else True
        self.analytics = enabled is not False
        self.review = _is_review(config)
        resumed = bool(getattr(state, "resumed", False))
        trigger: tuple[str, str] | None = getattr(state, "front_trigger", None)
        # The dict every turn copies: keys in 0.169's order, the turn's filled in later.
        head: dict[str, Any] = {
            "installation_id": self.installation,
            "session_id": self.thread_id,
            "thread_id": self.thread_id,
            "agent_name": ROOT_AGENT,
            "turn_id": None,
            "window_id": self.window_id,
            "window_number": 0,
            "context_window_id": uuid7(),
            "request_kind": "turn",
            "history_initialization": "cold_resume" if resumed else "new",
        }
        if self.review:
            # A review runs as a sub-thread of the user's thread in 0.169: its own thread id,
            # the user's thread as parent.
            sub_thread = uuid7()
            head["thread_id"] = self.window_thread = sub_thread
            head["window_id"] = self.window_id = f"{sub_thread}:0"
            head["parent_thread_id"] = self.thread_id
            head["parent_turn_id"] = None
            head["root_turn_id"] = None
            head["subagent_kind"] = "review"
            head["thread_source"] = "subagent"
        else:
            head["root_turn_id"] = None
            if trigger is not None:
                head["thread_source"], head["turn_trigger"] = trigger
        self.head = head

    def next_window(self) -> None:
        """A compaction replaced the context: the next requests are the thread's next window,
        with a new context window id (0.169: `<thread>:1` after the first compaction)."""
        self.window_number += 1
        self.window_id = f"{self.window_thread}:{self.window_number}"
        self.head["window_id"] = self.window_id
        self.head["window_number"] = self.window_number
        self.head["context_window_id"] = uuid7()


def _facts(state: Any) -> _ThreadFacts:
    facts: _ThreadFacts | None = getattr(state, "_turn_facts", None)
    if facts is None:
        facts = state._turn_facts = _ThreadFacts(state)
    return facts


def next_window(state: Any) -> None:
    """After a compaction of the session `state` (see `_ThreadFacts.next_window`)."""
    _facts(state).next_window()


def _is_review(config: Any) -> bool:
    developer = config.developer_instructions
    if not developer:
        return False
    from codex.core.review import review_instructions

    return bool(developer == review_instructions())


def _json(meta: dict[str, Any]) -> str:
    """Compact JSON, ASCII only (a header value): 0.169 sends a non-ASCII path as `\u00e9`."""
    text = orjson.dumps(meta).decode()
    if not text.isascii():  # rare: orjson writes UTF-8, json escapes as 0.169 does
        import json

        text = json.dumps(meta, separators=(",", ":"))
    return text


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def auto_compaction(phase: str) -> dict[str, str]:
    """The `compaction` member of an automatic compaction's request as 0.169 sends it; `phase`
    "pre_turn" (before the turn's input joins the history) or "mid_turn"."""
    return {
        "trigger": "auto",
        "reason": "context_limit",
        "implementation": "responses",
        "phase": phase,
        "strategy": "memento",
    }


# The `compact` Op (`/compact`, the app-server's thread/compact/start) as 0.169 says it.
MANUAL_COMPACTION = {
    "trigger": "manual",
    "reason": "user_requested",
    "implementation": "responses",
    "phase": "standalone_turn",
    "strategy": "memento",
}


def turn_headers(
    state: Any,
    turn_id: str,
    settings: Any,
    reasoning: Any,
    started_ms: int,
    *,
    compaction: dict[str, str] | None = None,
) -> dict[str, str]:
    """The headers of a model request of the turn `turn_id`, started at `started_ms` (see the
    module docstring). `compaction`: the request summarizes the context (0.169 then says
    `request_kind` "compaction" and how, and leaves out the model and effort)."""
    facts = _facts(state)
    meta = dict(facts.head)
    if compaction is not None:
        meta["request_kind"] = "compaction"
    if facts.review:
        meta["turn_id"] = uuid7()
        meta["parent_turn_id"] = meta["root_turn_id"] = turn_id
    else:
        meta["turn_id"] = meta["root_turn_id"] = turn_id
    policy = settings.sandbox_policy
    mode = str(policy.type)
    meta["sandbox"] = "none" if mode in ("danger-full-access", "external-sandbox") else "seccomp"
    meta["sandbox_mode"] = mode
    meta["auto_review_enabled"] = False
    meta["node_repl_auto_review_required"] = False
    meta["node_repl_disabled"] = False
    git = workspace_git(settings.cwd)
    if git is not None and git[1]:
        meta["workspaces"] = {git[0]: git[1]}
    meta["turn_started_at_unix_ms"] = started_ms
    meta["analytics_enabled"] = facts.analytics
    if compaction is not None:
        meta["compaction"] = compaction
    else:
        meta["model"] = settings.model
        # The request's effort (configured, else the catalog model's): none for a model the
        # catalog does not list and no configured effort, where 0.169 leaves the key out.
        effort = (reasoning or {}).get("effort")
        if effort:
            meta["reasoning_effort"] = effort
    headers = {
        "x-codex-beta-features": BETA_FEATURES,
        "x-codex-window-id": facts.window_id,
        "x-codex-turn-metadata": _json(meta),
    }
    if facts.review:
        headers["x-codex-parent-thread-id"] = facts.thread_id
        headers["x-openai-subagent"] = "review"
        headers["x-client-request-id"] = headers["thread-id"] = meta["thread_id"]
    return headers


def client_metadata(headers: dict[str, str] | Any) -> dict[str, str] | None:
    """The body's `client_metadata` 0.169 sends beside these turn headers (checked against its
    requests in tests/fixtures/turn_metadata_official.json): the turn's ids, the installation,
    the window, the metadata string itself, and a review's parent ids."""
    raw = headers.get("x-codex-turn-metadata")
    if raw is None:
        return None
    meta = orjson.loads(raw)
    out: dict[str, str] = {}
    for key, name in _CLIENT_IDS:
        value = meta.get(key)
        if value is not None:
            out[name] = value
    out["x-codex-window-id"] = headers["x-codex-window-id"]
    out["x-codex-turn-metadata"] = raw
    for name in ("x-codex-parent-thread-id", "x-openai-subagent"):
        if name in headers:
            out[name] = headers[name]
    return out


# (key in the turn metadata, key in client_metadata)
_CLIENT_IDS = (
    ("session_id", "session_id"),
    ("thread_id", "thread_id"),
    ("turn_id", "turn_id"),
    ("root_turn_id", "root_turn_id"),
    ("parent_turn_id", "parent_turn_id"),
    ("installation_id", "x-codex-installation-id"),
)
