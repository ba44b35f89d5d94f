"""Which directories hold skills for a given cwd, in 0.169's order.

The order decides which scope a SKILL.md gets when two roots reach the same file (the first one
wins); the listing itself is sorted afterwards. 0.169 scans, in this order:

* repo: `<dir>/.codex/skills` for every dir from cwd up to the project root (nearest first),
* user: `$CODEX_HOME/skills` (the older location, still read) and `$HOME/.agents/skills`,
* system: `$CODEX_HOME/skills/.system` (where 0.169 unpacks its bundled skills),
* admin: `/etc/codex/skills`,
* user: any extra roots the caller passes,
* repo: `<dir>/.agents/skills` for every dir from the project root down to cwd.

The project root is the nearest ancestor of cwd (cwd included) holding `.git`; without one,
cwd alone.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path

from codex._dataclass import dataclass
from codex.core.skills.model import ScopeName

ADMIN_SKILLS_ROOT = Path("/etc/codex/skills")
PROJECT_ROOT_MARKERS = (".git",)
SYSTEM_DIR = ".system"


@dataclass(frozen=True, slots=True)
class SkillRoot:
    path: Path
    scope: ScopeName


def home_dir() -> Path | None:
    """$HOME (what 0.169 calls the user's home), None when unset."""
    home = os.environ.get("HOME")
    return Path(home) if home and os.path.isabs(home) else None


def skill_roots(
    codex_home: Path,
    cwd: Path,
    extra_roots: Sequence[Path] = (),
    *,
    home: Path | None = None,
    admin_root: Path = ADMIN_SKILLS_ROOT,
    watch_add: Callable[[Path], object] | None = None,
) -> list[SkillRoot]:
    """Every root to scan for `cwd`, deduplicated by path (first occurrence kept).
    `watch_add` is told about every path whose existence decided the answer."""
    add = watch_add or (lambda _p: None)
    dirs = _project_dirs(cwd, add)  # project root first, cwd last
    roots: list[SkillRoot] = [SkillRoot(d / ".codex" / "skills", "repo") for d in reversed(dirs)]
    roots.append(SkillRoot(codex_home / "skills", "user"))
    if home is not None:
        roots.append(SkillRoot(home / ".agents" / "skills", "user"))
    roots.append(SkillRoot(codex_home / "skills" / SYSTEM_DIR, "system"))
    roots.append(SkillRoot(admin_root, "admin"))
    roots.extend(SkillRoot(Path(os.path.abspath(p)), "user") for p in extra_roots)
    for d in dirs:
        candidate = d / ".agents" / "skills"
        add(candidate)
        if candidate.is_dir():
            roots.append(SkillRoot(candidate, "repo"))
    seen: set[Path] = set()
    unique = []
    for root in roots:
        if root.path not in seen:
            seen.add(root.path)
            unique.append(root)
    return unique


def _project_dirs(cwd: Path, add: Callable[[Path], object]) -> list[Path]:
    """The dirs from the project root down to cwd (both included)."""
    cwd = Path(os.path.abspath(cwd))
    chain = [cwd, *cwd.parents]
    for i, ancestor in enumerate(chain):
        for marker in PROJECT_ROOT_MARKERS:
            candidate = ancestor / marker
            add(candidate)
            if os.path.lexists(candidate):
                return list(reversed(chain[: i + 1]))
    return [cwd]
