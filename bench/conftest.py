"""Shared helpers for the benchmarks: where the official CLI is, when it is installed, and the
benchmarks' own cache dir (never a fixed machine path: everything lives in the user's cache)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from _paths import ANCHOR_DIRS, ANCHOR_HINT, CACHE

__all__ = ["ANCHOR_DIRS", "ANCHOR_HINT", "CACHE", "official_codex", "our_codex"]


def official_codex() -> str | None:
    """The official CLI's native binary (npm @openai/codex), if installed for side-by-side runs."""
    explicit = os.environ.get("CODEX_OFFICIAL_BIN")
    if explicit:
        return explicit
    for root in ANCHOR_DIRS:
        vendor = root / "node_modules" / "@openai" / "codex-linux-x64" / "vendor"
        for candidate in vendor.glob("*/bin/codex"):
            return str(candidate)
    return None


def our_codex() -> str:
    found = shutil.which("codex", path=str(Path(os.sys.executable).parent))
    if not found:
        raise RuntimeError("codex is not installed in this environment (run scripts/test first)")
    return found
