"""Lazy package exports: `from codex.auth import AuthManager` imports `codex.auth.manager` only
when the name is first asked for, so importing a package stays cheap on start-up paths."""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping
    from typing import Any


def lazy_exports(namespace: dict[str, Any], table: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` resolving each name in `table` (name → module) on first use and
    caching it in the package's `namespace` (its `globals()`)."""
    package = namespace["__name__"]

    def __getattr__(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return __getattr__
