"""`codex` with one fault injected for the crash test (tests/tui/test_terminal_hygiene.py): a
message handler of the real app raises, as a bug in the app would. Everything else is the real
entry point. Run as `python -m tests.tui.crash_entry [codex args]`."""

from __future__ import annotations

import sys
from typing import Any


def main() -> None:
    import codex.tui.app as app_module
    from codex.cli.main import entry

    async def broken(self: Any, message: Any) -> None:
        raise RuntimeError("induced failure in a message handler")

    app_module.CodexApp.on_composer_submitted = broken  # type: ignore[method-assign]
    sys.argv = ["codex", *sys.argv[1:]]
    entry()


if __name__ == "__main__":
    main()
