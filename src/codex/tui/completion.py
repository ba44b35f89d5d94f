"""What the composer's popup offers: slash commands for `/…` at the start, files for an
`@…` word (fuzzy, respecting .gitignore: the list is git's own when the folder is a repository,
else a walk that skips hidden and common build folders), and the enabled skills for a `$…` word
(codex.tui.skills). Pure functions plus one cache; the popup widget lives in codex.tui.widgets.
"""

from __future__ import annotations

import os
import subprocess
from functools import lru_cache
from pathlib import Path

from codex.tui.slash import matching

MAX_FILES = 20_000
POPUP_ROWS = 8
_SKIP_DIRS = frozenset({"node_modules", "target", "build", "dist", "__pycache__", ".venv"})


@lru_cache(maxsize=4)
def file_candidates(cwd: str) -> tuple[str, ...]:
    """Files under `cwd`, relative: `git ls-files` (tracked plus untracked, not ignored) in a
    repository, else a bounded walk."""
    try:
        proc = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
        if proc.returncode == 0:
            return tuple(proc.stdout.splitlines()[:MAX_FILES])
    except (OSError, subprocess.TimeoutExpired):
        pass
    found: list[str] = []
    for root, dirs, files in os.walk(cwd):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS]
        rel = os.path.relpath(root, cwd)
        for name in files:
            found.append(name if rel == "." else os.path.join(rel, name))
            if len(found) >= MAX_FILES:
                return tuple(found)
    return tuple(found)


def fuzzy_score(query: str, candidate: str) -> int | None:
    """Higher is better; None when `query` is not a subsequence of `candidate` (case-blind).
    Rewards matches in the file name, consecutive runs and an early start."""
    if not query:
        return 0
    lowered = candidate.lower()
    name_start = lowered.rfind("/") + 1
    score = 0
    position = -1
    run = 0
    for ch in query.lower():
        found = lowered.find(ch, position + 1)
        if found < 0:
            return None
        run = run + 1 if found == position + 1 else 0
        score += 1 + 2 * run + (3 if found >= name_start else 0)
        position = found
    return score * 100 - len(candidate)


def fuzzy_files(query: str, cwd: str, limit: int = POPUP_ROWS) -> list[str]:
    scored = []
    for candidate in file_candidates(cwd):
        score = fuzzy_score(query, candidate)
        if score is not None:
            scored.append((score, candidate))
    scored.sort(key=lambda pair: (-pair[0], pair[1]))
    return [candidate for _, candidate in scored[:limit]]


def at_word(text: str, offset: int, sigil: str = "@") -> tuple[int, str] | None:
    """(start, query) of the `@word` (or `$word`: `sigil`) that ends at `offset` in `text`."""
    start = offset
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start:offset]
    if word.startswith(sigil):
        return start, word[1:]
    return None


def suggestions(
    text: str, offset: int, cwd: str, codex_home: str | None = None
) -> tuple[str, list[tuple[str, str]]]:
    """("slash" | "file" | "skill" | "", [(value, description)]) for the composer's text and
    cursor. A skill row is (`$name`, its SKILL.md path); with `codex_home` None (no config yet)
    there are none."""
    if text.startswith("/") and " " not in text and "\n" not in text:
        return "slash", [(f"/{name}", help_) for name, help_ in matching(text[1:])]
    word = at_word(text, offset)
    if word is not None:
        return "file", [(path, "") for path in fuzzy_files(word[1], cwd)]
    word = at_word(text, offset, "$")
    if word is not None and codex_home is not None:
        from codex.tui.skills import popup_items

        items = popup_items(word[1], codex_home, cwd)
        if items is not None:  # (None: no skill is enabled, and 0.169 shows no popup)
            return "skill", items
    return "", []


def image_path(text: str, cwd: str) -> str | None:
    """A pasted text that is the path of an existing image file (attach it, as upstream)."""
    candidate = text.strip().strip("'\"")
    if "\n" in candidate or not candidate.lower().endswith(
        (".png", ".jpg", ".jpeg", ".gif", ".webp")
    ):
        return None
    path = Path(candidate).expanduser()
    path = path if path.is_absolute() else Path(cwd) / path
    return str(path) if path.is_file() else None
