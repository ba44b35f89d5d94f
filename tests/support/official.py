"""Where the official Codex CLI (npm @openai/codex@0.169.0) and TypeScript SDK are installed, for
the interop tests. One place, one variable: $CODEX_OFFICIAL_ROOT (an npm prefix holding both), else
/work/anchor, else the cache `.ci/run` fills. Tests skip when a piece is absent."""

from __future__ import annotations

import os
from pathlib import Path

_CANDIDATES = (Path("/work/anchor"), Path.home() / ".cache" / "codex-py" / "anchor")


def _roots() -> list[Path]:
    explicit = os.environ.get("CODEX_OFFICIAL_ROOT")
    return [Path(explicit)] if explicit else list(_CANDIDATES)


def official_root() -> Path | None:
    """The npm prefix holding @openai/codex, if any."""
    for root in _roots():
        if (root / "node_modules" / "@openai" / "codex").is_dir():
            return root
    return None


def official_binary() -> Path | None:
    """The official native executable (what the npm wrapper execve's)."""
    root = official_root()
    if root is None:
        return None
    vendor = root / "node_modules" / "@openai" / "codex-linux-x64" / "vendor"
    return next(iter(sorted(vendor.glob("*/bin/codex"))), None)


def official_cli() -> Path | None:
    """The npm entry point `node_modules/.bin/codex` (the wrapper users run)."""
    root = official_root()
    cli = root / "node_modules" / ".bin" / "codex" if root else None
    return cli if cli and cli.exists() else None


def ts_sdk() -> Path | None:
    """The official TypeScript SDK's entry module (@openai/codex-sdk)."""
    explicit = os.environ.get("CODEX_TS_SDK")
    if explicit:
        return Path(explicit) if Path(explicit).exists() else None
    for root in [*_roots(), Path("/work/anchor-sdk")]:
        entry = root / "node_modules" / "@openai" / "codex-sdk" / "dist" / "index.js"
        if entry.exists():
            return entry
    return None
