"""What core's session asks of skills: the developer-message part that lists them, once per
conversation, and the messages a turn's skill mentions add after the user's message.

Both load skills through the cached `load_skills`, so a conversation in a folder without skills
costs a few stats and changes nothing in the request; a thread start loads them once
(`session_skills`), for its load-error warnings and its skills list. All include the process's
extra roots (`set_session_extra_roots`): 0.169's app-server offers the skills of its
`skills/extraRoots/set` roots to the model and injects them on a mention, in every thread it
runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.core.skills.discover import load_skills
from codex.core.skills.model import SkillsOutcome
from codex.core.skills.render import budget_for, skills_instructions
from codex.core.skills.roots import skill_roots

if TYPE_CHECKING:
    from codex.core.stat_cache import Stamp

# The extra roots every session of this process scans (one set per process, as 0.169's
# app-server shares them across its connections). Empty unless a front end sets them.
_extra_roots: tuple[Path, ...] = ()


def set_session_extra_roots(roots: Sequence[Path]) -> None:
    """Scan `roots` too (as user skills) in every session's skills list and mentions."""
    global _extra_roots
    _extra_roots = tuple(roots)


def session_extra_roots() -> tuple[Path, ...]:
    return _extra_roots


def session_skills(
    codex_home: Path | str, cwd: Path | str, *, seen: dict[str, Stamp] | None = None
) -> SkillsOutcome:
    """The skills of a thread starting in `cwd`, loaded once for its start: their load errors
    are its warnings (`load_error_warnings`), the skills its initial context's list
    (`session_skills_instructions`). `seen`: see `load_skills`."""
    return load_skills(codex_home, cwd, extra_roots=_extra_roots, seen=seen)


def session_skills_instructions(
    codex_home: Path,
    cwd: Path,
    context_window: int | None = None,
    *,
    outcome: SkillsOutcome | None = None,
) -> str | None:
    """The `<skills_instructions>` text for a conversation in `cwd`; None without skills.
    `context_window`: the model's, which sizes the list's budget (0.169: 2% of it). `outcome`:
    `cwd`'s skills as already loaded (`session_skills`); None: loaded here."""
    if outcome is None:
        outcome = load_skills(codex_home, cwd, extra_roots=_extra_roots)
    if not outcome.skills:
        return None
    from codex.core.skills.roots import home_dir

    roots = [r.path for r in skill_roots(codex_home, cwd, _extra_roots, home=home_dir())]
    return skills_instructions(outcome, budget_for(context_window), roots=roots)


def turn_skill_messages(codex_home: Path, cwd: Path, inputs: Sequence[Any]) -> list[Any]:
    """The `<skill>` user messages for the skills a turn's input names (usually none)."""
    from codex.protocol import ops

    picks = [(p.name, p.path) for p in inputs if isinstance(p, ops.InputSkill)]
    texts = [p.text for p in inputs if isinstance(p, ops.InputText)]
    if not picks and not any("$" in t for t in texts):
        return []  # nothing names a skill: no need to look at the disk
    from codex.core.skills.mentions import injections, select  # only for input that may name one

    outcome = load_skills(codex_home, cwd, extra_roots=_extra_roots)
    return injections(select(picks, texts, outcome.skills))


def load_error_warnings(outcome: SkillsOutcome, *, as_warnings: bool) -> list[str]:
    """The SKILL.md files of a thread start's skills (`session_skills`) that failed to load:
    each is logged as 0.169's core logs it (an error line, `failed to load skill <path>:
    <message>`, which `codex exec` and the app-server print on stderr and the TUI writes to its
    log); with `as_warnings` also returned as `<path>: <message>` startup warnings (0.169's TUI
    lists them so; its exec and app-server send no event or notification for them)."""
    if not outcome.errors:
        return []
    import logging

    log = logging.getLogger("codex.core.session")  # 0.169's target: codex_core::session
    for error in outcome.errors:
        log.error("failed to load skill %s: %s", error.path, error.message)
    return [f"{e.path}: {e.message}" for e in outcome.errors] if as_warnings else []
