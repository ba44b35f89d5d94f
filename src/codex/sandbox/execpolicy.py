"""execpolicy: `.rules` files of `prefix_rule(...)` calls, and what they decide for a command.

Rule files are Starlark upstream. We read the subset they are written in with our own small
parser and never evaluate anything: top-level calls of `prefix_rule`, `host_executable` and
`network_rule` with literal arguments (strings, lists, True/False/None, numbers), comments,
blank lines, trailing commas. Anything else is an `ExecPolicyError` whose message is one line,
`file:line:column: what is wrong`.

Matching is by prefix: a rule matches an argv that starts with its pattern (each pattern token
a string or a list of alternatives). Every matching rule is reported; the decision is the
strictest (forbidden > prompt > allow).
"""

from __future__ import annotations

import fcntl
import json
import os
import shlex
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

RULES_DIR = "rules"
RULE_EXTENSION = ".rules"
DEFAULT_RULES_FILE = "default.rules"


class Decision(StrEnum):
    ALLOW = "allow"
    PROMPT = "prompt"
    FORBIDDEN = "forbidden"

    @property
    def severity(self) -> int:
        return ("allow", "prompt", "forbidden").index(self.value)


def strictest(decisions: Iterable[Decision]) -> Decision | None:
    return max(decisions, key=lambda d: d.severity, default=None)


