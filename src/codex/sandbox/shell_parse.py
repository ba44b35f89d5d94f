"""Just enough bash to judge `bash -lc "<script>"`: split a script into its commands.

Two readings of the same lexer:

* `plain_commands(script)`: only bare or quoted literal words joined by `&&`, `||`, `;`, `|` (or
  newlines). Anything else (redirection, `$`, backticks, subshells, control flow, assignments,
  background `&`) means None: the script is not provably harmless, so nobody may call it safe.
* `literal_commands(script)`: a permissive reading for spotting dangerous commands anywhere,
  including inside `$(...)`, backticks, loops and conditionals; commands whose name is not a
  literal word are skipped.

Never executes or expands anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

SHELLS = {"bash", "zsh", "sh"}
_SCRIPT_FLAGS = {"-c", "-lc"}
_PLAIN_OPERATORS = {"&&", "||", ";", "|", "\n"}
_KEYWORDS = {
    "if",
    "then",
    "else",
    "elif",
    "fi",
    "for",
    "while",
    "until",
    "do",
    "done",
    "case",
    "esac",
    "in",
    "function",
    "select",
    "time",
    "{",
    "}",
    "!",
    "[[",
    "]]",
}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=")


@dataclass(slots=True)
class Token:
    kind: str  # "word" or "op"
    text: str
    plain: bool = True  # a word with no expansion in it
    substitutions: tuple[str, ...] = ()  # bodies of $(...) and `...` found in the word


def shell_script(command: Sequence[str]) -> str | None:
    """The script of `bash|zsh|sh -c|-lc SCRIPT` (exactly three words), else None."""
    if len(command) != 3:
        return None
    shell = command[0].rsplit("/", 1)[-1]
    if shell not in SHELLS or command[1] not in _SCRIPT_FLAGS:
        return None
    return command[2]


def _matching_paren(text: str, start: int) -> int:
    """Index just past the `)` closing the `(` before `start`; len(text) if unbalanced."""
    depth = 1
    i = start
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "'":
            end = text.find("'", i + 1)
            i = len(text) if end < 0 else end + 1
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return len(text)


def tokenize(script: str) -> list[Token] | None:
    """Words and operators; None if quotes are unbalanced."""
    tokens: list[Token] = []
    i, n = 0, len(script)
    while i < n:
        c = script[i]
        if c in " \t":
            i += 1
            continue
        if c == "\\" and i + 1 < n and script[i + 1] == "\n":
            i += 2
            continue
        if c == "#":
            while i < n and script[i] != "\n":
                i += 1
            continue
        if c == "\n":
            tokens.append(Token("op", "\n"))
            i += 1
            continue
        op = _operator_at(script, i)
        if op:
            tokens.append(Token("op", op))
            i += len(op)
            continue
        word, i = _word_at(script, i)
        if word is None:
            return None
        tokens.append(word)
    return tokens


_OPERATORS = ("&&", "||", ";;", "|&", ">>", "<<<", "<<", "&>", ">&", "<&", "<>", ">|")


def _operator_at(script: str, i: int) -> str | None:
    for op in _OPERATORS:
        if script.startswith(op, i):
            return op
    c = script[i]
    if c in ";|&<>()":
        return c
    return None


def _word_at(script: str, i: int) -> tuple[Token | None, int]:
    n = len(script)
    out: list[str] = []
    plain = True
    subs: list[str] = []
    while i < n:
        c = script[i]
        if c in " \t\n;|&<>()":
            break
        if c == "'":
            end = script.find("'", i + 1)
            if end < 0:
                return None, n
            out.append(script[i + 1 : end])
            i = end + 1
        elif c == '"':
            i += 1
            while i < n and script[i] != '"':
                ch = script[i]
                if ch == "\\" and i + 1 < n and script[i + 1] in '"\\$`\n':
                    out.append(script[i + 1])
                    i += 2
                    continue
                if ch == "`" or (ch == "$" and i + 1 < n and script[i + 1] != '"'):
                    plain = False
                    if script.startswith("$(", i):
                        end = _matching_paren(script, i + 2)
                        subs.append(script[i + 2 : end - 1])
                        i = end
                        continue
                    if ch == "`":
                        end = script.find("`", i + 1)
                        end = n if end < 0 else end
                        subs.append(script[i + 1 : end])
                        i = end + 1
                        continue
                out.append(ch)
                i += 1
            if i >= n:
                return None, n
            i += 1
        elif c == "\\":
            if i + 1 < n:
                out.append(script[i + 1])
            i += 2
        elif c == "$":
            plain = False
            if script.startswith("$(", i):
                end = _matching_paren(script, i + 2)
                subs.append(script[i + 2 : end - 1])
                i = end
                continue
            out.append(c)
            i += 1
        elif c == "`":
            plain = False
            end = script.find("`", i + 1)
            end = n if end < 0 else end
            subs.append(script[i + 1 : end])
            i = end + 1
        else:
            if c == "{":
                plain = False  # brace expansion
            out.append(c)
            i += 1
    return Token("word", "".join(out), plain, tuple(subs)), i


def plain_commands(script: str) -> list[list[str]] | None:
    """The commands of a words-and-&&/||/;/| script, or None if it is anything more."""
    tokens = tokenize(script)
    if tokens is None:
        return None
    commands: list[list[str]] = [[]]
    for tok in tokens:
        if tok.kind == "op":
            if tok.text not in _PLAIN_OPERATORS:
                return None
            if not commands[-1]:
                if tok.text == "\n":
                    continue
                return None
            commands.append([])
            continue
        if not tok.plain:
            return None
        if not commands[-1] and (tok.text in _KEYWORDS or _ASSIGNMENT.match(tok.text)):
            return None
        commands[-1].append(tok.text)
    if not commands[-1]:
        commands.pop()
        if tokens and tokens[-1].kind == "op" and tokens[-1].text != "\n":
            return None
    return commands or None


def literal_commands(script: str, depth: int = 0) -> list[list[str]]:
    """Every command whose name is a literal word, wherever it sits in the script."""
    tokens = tokenize(script)
    if tokens is None or depth > 8:
        return []
    out: list[list[str]] = []
    current: list[str] = []
    skip_until_separator = False
    expect_redirect_target = False
    for tok in tokens:
        for body in tok.substitutions:
            out.extend(literal_commands(body, depth + 1))
        if tok.kind == "op":
            if tok.text in ("<", ">", ">>", "<<", "<<<", "&>", ">&", "<&", "<>", ">|"):
                expect_redirect_target = True
                continue
            if current:
                out.append(current)
            current = []
            skip_until_separator = False
            continue
        if expect_redirect_target:
            expect_redirect_target = False
            continue
        if skip_until_separator:
            continue
        if not current:
            if tok.text in ("for", "case", "select", "function"):
                skip_until_separator = True  # `for x in a b` lists values, not a command
                continue
            if tok.text in _KEYWORDS or _ASSIGNMENT.match(tok.text):
                continue  # `VAR=x cmd`, `then cmd`: the command starts after
            if not tok.plain:
                skip_until_separator = True  # `$cmd -rf /`: the program is not a literal
                continue
        current.append(tok.text)
    if current:
        out.append(current)
    return out


def single_command_prefix(script: str) -> list[str] | None:
    """For a one-command script that ends in redirections or a heredoc (`cat <<EOF > f ...`):
    its leading literal words, used for rule matching only (never to call it safe)."""
    first_line, _, _ = script.partition("\n")
    tokens = tokenize(first_line)
    if not tokens:
        return None
    words: list[str] = []
    for tok in tokens:
        if tok.kind == "op":
            if tok.text in ("&&", "||", ";", "|", "&", "(", ")", "|&"):
                return None
            break
        if not tok.plain:
            return None
        words.append(tok.text)
    if not words or words[0] in _KEYWORDS or _ASSIGNMENT.match(words[0]):
        return None
    return words
