"""`codex logout`: revoke where upstream does, then remove stored credentials (file and keyring)."""

from __future__ import annotations

import argparse
import sys

from codex.cli.context import CliContext


def configure(parser: argparse.ArgumentParser) -> None:
    del parser  # no options of its own; the global ones (--config-home, -c) apply


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from codex.api.credentials import AuthError, AuthManager
    from codex.cli.login import auth_settings, echo_auth_warnings

    settings = auth_settings(ctx)
    echo_auth_warnings()  # 0.169's logout writes no login log
    try:
        removed = AuthManager.from_settings(settings).logout(revoke=True)
    except AuthError as err:
        sys.stderr.write(f"Error logging out: {err}\n")
        return 1
    sys.stderr.write("Successfully logged out\n" if removed else "Not logged in\n")
    return 0
