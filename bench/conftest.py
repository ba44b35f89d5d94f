"""Shared helpers for the benchmarks: where the official CLI is, when it is installed."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

ANCHOR_DIRS = (Path("/work/anchor"), Path.home() / ".cache" / "codex-py-bench" / "anchor")


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
