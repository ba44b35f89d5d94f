"""Fixtures for the config tests: the real CLI in a scratch HOME (tests/support/codex_cli.py)."""

from tests.support.codex_cli import RunCodex, run_codex, scratch_env

__all__ = ["RunCodex", "run_codex", "scratch_env"]
