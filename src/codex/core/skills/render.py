"""The skills list the model sees: one `<skills_instructions>` text part of the developer
message that opens a conversation, present only when at least one skill is offered.

The format is 0.169's where the model relies on it (facts in
tests/fixtures/skills_followup_official.json): a `## Skills` section; a `### Skill roots` table
naming each root that holds an offered skill `rN` (in scan order), so each line spells its
SKILL.md as `rN/<relative path>`; then `### Available skills` with one
`- name: description (file: path)` line per skill, system skills first, then admin, repo and
user ones, each scope sorted by name; then `### How to use skills`. The guidance prose is our
own wording.

The lines share a budget: 2% of the model's context window counted in tokens (4 bytes each),
or 8000 characters when the window is unknown, less what the roots table costs. Over it,
descriptions are cut (no ellipsis), one character at a time round the skills, so short ones
stay whole and long ones end equally long; if even bare lines do not fit, lines without
descriptions are kept in order while they fit and the rest are left out.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from codex._dataclass import dataclass
from codex.core.skills.model import Skill, SkillsOutcome

OPEN_TAG = "<skills_instructions>"
CLOSE_TAG = "</skills_instructions>"
# The budget without a known context window, in characters (0.169).
LINES_BUDGET = 8000
CONTEXT_WINDOW_PERCENT = 2
BYTES_PER_TOKEN = 4
# What 0.169's wording for aliased paths saves over its wording for absolute ones (bytes).
ALIAS_WORDING_SAVING = 156
_SCOPE_RANK = {"system": 0, "admin": 1, "repo": 2, "user": 3}

_INTRO = (
    "Skills are folders of task-specific instructions, each described by a `SKILL.md` file. "
    "The skills below are installed for this session; each line gives a skill's name, what "
    "it is for, and where its `SKILL.md` lives, as a short path that starts with one of the "
    "root aliases listed under `### Skill roots`."
)
_GUIDANCE = """\
- To find a skill's `SKILL.md`, replace the alias at the start of its short path (`rN`) with \
the folder the roots table gives for it.
- When the user names a skill (for example `$skill-name`) or the task plainly fits a skill's \
description, open that skill's `SKILL.md` and follow it for this turn. Use every skill that \
was named; do not keep using a skill in later turns unless it is named again.
- Read only as much of a skill as the task needs. Paths a `SKILL.md` mentions are relative to \
its own folder. Prefer running the scripts and reusing the templates a skill provides over \
rewriting them.
- If several skills apply, use the fewest that cover the request and say which ones you use. \
If a skill is missing or cannot be read, say so briefly and carry on without it."""


@dataclass(frozen=True, slots=True)
class Budget:
    """How much the skill lines may take: `limit` tokens (`tokens`) or characters."""

    limit: int
    tokens: bool

    def cost(self, text: str) -> int:
        if self.tokens:
            return _tokens(len(text.encode("utf-8")))
        return len(text)


def _tokens(n_bytes: int) -> int:
    return (n_bytes + BYTES_PER_TOKEN - 1) // BYTES_PER_TOKEN


def budget_for(context_window: int | None) -> Budget:
    """0.169's budget: 2% of the full context window in tokens; 8000 characters without one."""
    if context_window and context_window > 0:
        return Budget(max(1, context_window * CONTEXT_WINDOW_PERCENT // 100), True)
    return Budget(LINES_BUDGET, False)


def offered(outcome: SkillsOutcome) -> list[Skill]:
    """The skills the model is told about, in the order it sees them."""
    skills = [s for s in outcome.skills if s.enabled and s.allow_implicit_invocation]
    return sorted(
        skills, key=lambda s: (_SCOPE_RANK.get(s.scope, 4), s.name.encode(), os.fsencode(s.path))
    )


def skills_instructions(
    outcome: SkillsOutcome,
    budget: int | Budget = LINES_BUDGET,
    *,
    roots: Sequence[Path] = (),
) -> str | None:
    """The `<skills_instructions>` text for `outcome`, or None when no skill is offered.
    `roots`: the scanned roots in scan order (they become the `rN` aliases); `budget`: a
    Budget, or a plain number of characters."""
    skills = offered(outcome)
    if not skills:
        return None
    if isinstance(budget, int):
        budget = Budget(budget, False)
    paths, table = _aliases(skills, roots)
    table_cost = _table_cost(table, budget)
    lines = _lines(skills, paths, Budget(max(0, budget.limit - table_cost), budget.tokens))
    body = [OPEN_TAG, "## Skills", _INTRO]
    if table:
        body += ["### Skill roots", *table]
    body += ["### Available skills", *lines, "### How to use skills", _GUIDANCE, CLOSE_TAG]
    return "\n".join(body)


def _table_cost(table: Sequence[str], budget: Budget) -> int:
    """What the roots table takes from the lines' budget. 0.169 charges the difference between
    its text with the table and without it, where the wording that goes with aliases is shorter
    than the one for absolute paths: measured, its charge is the table's size less
    ALIAS_WORDING_SAVING bytes (tests/fixtures/skills_followup_official.json format_budget)."""
    if not table:
        return 0
    text = "\n".join(["### Skill roots", *table]) + "\n"
    size = len(text.encode("utf-8")) if budget.tokens else len(text)
    return budget.cost("x" * max(0, size - ALIAS_WORDING_SAVING))


def _aliases(skills: Sequence[Skill], roots: Sequence[Path]) -> tuple[list[str], list[str]]:
    """Each skill's path as the model sees it, and the roots table (`- \\`rN\\` = \\`<folder>\\``)
    of the roots that hold at least one of them, in scan order. A skill under no root keeps
    its absolute path."""
    spelled = [(root, _prefixes(root)) for root in roots]
    owner: list[tuple[Path, str] | None] = []
    for skill in skills:
        path = str(skill.path)
        best: tuple[Path, str] | None = None
        for root, prefixes in spelled:
            for prefix in prefixes:
                if path.startswith(prefix + os.sep) and (
                    best is None or len(prefix) > len(best[1])
                ):
                    best = (root, prefix)
        owner.append(best)
    used = [root for root, _ in spelled if any(o is not None and o[0] == root for o in owner)]
    alias = {root: f"r{n}" for n, root in enumerate(used)}
    paths = [
        str(s.path) if o is None else f"{alias[o[0]]}/{str(s.path)[len(o[1]) + 1 :]}"
        for s, o in zip(skills, owner, strict=True)
    ]
    return paths, [f"- `{alias[root]}` = `{root}`" for root in used]


def _prefixes(root: Path) -> list[str]:
    spelled = str(root).rstrip(os.sep)
    real = os.path.realpath(spelled)
    return [spelled] if real == spelled else [spelled, real]


def _line(skill: Skill, path: str, description: str) -> str:
    if not description:
        return f"- {skill.name}: (file: {path})"
    return f"- {skill.name}: {description} (file: {path})"


def _lines(skills: Sequence[Skill], paths: Sequence[str], budget: Budget) -> list[str]:
    """One line per skill within `budget` (see the module docstring)."""
    full = [_line(s, p, s.description) for s, p in zip(skills, paths, strict=True)]
    if sum(budget.cost(line + "\n") for line in full) <= budget.limit:
        return full
    bare = [_line(s, p, "") for s, p in zip(skills, paths, strict=True)]
    bare_cost = sum(budget.cost(line + "\n") for line in bare)
    if bare_cost > budget.limit:
        kept, used = [], 0
        for line in bare:
            cost = budget.cost(line + "\n")
            if used + cost <= budget.limit:
                used += cost
                kept.append(line)
        return kept
    keep = _share(skills, bare, budget, budget.limit - bare_cost)
    return [_line(s, p, s.description[:n]) for s, p, n in zip(skills, paths, keep, strict=True)]


def _share(skills: Sequence[Skill], bare: Sequence[str], budget: Budget, room: int) -> list[int]:
    """How many description characters each skill keeps: `room` handed out one character at a
    time round the skills, each step costing what it adds to its line (in tokens, a step may
    cost nothing or one token)."""
    # The size of a bare line with its newline, and of each description prefix's characters.
    base = [len(line) + 1 for line in bare]
    if budget.tokens:
        base = [len(line.encode("utf-8")) + 1 for line in bare]
    sizes: list[list[int]] = []
    for skill in skills:
        steps, total = [0], 0
        for ch in skill.description:
            total += len(ch.encode("utf-8")) if budget.tokens else 1
            steps.append(total)
        sizes.append(steps)

    def extra(i: int, n: int) -> int:
        if n == 0:
            return 0
        size = base[i] + sizes[i][n] + 1  # the description and the space before it
        if budget.tokens:
            return _tokens(size) - _tokens(base[i])
        return size - base[i]

    keep = [0] * len(skills)
    spent = [0] * len(skills)
    changed = True
    while changed:
        changed = False
        for i, skill in enumerate(skills):
            if keep[i] >= len(skill.description):
                continue
            cost = extra(i, keep[i] + 1)
            if cost - spent[i] <= room:
                room -= cost - spent[i]
                keep[i] += 1
                spent[i] = cost
                changed = True
    return keep
