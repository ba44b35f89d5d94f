"""execpolicy parsing: the Starlark subset `.rules` files are written in, read by our own small
parser that never evaluates anything (top-level `prefix_rule`, `host_executable` and
`network_rule` calls with literal arguments). Text in, ExecPolicy out; no file
I/O (execpolicy_files)."""

from __future__ import annotations

import os
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from codex.sandbox.execpolicy_matching import Decision, ExecPolicy, NetworkRule, PrefixRule

# Every character str.splitlines() breaks on, escaped: messages quote the file's own text
# (examples, paths), and a line break in it split the one-line error codex prints.
_ONE_LINE = str.maketrans({c: repr(c)[1:-1] for c in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"})


class ExecPolicyError(Exception):
    """A malformed rule file; str() is `path:line:col: message`, one line."""

    def __init__(self, path: str, line: int, column: int, message: str) -> None:
        message = message.translate(_ONE_LINE)
        super().__init__(f"{path}:{line}:{column}: {message}")
        self.path, self.line, self.column, self.message = path, line, column, message


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
