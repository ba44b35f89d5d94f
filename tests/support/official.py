"""Where the official Codex CLI (npm @openai/codex@0.169.0) and TypeScript SDK are installed, and
where the facts captured from them live, for the interop tests.

The anchors are optional and live outside the checkout: $CODEX_OFFICIAL_ROOT (an npm prefix holding
both), else the cache `.ci/run` fills, `$XDG_CACHE_HOME/codex-py/anchor` (default
`~/.cache/codex-py/anchor`). Every finder returns an existing path or None, and the tests skip on
None with a reason: a module must never call a method on a finder's result at import time, or a
machine without the anchor errors during collection instead of skipping.

The captured facts themselves (event streams, rollouts, tool specs printed by the official binary)
are small and are committed under tests/fixtures/samples/, so those comparisons always run.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

# Facts captured from the official 0.169.0 binary, committed with the tests.
SAMPLES = Path(__file__).resolve().parent.parent / "fixtures" / "samples"

# What to tell a user whose machine lacks the anchors (part of every skip reason).
INSTALL_HINT = (
    "npm install @openai/codex@0.169.0 @openai/codex-sdk@0.163.0 in $CODEX_OFFICIAL_ROOT "
    "or ~/.cache/codex-py/anchor (.ci/run does it)"
)


def cache_home() -> Path:
    """The user's cache dir: $XDG_CACHE_HOME when set to an absolute path, else ~/.cache."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"


def anchor_root() -> Path:
    """The npm prefix the anchors are (or would be) installed in; it need not exist."""
    explicit = os.environ.get("CODEX_OFFICIAL_ROOT")
    return Path(explicit) if explicit else cache_home() / "codex-py" / "anchor"


def official_root() -> Path | None:
    """The npm prefix holding @openai/codex, if any."""
    root = anchor_root()
    return root if (root / "node_modules" / "@openai" / "codex").is_dir() else None


def official_binary() -> Path | None:
    """The official native executable (what the npm wrapper execve's); $CODEX_OFFICIAL_BIN wins."""
    explicit = os.environ.get("CODEX_OFFICIAL_BIN")
    if explicit:
        return Path(explicit) if os.access(explicit, os.X_OK) else None
    root = official_root()
    if root is None:
        return None
    vendor = root / "node_modules" / "@openai" / "codex-linux-x64" / "vendor"
    return next((p for p in sorted(vendor.glob("*/bin/codex")) if os.access(p, os.X_OK)), None)


def official_cli() -> Path | None:
    """The npm entry point `node_modules/.bin/codex` (the wrapper users run). It is a node
    script, so it counts as absent when `node` is not on PATH."""
    root = official_root()
    if root is None or shutil.which("node") is None:
        return None
    cli = root / "node_modules" / ".bin" / "codex"
    return cli if cli.is_file() else None


def ts_sdk() -> Path | None:
    """The official TypeScript SDK's entry module (@openai/codex-sdk); $CODEX_TS_SDK wins."""
    explicit = os.environ.get("CODEX_TS_SDK")
    if explicit:
        return Path(explicit) if Path(explicit).is_file() else None
    entry = anchor_root() / "node_modules" / "@openai" / "codex-sdk" / "dist" / "index.js"
    return entry if entry.is_file() else None
