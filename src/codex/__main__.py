"""`python -m codex`: the same multitool as the `codex` console script."""

from codex.cli.main import entry

entry()
