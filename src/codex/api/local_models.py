"""Local models (the fork's embedded runtime): install a known model or a local GGUF file, list
what is installed, where it lives; and `local_provider_session`, the config a session runs with
for a local provider (open_session applies it for you). From codex.core.local."""

from __future__ import annotations

from codex.core.local import (
    add_model,
    installed_models,
    local_provider_session,
    models_dir,
    pull_model,
)

__all__ = ["add_model", "installed_models", "local_provider_session", "models_dir", "pull_model"]
