"""cffi bindings to csrc/: the only package that touches C.

Each engine has a public wrapper module here (`probe`, ...) that prefers the compiled extension
`codex._native._<name>` and falls back to its pure-Python twin in `codex._native._py` with a single
warning on stderr. `CODEX_PY_NATIVE=0` forces the twins (the tests use it to run both).
"""

from __future__ import annotations

import importlib
import sys
from types import ModuleType

from codex._env import getenv

_warned: set[str] = set()


def native_enabled() -> bool:
    """Whether compiled extensions may be used in this process."""
    return getenv("CODEX_PY_NATIVE", "1") != "0"


_loaded: dict[str, ModuleType] = {}


def load_extension(name: str) -> ModuleType | None:
    """Import `codex._native._<name>` (exposing `ffi` and `lib`), or None if it is unavailable.
    Asked for by every rollout writer: a loaded one is answered from a dict."""
    if not native_enabled():
        return None
    module = _loaded.get(name)
    if module is not None:
        return module
    try:
        module = _loaded[name] = importlib.import_module(f"codex._native._{name}")
        return module
    except ImportError as exc:
        if name not in _warned:
            _warned.add(name)
            print(
                f"codex: native module {name!r} unavailable ({exc}); using the slower Python twin",
                file=sys.stderr,
            )
        return None
