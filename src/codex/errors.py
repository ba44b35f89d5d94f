"""The one exception type a user is meant to read: the CLI prints its message as one line and exits
with its code, never a traceback. Everything else escaping to the top level is a bug."""


class CodexError(Exception):
    """An error the user can act on. `str(err)` is the whole message, one line."""

    exit_code: int = 1

    def __init__(self, message: str, exit_code: int | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class UsageError(CodexError):
    """Bad flags, arguments or configuration: exit code 2, like argparse."""

    exit_code = 2
