"""Shared pytest fixtures. Each area keeps its fixtures in its own module and imports them here."""

from tests.support.fixtures import git_repo, mock_model_server, plain_dir

__all__ = ["git_repo", "mock_model_server", "plain_dir"]
