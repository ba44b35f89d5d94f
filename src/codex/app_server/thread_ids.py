"""Thread ids read the way 0.169 reads them (the Rust `uuid` crate), so a malformed id is refused
with its words and a well-formed one in any accepted spelling names the same thread (facts:
tests/fixtures/archive_ids_official.json, captured by tests/app_server/capture_archive_ids.py).

The crate takes four spellings: 32 hex digits, the hyphenated 8-4-4-4-12 form, that form in
braces, and that form after `urn:uuid:`; any case. 0.169 then names the thread by its lower-case
hyphenated form ("no rollout found for thread id 0195a6c4-..."). A string it cannot read is
described by a second pass that finds the first fault: a character that is neither a hex digit
nor a hyphen (its 1-based byte position), a hyphen-less string of the wrong length, the wrong
number of groups, or the first group of the wrong length.
"""

from __future__ import annotations

from codex.app_server.errors import INVALID_REQUEST, RpcError

_HEX = frozenset("0123456789abcdefABCDEF")
_URN = "urn:uuid:"
_GROUP_STARTS = (0, 9, 14, 19, 24)  # where each group of the hyphenated form starts
_GROUP_LENGTHS = (8, 4, 4, 4, 12)


def canonical(text: str) -> str | None:
    """`text` as the lower-case hyphenated uuid 0.169 reads it as, or None if it cannot."""
    body = text
    if len(text) == 38 and text[0] == "{" and text[-1] == "}":
        body = text[1:-1]
    elif len(text) == 45 and text.startswith(_URN):
        body = text[len(_URN) :]
    if len(body) == 36:
        if any(body[i - 1] != "-" for i in _GROUP_STARTS[1:]):
            return None
        digits = body.replace("-", "", 4)
    elif len(body) == 32 and body is text:
        digits = body
    else:
        return None
    if len(digits) != 32 or not all(c in _HEX for c in digits):
        return None
    d = digits.lower()
    return f"{d[:8]}-{d[8:12]}-{d[12:16]}-{d[16:20]}-{d[20:]}"


def fault(text: str) -> str:
    """What the crate says is wrong with `text` (one it could not read)."""
    body, offset, simple = text, 0, True
    if len(text) >= 2 and text[0] == "{" and text[-1] == "}":
        body, offset, simple = text[1:-1], 1, False
    elif text.startswith(_URN):
        body, offset, simple = text[len(_URN) :], len(_URN), False
    hyphens: list[int] = []  # byte positions of the hyphens in `body`
    position = 0
    for char in body:
        if char == "-":
            hyphens.append(position)
        elif char not in _HEX:
            return (
                "invalid character: expected an optional prefix of `urn:uuid:` followed by "
                f"[0-9a-fA-F-], found `{char}` at {position + offset + 1}"
            )
        position += len(char.encode("utf-8"))
    if not hyphens and simple:
        length = len(text.encode("utf-8"))
        return f"invalid length: expected length 32 for simple format, found {length}"
    if len(hyphens) != 4:
        return f"invalid group count: expected 5, found {len(hyphens) + 1}"
    for group in range(4):
        if hyphens[group] != _GROUP_STARTS[group + 1] - 1:
            found = hyphens[group] - _GROUP_STARTS[group]
            return (
                f"invalid group length in group {group}: "
                f"expected {_GROUP_LENGTHS[group]}, found {found}"
            )
    # The last group is the wrong length; the crate measures it from the whole input (a
    # prefix or braces included), as it words it.
    found = len(text.encode("utf-8")) - _GROUP_STARTS[4]
    return f"invalid group length in group 4: expected 12, found {found}"


def thread_id(text: str, noun: str, code: int = INVALID_REQUEST) -> str:
    """The canonical id of `text`, or "invalid <noun> id: <fault>" as 0.169 refuses it
    (thread/archive and thread/unarchive say "session", thread/delete "thread"; -32600 but
    for the few methods that answer -32602: codex.app_server.param_table)."""
    found = canonical(text)
    if found is None:
        raise RpcError(code, f"invalid {noun} id: {fault(text)}")
    return found
