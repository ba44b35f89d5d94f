"""What every subcommand receives besides its own arguments: the global config options."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from codex.config import Config, ConfigOverrides


@dataclass(slots=True)
class CliContext:
    config_home: str | None = None
    config_file: str | None = None
    cli_overrides: list[str] = field(default_factory=list)
    profile: str | None = None
    feature_toggles: list[tuple[str, bool]] = field(default_factory=list)
    strict_config: bool = False
    ignore_user_config: bool = False
    # Where this command's log lines go (codex.core.logs): stderr, app-server, tui or batch.
    log_target: str = "stderr"

    def overrides(self) -> ConfigOverrides:
        from codex.config import ConfigOverrides

        return ConfigOverrides(
            config_home=self.config_home,
            config_file=self.config_file,
            cli_overrides=tuple(self.cli_overrides),
            profile=self.profile,
            feature_toggles=tuple(self.feature_toggles),
            strict=self.strict_config,
            ignore_user_config=self.ignore_user_config,
        )

    def load_config(self, **kwargs: object) -> Config:
        """Load and validate the effective config; raises CodexError (exit 2) on bad config."""
        from codex.config import load_config
        from codex.core.logs import configure_logging

        config = load_config(self.overrides(), **kwargs)
        configure_logging(config, self.log_target)  # once per process; needs log_dir
        return config
