"""codex-py: a terminal coding agent, drop-in compatible with OpenAI's Codex CLI.

This module must stay import-free: `codex --version` pays for everything imported here.
"""

__version__ = "0.169.0"
