"""Configuration: `$CODEX_HOME`, `--config-home`, `--config-file`, `-c key=value` and profiles →
one validated, frozen `Config`; and `ConfigEdits`, the one way to change config.toml (keeping
comments).

A valid tree is built without pydantic (`codex.config.fast_validate`); pydantic judges what that
declines and words every error (`codex.config.validate`). Loading writes nothing but the
validated-config cache for such declined configurations (`codex.config.cache`, under
`$CODEX_HOME/cache/config`, only in a CODEX_HOME that already holds something). Names
are imported lazily so that `from codex.config import ConfigOverrides` (the CLI's hand-over)
stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from codex._lazy import lazy_exports
from codex.config.overrides import ConfigOverrides

if TYPE_CHECKING:
    from codex.config.edits import ConfigEdits
    from codex.config.loader import load_config
    from codex.config.model import Config
    from codex.config.paths import ConfigPaths, log_dir, resolve_paths
    from codex.config.schema import (
        CustomToolConfig,
        McpServerConfig,
        ModelProviderConfig,
    )

__all__ = [
    "Config",
    "ConfigEdits",
    "ConfigOverrides",
    "ConfigPaths",
    "CustomToolConfig",
    "McpServerConfig",
    "ModelProviderConfig",
    "load_config",
    "log_dir",
    "resolve_paths",
]

_LAZY = {
    "Config": "codex.config.model",
    "ConfigEdits": "codex.config.edits",
    "ConfigPaths": "codex.config.paths",
    "resolve_paths": "codex.config.paths",
    "log_dir": "codex.config.paths",
    "load_config": "codex.config.loader",
    "CustomToolConfig": "codex.config.schema",
    "McpServerConfig": "codex.config.schema",
    "ModelProviderConfig": "codex.config.schema",
}


__getattr__ = lazy_exports(globals(), _LAZY)
