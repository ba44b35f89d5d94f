"""Which commands are known to be harmless, and which look dangerous (upstream's
`is_known_safe_command` and `command_might_be_dangerous`): pure functions over argv.

Safe means read-only by construction: a fixed list of programs, some only without the options
that write files or run other programs, and `bash|zsh|sh -c|-lc` scripts made only of such
commands joined by `&&`, `||`, `;`, `|`. `git` is not on the list: its config can run arbitrary
programs (hooks, pagers, diff drivers), so every git command goes through the normal decision.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence

from codex.sandbox.shell_parse import literal_commands, plain_commands, shell_script

ALWAYS_SAFE = frozenset(
    {
        "cat",
        "cd",
        "cut",
        "echo",
        "expr",
        "false",
        "grep",
        "head",
        "id",
        "ls",
        "nl",
        "paste",
        "pwd",
        "rev",
        "seq",
        "stat",
        "tail",
        "tr",
        "true",
        "uname",
        "uniq",
        "wc",
        "which",
        "whoami",
    }
)
LINUX_ONLY_SAFE = frozenset({"numfmt", "tac"})

_UNSAFE_FIND = frozenset(
    {"-exec", "-execdir", "-ok", "-okdir", "-delete", "-fls", "-fprint", "-fprint0", "-fprintf"}
)
_UNSAFE_RG_WITH_VALUE = ("--pre", "--hostname-bin")
_UNSAFE_RG_FLAGS = frozenset({"--search-zip", "-z"})
_SED_PRINT = re.compile(r"^\d+(,\d+)?p$")


def executable_name(raw: str) -> str:
    return raw.rsplit("/", 1)[-1]


def _normalize_shell(command: Sequence[str]) -> list[str]:
    return ["bash" if word == "zsh" else word for word in command]


def is_known_safe_command(command: Sequence[str]) -> bool:
    """True if running `command` cannot change anything (so it never needs approval)."""
    command = _normalize_shell(command)
    if is_safe_to_call_with_exec(command):
        return True
    script = shell_script(command)
    if script is None:
        return False
    commands = plain_commands(script)
    return bool(commands) and all(is_safe_to_call_with_exec(c) for c in commands or ())


def is_safe_to_call_with_exec(command: Sequence[str]) -> bool:
    if not command:
        return False
    name = executable_name(command[0])
    args = list(command[1:])
    if name in ALWAYS_SAFE:
        return True
    if name in LINUX_ONLY_SAFE:
        return sys.platform.startswith("linux")
    if name == "base64":
        return not any(
            a in ("-o", "--output")
            or a.startswith("--output=")
            or (a.startswith("-o") and a != "-o")
            for a in args
        )
    if name == "find":
        return not any(a in _UNSAFE_FIND for a in command)
    if name == "rg":
        return not any(
            a in _UNSAFE_RG_FLAGS
            or any(a == opt or a.startswith(opt + "=") for opt in _UNSAFE_RG_WITH_VALUE)
            for a in command
        )
    if name == "sed":
        return (
            len(command) <= 4
            and args[:1] == ["-n"]
            and bool(_SED_PRINT.match(args[1] if len(args) > 1 else ""))
        )
    return False


def command_might_be_dangerous(command: Sequence[str]) -> bool:
    """`rm -f`/`rm -rf` (also behind sudo), directly or anywhere inside a `bash -lc` script."""
    if _dangerous_exec(command):
        return True
    script = shell_script(_normalize_shell(command))
    if script is None:
        return False
    return any(_dangerous_exec(c) for c in literal_commands(script))


def _dangerous_exec(command: Sequence[str]) -> bool:
    if not command:
        return False
    name = executable_name(command[0])
    if name == "sudo":
        return _dangerous_exec(command[1:])
    if name != "rm":
        return False
    for arg in command[1:]:
        if arg == "--":
            break
        if arg == "--force" or (arg.startswith("-") and not arg.startswith("--") and "f" in arg):
            return True
    return False
