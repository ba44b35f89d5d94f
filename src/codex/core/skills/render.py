"""The skills list the model sees: one `<skills_instructions>` text part of the developer
message that opens a conversation, present only when at least one skill is offered.

What the model relies on is 0.169's: the tag, and one line per skill giving its name, its
description and the absolute path of its SKILL.md (`- name: description (file: /path)`). The
surrounding guidance is our own wording. Offered are the enabled skills whose openai.yaml does
not forbid implicit use; system skills come first (as 0.169 lists them), then the rest in
discovery order. Descriptions are shortened, never dropped, when the list would exceed its
budget, so every skill stays visible.
"""

from __future__ import annotations

from collections.abc import Sequence

from codex.core.skills.model import Skill, SkillsOutcome

OPEN_TAG = "<skills_instructions>"
CLOSE_TAG = "</skills_instructions>"
# Characters all skill lines together may take (0.169 budgets 2% of the context window, 8000
# characters when the window is unknown).
LINES_BUDGET = 8000
_ELLIPSIS = "..."

_INTRO = (
    "Skills are folders of task-specific instructions, each described by a `SKILL.md` file. "
    "The skills below are installed for this session; each line gives a skill's name, what "
    "it is for, and where its `SKILL.md` lives."
)
_GUIDANCE = """\
- When the user names a skill (for example `$skill-name`) or the task plainly fits a skill's \
description, open that skill's `SKILL.md` and follow it for this turn. Use every skill that \
was named; do not keep using a skill in later turns unless it is named again.
- Read only as much of a skill as the task needs. Paths a `SKILL.md` mentions are relative to \
its own folder. Prefer running the scripts and reusing the templates a skill provides over \
rewriting them.
- If several skills apply, use the fewest that cover the request and say which ones you use. \
If a skill is missing or cannot be read, say so briefly and carry on without it."""


def offered(outcome: SkillsOutcome) -> list[Skill]:
    """The skills the model is told about, in the order it sees them."""
    skills = [s for s in outcome.skills if s.enabled and s.allow_implicit_invocation]
    return [s for s in skills if s.scope == "system"] + [s for s in skills if s.scope != "system"]


def skills_instructions(outcome: SkillsOutcome, budget: int = LINES_BUDGET) -> str | None:
    """The `<skills_instructions>` text for `outcome`, or None when no skill is offered."""
    skills = offered(outcome)
    if not skills:
        return None
    lines = _lines(skills, budget)
    body = [
        OPEN_TAG,
        "## Skills",
        _INTRO,
        "### Available skills",
        *lines,
        "### Using skills",
        _GUIDANCE,
        CLOSE_TAG,
    ]
    return "\n".join(body)


def _line(skill: Skill, description: str) -> str:
    if not description:
        return f"- {skill.name}: (file: {skill.path})"
    return f"- {skill.name}: {description} (file: {skill.path})"


def _lines(skills: Sequence[Skill], budget: int) -> list[str]:
    """One line per skill; when they overflow `budget`, the longest descriptions are cut first
    (each keeps at least what the shortest cut one keeps)."""
    full = [_line(s, s.description) for s in skills]
    total = sum(len(line) + 1 for line in full)
    if total <= budget:
        return full
    keep = _description_cap(
        [len(s.description) for s in skills], total - budget + len(_ELLIPSIS) * len(skills)
    )
    return [
        _line(s, s.description if len(s.description) <= keep else _cut(s.description, keep))
        for s in skills
    ]


def _description_cap(lengths: list[int], excess: int) -> int:
    """The largest per-description cap that removes at least `excess` characters."""
    cap = max(lengths, default=0)
    while cap > 0 and sum(max(0, n - cap) for n in lengths) < excess:
        cap -= max(1, cap // 16)
    return max(cap, 0)


def _cut(description: str, keep: int) -> str:
    return description[:keep].rstrip() + _ELLIPSIS if keep > 0 else ""
