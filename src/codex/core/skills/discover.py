"""Finding and loading skills under each root, as 0.169 does, and caching the answer.

The walk is breadth-first from each root, in name order, at most 6 levels below it and 2000
directories per root. Names starting with `.` are skipped (the root itself may be hidden, as
`.system` is). Symlinked directories are followed for user, repo and admin roots, never for the
system root (Codex writes that one itself); symlinked files are not read. Every `SKILL.md` file
found is parsed; a failure becomes a SkillError, except under the system root, whose files are
Codex's own. A file reached twice (through a symlink, or from two roots) is one skill, from the
first root that reached it.

The answer is kept per (codex home, home, cwd, extra roots) in a StatCache watching every path
the scan looked at (roots, directories, SKILL.md and openai.yaml files, config.toml, the project
markers), so any change on disk is seen by the next call; `force_reload` skips the cache.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Sequence
from pathlib import Path

import codex.core.skills.config_rules as config_rules
from codex._env import getenv
from codex.core.skills.model import ScopeName, Skill, SkillError, SkillsOutcome
from codex.core.skills.roots import ADMIN_SKILLS_ROOT, SkillRoot, home_dir, skill_roots
from codex.core.stat_cache import Stamp, StatCache, Watch

SKILL_FILE = "SKILL.md"
MAX_SCAN_DEPTH = 6
MAX_DIRS_PER_ROOT = 2000
_SCOPE_RANK: dict[ScopeName, int] = {"repo": 0, "user": 1, "system": 2, "admin": 3}

_cache: StatCache[SkillsOutcome] = StatCache()


def forget() -> None:
    """Drop every cached answer (after this process changed what decides them)."""
    _cache.clear()


def load_skills(
    codex_home: Path | str,
    cwd: Path | str,
    *,
    extra_roots: Sequence[Path] = (),
    force_reload: bool = False,
    seen: dict[str, Stamp] | None = None,
) -> SkillsOutcome:
    """Every skill 0.169 would offer in `cwd`, with `enabled` after config.toml's
    `[[skills.config]]`, and the SKILL.md files that failed to load. `seen`: stamps the caller
    shares between checks (codex.core.stat_cache.Watch.unchanged; the project root's `.git`
    candidates are the ones AGENTS.md's lookup and the git facts watch too)."""
    # The key in plain strings: a thread start asks with the same folders every time, and
    # building and hashing Paths for the lookup cost more than the lookup; Paths are made only
    # for a scan (a miss).
    home = getenv("HOME")  # home_dir()'s rule, as a string
    home = home if home and os.path.isabs(home) else None
    admin = ADMIN_SKILLS_ROOT
    key = (
        os.path.abspath(codex_home),
        home,
        os.path.abspath(cwd),
        tuple(os.path.abspath(p) for p in extra_roots),
        str(admin),
    )

    def compute(watch: Watch) -> SkillsOutcome:
        home_path = None if home is None else Path(home)
        extras = tuple(map(Path, key[3]))
        return _scan(Path(key[0]), Path(key[2]), extras, home_path, admin, watch)

    if force_reload:
        _cache.clear()
    return _cache.get(key, compute, seen=seen)


def _scan(
    codex_home: Path,
    cwd: Path,
    extras: tuple[Path, ...],
    home: Path | None,
    admin: Path,
    watch: Watch,
) -> SkillsOutcome:
    roots = skill_roots(codex_home, cwd, extras, home=home, admin_root=admin, watch_add=watch.add)
    found: list[Skill] = []
    errors: list[SkillError] = []
    for root in roots:
        _scan_root(root, found, errors, watch)
    seen: set[Path] = set()
    unique = [s for s in found if not (s.path in seen or seen.add(s.path))]  # type: ignore[func-returns-value]
    if not unique:
        # No skill, nothing for config.toml's rules to decide: it is not watched either, so an
        # edit of it (a model switch, or one made within the racy window of a fresh home)
        # keeps this answer cached for every thread start that follows.
        return SkillsOutcome((), tuple(errors))
    watch.add(config_rules.config_file(codex_home))
    off = config_rules.disabled_paths(config_rules.read_rules(codex_home), unique)
    skills = [_with_enabled(s, str(s.path) not in off) for s in unique]
    skills.sort(key=lambda s: (_SCOPE_RANK[s.scope], s.name.encode(), os.fsencode(s.path)))
    return SkillsOutcome(tuple(skills), tuple(errors))


def _with_enabled(skill: Skill, enabled: bool) -> Skill:
    if skill.enabled == enabled:
        return skill
    return Skill(
        skill.name, skill.description, skill.short_description, skill.path, skill.scope,
        enabled, skill.interface, skill.dependencies, skill.allow_implicit_invocation,
    )  # fmt: skip


def _scan_root(root: SkillRoot, found: list[Skill], errors: list[SkillError], watch: Watch) -> None:
    start = _canonical(root.path)
    watch.add(root.path)
    if not start.is_dir():
        return
    follow = root.scope != "system"
    visited = {start}
    queue: deque[tuple[Path, int]] = deque([(start, 0)])
    while queue:
        directory, depth = queue.popleft()
        watch.add(directory)
        try:
            names = sorted(os.listdir(directory))
        except OSError:
            continue
        for name in names:
            if name.startswith("."):
                continue
            path = directory / name
            if path.is_symlink():
                if follow and path.is_dir():
                    _enqueue(queue, visited, _canonical(path), depth + 1)
                continue
            if path.is_dir():
                _enqueue(queue, visited, _canonical(path), depth + 1)
            elif name == SKILL_FILE and path.is_file():
                _load(path, root.scope, found, errors, watch)


def _enqueue(queue: deque[tuple[Path, int]], visited: set[Path], path: Path, depth: int) -> None:
    if depth > MAX_SCAN_DEPTH or len(visited) >= MAX_DIRS_PER_ROOT or path in visited:
        return
    visited.add(path)
    queue.append((path, depth))


def _load(
    path: Path, scope: ScopeName, found: list[Skill], errors: list[SkillError], watch: Watch
) -> None:
    # Parsing pulls in PyYAML: imported only once a SKILL.md turns up.
    from codex.core.skills.frontmatter import FrontmatterError

    watch.add(path)
    try:
        skill = _parse_skill(path, scope, watch)
    except FrontmatterError as err:
        if scope != "system":
            errors.append(SkillError(path, str(err)))
        return
    found.append(skill)


def _parse_skill(path: Path, scope: ScopeName, watch: Watch) -> Skill:
    from codex.core.skills.frontmatter import MAX_NAME_LEN, FrontmatterError, parse, sanitize
    from codex.core.skills.metadata import load_metadata

    try:
        contents = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise FrontmatterError("failed to read file: stream did not contain valid UTF-8") from None
    except OSError as err:
        raise FrontmatterError(f"failed to read file: {_io_message(err)}") from None
    fm = parse(contents)
    name = sanitize(fm.name) if fm.name is not None else ""
    if not name:
        name = sanitize(path.parent.name) or "skill"
    description = sanitize(fm.description) if fm.description is not None else ""
    short = sanitize(fm.short_description) if fm.short_description is not None else ""
    meta = load_metadata(path.parent, watch.add)
    if len(name) > MAX_NAME_LEN:
        raise FrontmatterError(f"invalid name: exceeds maximum length of {MAX_NAME_LEN} characters")
    if not description:
        raise FrontmatterError("missing field `description`")
    return Skill(
        name=name,
        description=description,
        short_description=short or None,
        path=_canonical(path),
        scope=scope,
        enabled=True,
        interface=meta.interface,
        dependencies=meta.dependencies,
        allow_implicit_invocation=meta.allow_implicit_invocation,
    )


def _canonical(path: Path) -> Path:
    try:
        return Path(os.path.realpath(path, strict=True))
    except OSError:
        return path


def _io_message(err: OSError) -> str:
    """Rust's io::Error text: `<strerror> (os error N)`."""
    if err.errno is None:
        return str(err)
    return f"{os.strerror(err.errno)} (os error {err.errno})"


def skill_root_paths(
    codex_home: Path, cwd: Path, *, extra_roots: Sequence[Path] = ()
) -> tuple[Path, ...]:
    """The folders `load_skills` scans for `cwd`, existing or not (repo `.agents/skills` folders
    only when they exist, as 0.169 decides): what a watcher for skill changes should watch."""
    roots = skill_roots(
        Path(os.path.abspath(codex_home)),
        Path(os.path.abspath(cwd)),
        tuple(Path(os.path.abspath(p)) for p in extra_roots),
        home=home_dir(),
        admin_root=ADMIN_SKILLS_ROOT,
    )
    return tuple(r.path for r in roots)
