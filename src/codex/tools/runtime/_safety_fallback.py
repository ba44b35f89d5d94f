"""A minimal known-safe / dangerous command classifier, used only until codex.sandbox provides
the real one (spec-platform §5.2). Deliberately conservative: anything unusual is "not safe"."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

_SAFE = frozenset(
    [
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
        "numfmt",
        "tac",
    ]
)
_SHELLS = frozenset({"bash", "zsh", "sh"})
_OPERATORS = frozenset({"&&", "||", ";", "|"})
_UNSAFE_CHARS = set("<>$`()*?{}[]\\\n'\"")


def _plain_words(script: str) -> list[list[str]] | None:
    if any(ch in _UNSAFE_CHARS for ch in script):
        return None
    try:
        words = shlex.split(script)
    except ValueError:
        return None
    commands: list[list[str]] = [[]]
    for word in words:
        if word in _OPERATORS:
            commands.append([])
        else:
            commands[-1].append(word)
    if any(not c for c in commands):
        return None
    return commands


def _shell_script(argv: Sequence[str]) -> str | None:
    if len(argv) == 3 and argv[0].rsplit("/", 1)[-1] in _SHELLS and argv[1] in ("-c", "-lc"):
        return argv[2]
    return None


def is_known_safe_command(argv: Sequence[str]) -> bool:
    script = _shell_script(argv)
    if script is not None:
        commands = _plain_words(script)
        return commands is not None and all(is_known_safe_command(c) for c in commands)
    return bool(argv) and argv[0].rsplit("/", 1)[-1] in _SAFE


def command_might_be_dangerous(argv: Sequence[str]) -> bool:
    script = _shell_script(argv)
    if script is not None:
        commands = _plain_words(script) or []
        return any(command_might_be_dangerous(c) for c in commands)
    words = list(argv[1:]) if argv and argv[0] == "sudo" else list(argv)
    return len(words) >= 2 and words[0] == "rm" and words[1] in ("-f", "-rf", "-fr")
