"""Where the benchmarks keep things and find the official CLI: only the user's cache dir and
environment variables, never a fixed machine path (the tests' rule, tests/test_no_outside_paths.py).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.support.official import anchor_root, cache_home  # noqa: E402

# Scratch space of the benchmarks (venvs, bytecode, work dirs, bench's own npm install).
CACHE = Path(os.environ.get("CODEX_BENCH_CACHE") or cache_home() / "codex-py-bench")
# The tests' anchor ($CODEX_OFFICIAL_ROOT or the cache .ci/run fills), then bench/compare's own.
ANCHOR_DIRS = (anchor_root(), CACHE / "anchor")
ANCHOR_HINT = (
    "npm install @openai/codex@0.169.0 in $CODEX_OFFICIAL_ROOT or ~/.cache/codex-py/anchor, "
    "or set CODEX_OFFICIAL_BIN to its native binary"
)


def portable(path: str | os.PathLike[str]) -> str:
    """A path as bench/results records it: inside an anchor dir as `<anchor>/…`, inside the
    checkout as `<repo>/…`, inside the home dir as `~/…`, so a committed result names no machine."""
    text = os.fspath(path)
    for prefix, name in [
        *((str(d), "<anchor>") for d in ANCHOR_DIRS),
        (str(ROOT), "<repo>"),
        (str(Path.home()), "~"),
    ]:
        if text == prefix or text.startswith(prefix.rstrip("/") + "/"):
            return name + text[len(prefix.rstrip("/")) :]
    return text
