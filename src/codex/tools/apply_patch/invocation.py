"""Recognise `apply_patch` run through a shell tool, as upstream intercepts it.

Accepted forms: argv `["apply_patch" | "applypatch", "<patch>"]`; or a shell (`bash`/`zsh`/`sh`
with `-lc`/`-c`, `pwsh`/`powershell` with `-Command` (optionally after `-NoProfile`), `cmd /c`)
whose script is exactly one statement: `apply_patch <<'EOF' ... EOF`, optionally preceded by
`cd <path> &&`. A bare patch given as the argv or as the script is refused with upstream's
"explicit call" message. Pure: no filesystem access.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass

from codex.tools.apply_patch.parser import ParsedPatch, ParseError, parse_patch

__all__ = [
    "IMPLICIT_INVOCATION_MESSAGE",
    "ApplyPatchInvocation",
    "InvocationError",
    "NotApplyPatch",
    "extract_heredoc",
    "maybe_parse_apply_patch",
]

IMPLICIT_INVOCATION_MESSAGE = (
    'patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]'
)
_COMMANDS = ("apply_patch", "applypatch")


@dataclass(slots=True)
class ApplyPatchInvocation:
    """A recognised invocation: the parsed patch and the `cd` directory, if any."""

    parsed: ParsedPatch
    workdir: str | None = None


@dataclass(slots=True)
class NotApplyPatch:
    """The command is something else; run it normally."""


class InvocationError(Exception):
    """It is an apply_patch invocation, but unusable (bad patch, implicit invocation)."""


_WORD = r"[^\s;&|<>()'\"`$\\]+"
_HEREDOC = re.compile(
    r"""\A\s*
    (?:cd[ \t]+(?:(?P<cd_word>WORD)|"(?P<cd_dq>[^"\\$`]*)"|(?P<cd_raw>'[^']*'))[ \t]*&&[ \t]*)?
    (?P<cmd>apply_patch|applypatch)[ \t]*<<-?[ \t]*
    (?P<q>['"]?)(?P<delim>[A-Za-z_][A-Za-z0-9_]*)(?P=q)[ \t]*\n
    (?P<body>.*?)
    ^(?P=delim)[ \t]*\n?\s*\Z""".replace("WORD", _WORD),
    re.DOTALL | re.MULTILINE | re.VERBOSE,
)


def extract_heredoc(script: str) -> tuple[str, str | None] | None:
    """`(heredoc body, cd path or None)` if `script` is exactly an apply_patch heredoc."""
    m = _HEREDOC.match(script)
    if m is None:
        return None
    cd = m.group("cd_word") or m.group("cd_dq")
    if cd is None and m.group("cd_raw") is not None:
        cd = m.group("cd_raw")[1:-1]
    return m.group("body").rstrip("\n"), cd


def _shell_kind(shell: str, flag: str) -> bool:
    name = os.path.splitext(os.path.basename(shell.replace("\\", "/")))[0].lower()
    if name in ("bash", "zsh", "sh"):
        return flag in ("-lc", "-c")
    if name in ("pwsh", "powershell"):
        return flag.lower() == "-command"
    if name == "cmd":
        return flag.lower() == "/c"
    return False


def shell_script(argv: Sequence[str]) -> str | None:
    """The script of a `<shell> <flag> <script>` argv, else None."""
    if len(argv) == 3 and _shell_kind(argv[0], argv[1]):
        return argv[2]
    if (
        len(argv) == 4
        and os.path.splitext(os.path.basename(argv[0]))[0].lower() in ("pwsh", "powershell")
        and argv[1].lower() == "-noprofile"
        and _shell_kind(argv[0], argv[2])
    ):
        return argv[3]
    return None


def _parses(text: str) -> bool:
    try:
        parse_patch(text)
    except ParseError:
        return False
    return True


def maybe_parse_apply_patch(argv: Sequence[str]) -> ApplyPatchInvocation | NotApplyPatch:
    """Classify a shell tool's argv; raises InvocationError for unusable apply_patch calls
    (message: upstream's parse error text or the implicit-invocation message)."""
    script = shell_script(argv)
    if (len(argv) == 1 and _parses(argv[0])) or (script is not None and _parses(script)):
        raise InvocationError(IMPLICIT_INVOCATION_MESSAGE)
    if len(argv) == 2 and argv[0] in _COMMANDS:
        return ApplyPatchInvocation(_parse(argv[1]))
    if script is None:
        return NotApplyPatch()
    found = extract_heredoc(script)
    if found is None:
        return NotApplyPatch()
    body, workdir = found
    return ApplyPatchInvocation(_parse(body), workdir)


def _parse(text: str) -> ParsedPatch:
    try:
        return parse_patch(text)
    except ParseError as err:
        raise InvocationError(str(err)) from err
