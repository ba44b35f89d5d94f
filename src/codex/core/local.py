"""Local models for front ends: the session's provider when it is a local one (`--oss`, or
`model_provider = "oss" | "embedded"` in the config), and the embedded runtime's model store
(`codex models`). The work is in codex.local (the fork's local-model runtime), imported only
when a local model is actually used."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from contextlib import AbstractContextManager
    from pathlib import Path

    from codex.config import Config
    from codex.local.models import InstalledModel

__all__ = [
    "add_model",
    "installed_models",
    "local_provider_session",
    "models_dir",
    "pull_model",
    "runs_locally",
]

_LOCAL_PROVIDERS = ("oss", "embedded")


def runs_locally(config: Config, *, oss: bool) -> bool:
    """Whether the session runs on a local model (`local_provider_session` then has work to
    do, and something to undo when the session ends)."""
    return oss or str(config.model_provider) in _LOCAL_PROVIDERS


def local_provider_session(
    config: Config, *, oss: bool, local_provider: str | None, model_flag: str | None
) -> AbstractContextManager[Config]:
    """The config to run the session with, as a context: for a local provider its server and
    model are checked (or the embedded server runs for the context's lifetime); any other
    provider gets `config` back unchanged. `oss`: chosen by --oss (which ignores the configured
    model) rather than by `model_provider` in config.toml."""
    if not runs_locally(config, oss=oss):
        return contextlib.nullcontext(config)
    from codex.local.oss import oss_session

    return oss_session(config, local_provider=local_provider, model_flag=model_flag, from_flag=oss)


# ---- the embedded runtime's model store ($CODEX_HOME/models/) ------------------------------


def pull_model(codex_home: Path, name: str) -> Path:
    """Install a known model; its installed path."""
    from codex.local import models

    return models.pull(codex_home, name)


def add_model(codex_home: Path, path: Path, name: str | None = None) -> Path:
    """Install a local GGUF file (named after its stem unless `name`); its installed path."""
    from codex.local import models

    return models.add(codex_home, path, name)


def installed_models(codex_home: Path) -> list[InstalledModel]:
    from codex.local import models

    return models.installed(codex_home)


def models_dir(codex_home: Path) -> Path:
    from codex.local import models

    return models.models_dir(codex_home)