# Every character str.splitlines() breaks on, escaped: messages quote the file's own text
# (examples, paths), and a line break in it split the one-line error codex prints.
_ONE_LINE = str.maketrans({c: repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


class ExecPolicyError(Exception):
    """A malformed rule file; str() is `path:line:col: message`, one line."""

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        message = message.translate(_ONE_LINE)
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path, self.line, self.column, self.message = path, line, column, message


# ---- matching ----


@dataclass(frozen=True, slots=True)
class PrefixRule:
    pattern: tuple[tuple[str, ...], ...]  # each token: its alternatives
    decision: Decision
    justification: str | None = None

    @property
    def program(self) -> str:
        return self.pattern[0][0]

    def matches(self, command: Sequence[str]) -> list[str] | None:
        if len(command) < len(self.pattern):
            return None
        for alternatives, token in zip(self.pattern, command, strict=False):
            if token not in alternatives:
                return None
        return list(command[: len(self.pattern)])


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """`prefixRuleMatch` (a rule matched) or `heuristicsRuleMatch` (no rule; a fallback)."""

    decision: Decision
    matched_prefix: list[str] | None = None
    justification: str | None = None
    resolved_program: str | None = None
    heuristics_command: list[str] | None = None

    @property
    def is_rule(self) -> bool:
        return self.matched_prefix is not None

    def to_json_dict(self) -> dict[str, Any]:
        if self.matched_prefix is None:
            return {
                "heuristicsRuleMatch": {
                    "command": self.heuristics_command,
                    "decision": self.decision.value,
                }
            }
        body: dict[str, Any] = {
            "matchedPrefix": self.matched_prefix,
            "decision": self.decision.value,
        }
        if self.resolved_program is not None:
            body["resolvedProgram"] = self.resolved_program
        if self.justification is not None:
            body["justification"] = self.justification
        return {"prefixRuleMatch": body}


@dataclass(frozen=True, slots=True)
class NetworkRule:
    host: str
    protocol: str
    decision: Decision
    justification: str | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    decision: Decision | None
    matched_rules: list[RuleMatch]

    def to_json_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"matchedRules": [m.to_json_dict() for m in self.matched_rules]}
        if self.decision is not None:
            out["decision"] = self.decision.value
        return out


Fallback = Callable[[Sequence[str]], Decision]


@dataclass(slots=True)
class ExecPolicy:
    rules_by_program: dict[str, list[PrefixRule]] = field(default_factory=dict)
    host_executables: dict[str, list[str]] = field(default_factory=dict)
    network_rules: list[NetworkRule] = field(default_factory=list)

    def add_rule(self, rule: PrefixRule) -> None:
        self.rules_by_program.setdefault(rule.program, []).append(rule)

    def add_prefix_rule(self, prefix: Sequence[str], decision: Decision) -> None:
        if not prefix:
            raise ValueError("a prefix rule needs at least one token")
        self.add_rule(PrefixRule(tuple((tok,) for tok in prefix), decision))

    def matches_for_command(
        self,
        command: Sequence[str],
        fallback: Fallback | None = None,
        *,
        resolve_host_executables: bool = False,
    ) -> list[RuleMatch]:
        found = self._rule_matches(command)
        if not found and resolve_host_executables and command and command[0].startswith("/"):
            found = self._host_executable_matches(command)
        if not found and fallback is not None:
            found = [RuleMatch(fallback(command), heuristics_command=list(command))]
        return found

    def _rule_matches(self, command: Sequence[str], resolved: str | None = None) -> list[RuleMatch]:
        if not command:
            return []
        out = []
        for rule in self.rules_by_program.get(command[0], ()):
            prefix = rule.matches(command)
            if prefix is not None:
                out.append(RuleMatch(rule.decision, prefix, rule.justification, resolved))
        return out

    def _host_executable_matches(self, command: Sequence[str]) -> list[RuleMatch]:
        path = command[0]
        name = os.path.basename(path)
        allowed = self.host_executables.get(name)
        if allowed is not None and path not in allowed:
            return []
        return self._rule_matches([name, *command[1:]], resolved=path)

    def check(
        self,
        command: Sequence[str],
        fallback: Fallback | None = None,
        *,
        resolve_host_executables: bool = False,
    ) -> Evaluation:
        return self.check_multiple(
            [command], fallback, resolve_host_executables=resolve_host_executables
        )

    def check_multiple(
        self,
        commands: Iterable[Sequence[str]],
        fallback: Fallback | None = None,
        *,
        resolve_host_executables: bool = False,
    ) -> Evaluation:
        matched: list[RuleMatch] = []
        for command in commands:
            matched.extend(
                self.matches_for_command(
                    command, fallback, resolve_host_executables=resolve_host_executables
                )
            )
        return Evaluation(strictest(m.decision for m in matched), matched)


# ---- parsing ----


@dataclass(slots=True)
class _Tok:
    kind: str  # name, str, num, op, eof
    value: Any
    line: int
    col: int


_HEX_DIGITS = "0123456789abcdefABCDEF"
# Lists nest this deep at most: a real rule file nests two levels; without a bound a file of
# "[[[[..." ended in RecursionError instead of an ExecPolicyError.
_MAX_NESTING = 64
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", "'": "'", '"': '"', "0": "\0"}


class _Lexer:
    def __init__(self, path: str, text: str) -> None:
        self.path, self.text, self.i, self.line, self.col = path, text, 0, 1, 1

    def error(
        self, message: str, line: int | None = None, col: int | None = None
    ) -> ExecPolicyError:
        return ExecPolicyError(self.path, line or self.line, col or self.col, message)

    def _advance(self, n: int = 1) -> None:
        for _ in range(n):
            if self.text[self.i] == "\n":
                self.line, self.col = self.line + 1, 1
            else:
                self.col += 1
            self.i += 1

    def tokens(self) -> list[_Tok]:
        out: list[_Tok] = []
        depth = 0
        text = self.text
        while self.i < len(text):
            c = text[self.i]
            if c == "#":
                while self.i < len(text) and text[self.i] != "\n":
                    self._advance()
                continue
            if c == "\\" and text.startswith("\\\n", self.i):
                self._advance(2)
                continue
            if c in " \t\r":
                self._advance()
                continue
            if c == "\n":
                if depth == 0:
                    out.append(_Tok("op", "\n", self.line, self.col))
                self._advance()
                continue
            line, col = self.line, self.col
            if c in "([{":
                depth += 1
            elif c in ")]}":
                depth = max(0, depth - 1)
            if c in "()[]{},=:;+":
                out.append(_Tok("op", c, line, col))
                self._advance()
            elif c in "'\"":
                out.append(_Tok("str", self._string(), line, col))
            elif c.isalpha() or c == "_":
                start = self.i
                while self.i < len(text) and (text[self.i].isalnum() or text[self.i] == "_"):
                    self._advance()
                word = text[start : self.i]
                if (
                    word in ("r", "b", "f", "rb", "br")
                    and self.i < len(text)
                    and text[self.i] in "'\""
                ):
                    raise self.error(
                        f"{word}-prefixed strings are not supported in rule files", line, col
                    )
                out.append(_Tok("name", word, line, col))
            elif c.isdigit() or (
                c == "-" and self.i + 1 < len(text) and text[self.i + 1].isdigit()
            ):
                start = self.i
                self._advance()
                while self.i < len(text) and (text[self.i].isalnum() or text[self.i] in "._"):
                    self._advance()
                raw = text[start : self.i]
                try:
                    out.append(_Tok("num", int(raw, 0), line, col))
                except ValueError:
                    try:
                        out.append(_Tok("num", float(raw), line, col))
                    except ValueError:
                        raise self.error(f"bad number {raw!r}", line, col) from None
            else:
                raise self.error(f"unexpected character {c!r}", line, col)
        out.append(_Tok("eof", None, self.line, self.col))
        return out

    def _string(self) -> str:
        text = self.text
        quote = text[self.i]
        triple = text.startswith(quote * 3, self.i)
        delim = quote * 3 if triple else quote
        line, col = self.line, self.col
        self._advance(len(delim))
        out: list[str] = []
        while True:
            if self.i >= len(text):
                raise self.error("unterminated string", line, col)
            if text.startswith(delim, self.i):
                self._advance(len(delim))
                return "".join(out)
            c = text[self.i]
            if c == "\n" and not triple:
                raise self.error("unterminated string", line, col)
            if c == "\\":
                nxt = text[self.i + 1 : self.i + 2]
                if nxt in _ESCAPES:
                    out.append(_ESCAPES[nxt])
                    self._advance(2)
                    continue
                if nxt == "\n":
                    self._advance(2)
                    continue
                if nxt in ("u", "x"):
                    width = 4 if nxt == "u" else 2
                    digits = text[self.i + 2 : self.i + 2 + width]
                    # Exactly `width` hex digits: int() alone took "+1", "1_2" and a sequence
                    # cut short by the end of the file (then _advance ran off the text).
                    if len(digits) != width or digits.strip(_HEX_DIGITS):
                        raise self.error("bad escape in string")
                    out.append(chr(int(digits, 16)))
                    self._advance(2 + width)
                    continue
                raise self.error(f"invalid escape sequence \\{nxt}")
            out.append(c)
            self._advance()


class _Parser:
    def __init__(self, path: str, text: str) -> None:
        self.lexer = _Lexer(path, text)
        self.path = path
        self.toks = self.lexer.tokens()
        self.pos = 0

    def peek(self) -> _Tok:
        return self.toks[self.pos]

    def take(self) -> _Tok:
        tok = self.toks[self.pos]
        self.pos += 1
        return tok

    def error(self, tok: _Tok, message: str) -> ExecPolicyError:
        return ExecPolicyError(self.path, tok.line, tok.col, message)

    def expect_op(self, op: str) -> _Tok:
        tok = self.take()
        if tok.kind != "op" or tok.value != op:
            shown = "end of file" if tok.kind == "eof" else repr(tok.value)
            raise self.error(tok, f"expected {op!r}, found {shown}")
        return tok

    def calls(self) -> Iterable[tuple[_Tok, list[tuple[_Tok, Any]], dict[str, tuple[_Tok, Any]]]]:
        while True:
            tok = self.peek()
            if tok.kind == "eof":
                return
            if tok.kind == "op" and tok.value in ("\n", ";"):
                self.take()
                continue
            if tok.kind != "name":
                raise self.error(tok, "expected a call such as prefix_rule(...)")
            self.take()
            nxt = self.peek()
            if nxt.kind == "op" and nxt.value == "=":
                raise self.error(tok, "assignments are not supported in rule files")
            self.expect_op("(")
            positional: list[tuple[_Tok, Any]] = []
            keywords: dict[str, tuple[_Tok, Any]] = {}
            while not (self.peek().kind == "op" and self.peek().value == ")"):
                start = self.peek()
                if (
                    start.kind == "name"
                    and self.toks[self.pos + 1].kind == "op"
                    and self.toks[self.pos + 1].value == "="
                ):
                    self.take()
                    self.take()
                    if start.value in keywords:
                        raise self.error(start, f"argument {start.value} given twice")
                    keywords[start.value] = (start, self.value())
                else:
                    if keywords:
                        raise self.error(start, "positional argument after keyword arguments")
                    positional.append((start, self.value()))
                if self.peek().kind == "op" and self.peek().value == ",":
                    self.take()
                elif not (self.peek().kind == "op" and self.peek().value == ")"):
                    raise self.error(self.peek(), "expected ',' or ')'")
            self.take()
            end = self.peek()
            if not (end.kind == "eof" or (end.kind == "op" and end.value in ("\n", ";"))):
                raise self.error(end, "expected a new line after the call")
            yield tok, positional, keywords

    def value(self, depth: int = 0) -> Any:
        tok = self.take()
        if tok.kind == "str":
            value = tok.value
            while self.peek().kind == "op" and self.peek().value == "+":
                self.take()
                rhs = self.take()
                if rhs.kind != "str":
                    raise self.error(rhs, "only strings can be concatenated")
                value += rhs.value
            return value
        if tok.kind == "num":
            return tok.value
        if tok.kind == "name":
            if tok.value in ("True", "False", "None"):
                return {"True": True, "False": False, "None": None}[tok.value]
            raise self.error(tok, f"unknown name {tok.value!r} (rule files hold literals only)")
        if tok.kind == "op" and tok.value in ("[", "("):
            if depth >= _MAX_NESTING:
                raise self.error(tok, f"lists nested more than {_MAX_NESTING} deep")
            close = "]" if tok.value == "[" else ")"
            items = []
            while not (self.peek().kind == "op" and self.peek().value == close):
                items.append(self.value(depth + 1))
                if self.peek().kind == "op" and self.peek().value == ",":
                    self.take()
                elif not (self.peek().kind == "op" and self.peek().value == close):
                    raise self.error(self.peek(), f"expected ',' or {close!r}")
            self.take()
            return items
        shown = "end of file" if tok.kind == "eof" else repr(tok.value)
        raise self.error(tok, f"expected a value, found {shown}")


_SIGNATURES = {
    "prefix_rule": ("pattern", "decision", "match", "not_match", "justification"),
    "host_executable": ("name", "paths"),
    "network_rule": ("host", "protocol", "decision", "justification"),
}
_REQUIRED = {
    "prefix_rule": ("pattern",),
    "host_executable": ("name", "paths"),
    "network_rule": ("host", "protocol", "decision"),
}
_PROTOCOLS = {
    "http": "http",
    "https": "https",
    "https_connect": "https",
    "http-connect": "https",
    "socks5_tcp": "socks5_tcp",
    "socks5_udp": "socks5_udp",
}


class PolicyParser:
    """Accumulates rules from several files (in order), then `build()`s the policy."""

    def __init__(self) -> None:
        self.policy = ExecPolicy()

    def parse(self, path: str, text: str) -> None:
        parser = _Parser(path, text)
        for tok, positional, keywords in parser.calls():
            self._call(parser, tok, positional, keywords)

    def build(self) -> ExecPolicy:
        return self.policy

    def _call(self, parser: _Parser, tok: _Tok, positional: list, keywords: dict) -> None:
        name = tok.value
        signature = _SIGNATURES.get(name)
        if signature is None:
            raise parser.error(
                tok,
                f"unknown function {name!r} (rule files call prefix_rule, host_executable, "
                "network_rule)",
            )
        if len(positional) > len(signature):
            raise parser.error(tok, f"{name}() takes at most {len(signature)} arguments")
        args: dict[str, tuple[_Tok, Any]] = dict(zip(signature, positional, strict=False))
        for key, value in keywords.items():
            if key not in signature:
                raise parser.error(value[0], f"{name}() got an unexpected argument {key!r}")
            if key in args:
                raise parser.error(value[0], f"{name}() got argument {key!r} twice")
            args[key] = value
        for key in _REQUIRED[name]:
            if key not in args:
                raise parser.error(tok, f"{name}() is missing the argument {key!r}")
        try:
            getattr(self, f"_{name}")(args)
        except _ArgError as err:
            at = args[err.arg][0] if err.arg in args else tok
            raise parser.error(at, err.message) from None

    def _prefix_rule(self, args: dict[str, tuple[_Tok, Any]]) -> None:
        pattern = _pattern(args["pattern"][1])
        decision = _decision(args, "decision", Decision.ALLOW)
        justification = _justification(args)
        matches = [_example(e, "match") for e in _list_arg(args, "match")]
        not_matches = [_example(e, "not_match") for e in _list_arg(args, "not_match")]
        rules = [
            PrefixRule(((head,), *pattern[1:]), decision, justification) for head in pattern[0]
        ]
        scratch = ExecPolicy(host_executables=self.policy.host_executables)
        for rule in rules:
            scratch.add_rule(rule)
        for example in not_matches:
            if scratch.matches_for_command(example, resolve_host_executables=True):
                raise _ArgError(
                    "not_match", f"rule matches its not_match example: {shlex.join(example)}"
                )
        for example in matches:
            if not scratch.matches_for_command(example, resolve_host_executables=True):
                raise _ArgError(
                    "match", f"rule does not match its match example: {shlex.join(example)}"
                )
        for rule in rules:
            self.policy.add_rule(rule)

    def _host_executable(self, args: dict[str, tuple[_Tok, Any]]) -> None:
        name = args["name"][1]
        if not isinstance(name, str) or not name or "/" in name:
            raise _ArgError("name", "host_executable name must be a bare executable name")
        paths = args["paths"][1]
        if not isinstance(paths, list) or not all(isinstance(p, str) for p in paths):
            raise _ArgError("paths", "host_executable paths must be a list of strings")
        parsed: list[str] = []
        for raw in paths:
            path = os.path.expanduser(raw) if raw.startswith("~/") else raw
            if not path.startswith("/"):
                raise _ArgError("paths", f"host_executable paths must be absolute (got {raw})")
            if os.path.basename(path) != name:
                raise _ArgError(
                    "paths", f"host_executable path `{raw}` must have basename `{name}`"
                )
            if path not in parsed:
                parsed.append(os.path.normpath(path))
        self.policy.host_executables[name] = parsed

    def _network_rule(self, args: dict[str, tuple[_Tok, Any]]) -> None:
        host = args["host"][1]
        if not isinstance(host, str) or not host.strip():
            raise _ArgError("host", "network_rule host cannot be empty")
        host = host.strip()
        if any(c in host for c in "/?#") or "*" in host or any(ch.isspace() for ch in host):
            raise _ArgError("host", "network_rule host must be a specific hostname or IP literal")
        if host.startswith("["):
            host = host[1:].split("]", 1)[0]
        elif host.count(":") == 1 and host.rsplit(":", 1)[1].isdigit():
            host = host.rsplit(":", 1)[0]
        protocol = args["protocol"][1]
        if not isinstance(protocol, str) or protocol not in _PROTOCOLS:
            raise _ArgError(
                "protocol",
                "network_rule protocol must be one of http, https, socks5_tcp, socks5_udp",
            )
        raw = args["decision"][1]
        decision = Decision.FORBIDDEN if raw == "deny" else _decision(args, "decision", None)
        self.policy.network_rules.append(
            NetworkRule(
                host.rstrip(".").lower(), _PROTOCOLS[protocol], decision, _justification(args)
            )
        )


class _ArgError(Exception):
    def __init__(self, arg: str, message: str) -> None:
        super().__init__(message)
        self.arg, self.message = arg, message


def _pattern(value: Any) -> list[tuple[str, ...]]:
    if not isinstance(value, list) or not value:
        raise _ArgError(
            "pattern", "pattern cannot be empty" if value == [] else "pattern must be a list"
        )
    out: list[tuple[str, ...]] = []
    for token in value:
        if isinstance(token, str):
            out.append((token,))
        elif isinstance(token, list) and token and all(isinstance(t, str) for t in token):
            out.append(tuple(token))
        elif isinstance(token, list) and not token:
            raise _ArgError("pattern", "pattern alternatives cannot be empty")
        else:
            raise _ArgError("pattern", "pattern element must be a string or list of strings")
    return out


def _decision(args: dict, key: str, default: Decision | None) -> Decision:
    if key not in args or args[key][1] is None:
        if default is None:
            raise _ArgError(key, "decision is required")
        return default
    raw = args[key][1]
    try:
        return Decision(raw)
    except ValueError:
        raise _ArgError(
            key, f"invalid decision {raw!r} (expected allow, prompt or forbidden)"
        ) from None


def _justification(args: dict) -> str | None:
    if "justification" not in args or args["justification"][1] is None:
        return None
    value = args["justification"][1]
    if not isinstance(value, str):
        raise _ArgError("justification", "justification must be a string")
    if not value.strip():
        raise _ArgError("justification", "justification cannot be empty")
    return value


def _list_arg(args: dict, key: str) -> list:
    if key not in args or args[key][1] is None:
        return []
    value = args[key][1]
    if not isinstance(value, list):
        raise _ArgError(key, f"{key} must be a list of examples")
    return value


def _example(value: Any, key: str) -> list[str]:
    if isinstance(value, str):
        try:
            tokens = shlex.split(value)
        except ValueError:
            raise _ArgError(key, "example string has invalid shell syntax") from None
        if not tokens:
            raise _ArgError(key, "example cannot be an empty string")
        return tokens
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        if not value:
            raise _ArgError(key, "example cannot be an empty list")
        return list(value)
    raise _ArgError(key, "example must be a string or list of strings")


def _decode(path: str, data: bytes) -> str:
    """The file's text; a byte that is not UTF-8 is an ExecPolicyError at its line and column
    (a UnicodeDecodeError escaped load_exec_policy and stopped the session)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        line_start = data.rfind(b"\n", 0, err.start) + 1
        line = data.count(b"\n", 0, err.start) + 1
        column = len(data[line_start : err.start].decode("utf-8", "replace")) + 1
        raise ExecPolicyError(path, line, column, "the file is not valid UTF-8") from None


def parse_policy_files(paths: Iterable[str | os.PathLike[str]]) -> ExecPolicy:
    """Parse rule files in order; raises ExecPolicyError (one line) or OSError."""
    parser = PolicyParser()
    for path in paths:
        parser.parse(os.fspath(path), _decode(os.fspath(path), Path(path).read_bytes()))
    return parser.build()


def rule_files(config_folder: str | os.PathLike[str]) -> list[Path]:
    folder = Path(config_folder) / RULES_DIR
    try:
        return sorted(p for p in folder.iterdir() if p.suffix == RULE_EXTENSION and p.is_file())
    except FileNotFoundError:
        return []


def load_exec_policy(
    config_folders: Iterable[str | os.PathLike[str]],
) -> tuple[ExecPolicy, ExecPolicyError | None]:
    """Every `<folder>/rules/*.rules`, lowest-precedence folder first. A malformed file gives
    an empty policy plus the error (upstream warns and carries on without rules)."""
    files = [f for folder in config_folders for f in rule_files(folder)]
    try:
        return parse_policy_files(files), None
    except ExecPolicyError as err:
        return ExecPolicy(), err


def append_allow_prefix_rule(codex_home: str | os.PathLike[str], prefix: Sequence[str]) -> Path:
    """Persist an approved amendment: one `prefix_rule(..., decision="allow")` line appended
    to $CODEX_HOME/rules/default.rules under an advisory lock (concurrent sessions)."""
    if not prefix:
        raise ValueError("an amendment needs at least one token")
    path = Path(codex_home) / RULES_DIR / DEFAULT_RULES_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    line = f'prefix_rule(pattern={json.dumps(list(prefix))}, decision="allow")\n'
    with open(path, "a+", encoding="utf-8") as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        try:
            f.seek(0, os.SEEK_END)
            if f.tell() > 0:
                f.seek(f.tell() - 1)
                if f.read(1) != "\n":
                    f.write("\n")
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
        finally:
            fcntl.flock(f, fcntl.LOCK_UN)
    return path
