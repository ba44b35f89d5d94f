"""The model-side rules of codex.core.skills on hand-made skills: which skills are offered in
`<skills_instructions>` and in what order, how an over-long list is shortened, and how `$name`
and `[$name](path)` mentions select skills."""

from __future__ import annotations

from pathlib import Path

from codex.core.skills.mentions import select, text_mentions
from codex.core.skills.model import ScopeName, Skill, SkillsOutcome
from codex.core.skills.render import skills_instructions


def skill(
    name: str,
    scope: ScopeName = "user",
    *,
    description: str = "does things",
    enabled: bool = True,
    implicit: bool = True,
    path: str | None = None,
) -> Skill:
    where = Path(path or f"/s/{scope}/{name}/SKILL.md")
    return Skill(name, description, None, where, scope, enabled, None, None, implicit)


def listed(text: str | None) -> list[str]:
    assert text is not None
    return [line for line in text.splitlines() if line.startswith("- ") and "(file: " in line]


def test_no_offered_skill_means_no_instructions() -> None:
    outcome = SkillsOutcome((skill("a", enabled=False), skill("b", implicit=False)), ())
    assert skills_instructions(outcome) is None
    assert skills_instructions(SkillsOutcome((), ())) is None


def test_order_is_system_admin_repo_user_then_name() -> None:
    """0.169's order (tests/fixtures/skills_followup_official.json format_small)."""
    outcome = SkillsOutcome(
        (
            skill("r", "repo"),
            skill("u2", "user"),
            skill("u1", "user"),
            skill("s", "system"),
            skill("a", "admin"),
        ),
        (),
    )
    text = skills_instructions(outcome)
    assert text is not None
    assert text.startswith("<skills_instructions>\n") and text.endswith("</skills_instructions>")
    assert listed(text) == [
        "- s: does things (file: /s/system/s/SKILL.md)",
        "- a: does things (file: /s/admin/a/SKILL.md)",
        "- r: does things (file: /s/repo/r/SKILL.md)",
        "- u1: does things (file: /s/user/u1/SKILL.md)",
        "- u2: does things (file: /s/user/u2/SKILL.md)",
    ]


def test_roots_become_aliases_of_the_roots_in_use() -> None:
    outcome = SkillsOutcome(
        (skill("u"), skill("r", "repo"), skill("x", path="/elsewhere/x/SKILL.md")), ()
    )
    roots = [Path("/s/repo"), Path("/s/admin"), Path("/s/user")]
    text = skills_instructions(outcome, roots=roots)
    assert text is not None
    assert "### Skill roots\n- `r0` = `/s/repo`\n- `r1` = `/s/user`\n### Available skills" in text
    assert listed(text) == [
        "- r: does things (file: r0/r/SKILL.md)",
        "- u: does things (file: r1/u/SKILL.md)",
        "- x: does things (file: /elsewhere/x/SKILL.md)",
    ]


def test_over_budget_descriptions_shrink_but_every_skill_stays() -> None:
    many = tuple(skill(f"k{i:02}", description="word " * 200) for i in range(40))
    lines = listed(skills_instructions(SkillsOutcome(many, ()), budget=8000))
    assert [line.split(":", 1)[0] for line in lines] == [f"- k{i:02}" for i in range(40)]
    assert sum(len(line) + 1 for line in lines) <= 8000
    kept = {len(line.split(": ", 1)[1].rsplit(" (file: ", 1)[0]) for line in lines}
    assert len(kept) <= 2 and max(kept) < 1000  # cut equally (round robin), no ellipsis
    assert not any("..." in line for line in lines)


def test_bare_lines_over_budget_keep_the_first_that_fit() -> None:
    many = tuple(skill(f"k{i:02}") for i in range(10))
    bare = len("- k00: (file: /s/user/k00/SKILL.md)") + 1
    lines = listed(skills_instructions(SkillsOutcome(many, ()), budget=bare * 3))
    assert lines == [f"- k{i:02}: (file: /s/user/k{i:02}/SKILL.md)" for i in range(3)]


def test_text_mentions() -> None:
    names, paths = text_mentions("run $beta, $PATH, $home and [$x](/a/SKILL.md) and $-x $")
    assert names == {"beta", "-x"}
    assert paths == {"/a/SKILL.md"}


def test_select_rules() -> None:
    a_repo = skill("a", "repo")
    a_user = skill("a")
    b = skill("b")
    off = skill("c", enabled=False)
    skills = [a_repo, a_user, b, off]
    # ambiguous plain name: nothing; a link picks by path; skill:// prefix is accepted
    assert select([], ["$a"], skills) == []
    assert select([], [f"[$a](skill://{a_user.path})"], skills) == [a_user]
    # disabled never; order follows the skills, not the text
    assert select([], ["$c $b"], skills) == [b]
    # a structured pick selects by path and blocks its name as a plain mention
    assert select([("b", str(a_repo.path))], ["$b"], skills) == [a_repo]
    assert select([("b", str(b.path))], ["$b"], skills) == [b]
