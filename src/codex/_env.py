"""`getenv`: `os.environ.get` without the exception an unset variable costs.

`os.environ.get(name)` is `Mapping.get`, which looks the name up with `__getitem__` and catches
the `KeyError` it raises when the variable is unset: the usual case for the overrides a thread
start asks about (CODEX_PY_NATIVE, the originator override, the credential variables), and
tens of microseconds of a busy event loop's time per thread. CPython keeps the environment as
a dict of encoded names (`os.environ._data`, what `putenv` mirrors); a lookup there raises
nothing. Where that dict is missing (another interpreter) the plain lookup is used.
"""

from __future__ import annotations

import os
from typing import overload

__all__ = ["getenv"]

_data = getattr(os.environ, "_data", None)
_encodekey = getattr(os.environ, "encodekey", None)
_decodevalue = getattr(os.environ, "decodevalue", None)
_FAST = isinstance(_data, dict) and callable(_encodekey) and callable(_decodevalue)


@overload
def getenv(name: str) -> str | None: ...
@overload
def getenv(name: str, default: str) -> str: ...


def getenv(name: str, default: str | None = None) -> str | None:
    """The variable's value, `default` when it is unset (as `os.environ.get`)."""
    if _FAST:
        raw = _data.get(_encodekey(name))  # type: ignore[union-attr,misc]
        return default if raw is None else _decodevalue(raw)  # type: ignore[misc]
    return os.environ.get(name, default)
