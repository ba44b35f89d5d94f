"""What a front end tells core about itself when it opens a session (`FrontEnd`), and which
recorded thread it continues (`Resume`) or which local model runs it (`LocalModel`).

Core never tests a front end's name: every decision that differs between front ends (whether
`CODEX_API_KEY` counts, whether deltas are built, whether `$CODEX_HOME/rules` load, a forced
approval policy) is a field here, set once by the front end that owns it.
"""

from __future__ import annotations

from pathlib import Path

from codex._dataclass import dataclass
from codex.protocol.originator import DEFAULT_ORIGINATOR

__all__ = ["FrontEnd", "LocalModel", "Resume"]


@dataclass(frozen=True, slots=True)
class FrontEnd:
    """A front end's identity and the session decisions that follow from it."""

    originator: str
    """The client name sent to the provider unless `CODEX_INTERNAL_ORIGINATOR_OVERRIDE` names
    another (codex.protocol.originator), e.g. "codex_exec"."""
    source: str
    """What `session_meta.source` records: "exec", "cli", "vscode", "mcp", ..."""
    stream_deltas: bool = True
    """False for a front end that never shows streaming output: no delta events are built."""
    honour_codex_api_key: bool = False
    """Whether `CODEX_API_KEY` is a credential (exec honours it: the TS SDK passes its key so)."""
    exec_rules: bool = True
    """Load `$CODEX_HOME/rules/*.rules` (False for `codex exec --ignore-rules`)."""
    approval_policy: str | None = None
    """Forced on every turn whatever the config says ("never" for exec: nobody can answer)."""
    skill_load_warnings: bool = False
    """Report SKILL.md files that fail to load as startup `warning` events (0.169's TUI lists
    them among its startup warnings; its exec and app-server only log them)."""


# A library embedding core with no front end of its own (tests, scripts, `codex.api` users
# that do not name themselves).
LIBRARY = FrontEnd(originator=DEFAULT_ORIGINATOR, source="cli")


@dataclass(frozen=True, slots=True)
class Resume:
    """The recorded thread a session continues: a rollout file, a thread id, or the newest
    session of the configured provider. Build with `Resume.file`, `.thread` or `.newest`."""

    path: Path | None = None
    thread_id: str | None = None
    last: bool = False
    # With `last`: only sessions whose session_meta.source is one of these (None: any source;
    # a None inside: sessions recorded without a source).
    sources: tuple[str | None, ...] | None = None

    @classmethod
    def file(cls, path: str | Path) -> Resume:
        return cls(path=Path(path))

    @classmethod
    def thread(cls, thread_id: str) -> Resume:
        """A thread by id (as 0.169: an id that is not a UUID starts a new session; a UUID
        with no rollout is an error)."""
        return cls(thread_id=thread_id)

    @classmethod
    def newest(cls, sources: tuple[str | None, ...] | None = None) -> Resume:
        """The newest recorded session (of one of `sources` when given; a new one if there is
        none)."""
        return cls(last=True, sources=sources)


@dataclass(frozen=True, slots=True)
class LocalModel:
    """A local model chosen on the command line (`--oss`, `--local-provider`, `-m`); without
    one, a `model_provider = "oss" | "embedded"` config still runs locally."""

    oss: bool = False
    provider: str | None = None
    model_flag: str | None = None
