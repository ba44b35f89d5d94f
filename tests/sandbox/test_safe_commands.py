"""Table tests for the known-safe and might-be-dangerous classifiers and the bash lexer."""

from __future__ import annotations

import shlex

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex.sandbox.safe_commands import command_might_be_dangerous, is_known_safe_command
from codex.sandbox.shell_parse import literal_commands, plain_commands

SAFE = [
    "ls",
    "ls -la /",
    "/bin/ls",
    "cat Cargo.toml",
    "base64",
    "base64 file",
    "sed -n 1,5p file.txt",
    "sed -n 10p",
    "nl -nrz Cargo.toml",
    "find . -name file.txt",
    "rg Cargo.toml -n",
    "numfmt 1000",
    "tac file",
    "grep -R foo -n",
    "wc -l",
    "which python3",
]
UNSAFE = [
    "",
    "foo",
    "git status",
    "git fetch",
    "cargo check",
    "sed -n xp file.txt",
    "sed -i s/a/b/ file",
    "sed -n 1,5p a b",
    "find . -name file.txt -exec rm {} ;",
    "find . -name *.py -execdir python3 {} ;",
    "find . -name file.txt -ok rm {} ;",
    "find . -okdir python3 {} ;",
    "find . -delete -name file.txt",
    "find . -fls /etc/passwd",
    "find . -fprint /etc/passwd",
    "find . -fprint0 /etc/passwd",
    "find . -fprintf /root/suid.txt %m",
    "base64 -o out.bin",
    "base64 --output out.bin",
    "base64 --output=out.bin",
    "base64 -ob64.txt",
    "rg --search-zip files",
    "rg -z files",
    "rg --pre pwned files",
    "rg --pre=pwned files",
    "rg --hostname-bin pwned files",
    "rg --hostname-bin=pwned files",
    "python3 -c 1",
    "rm file",
]


@pytest.mark.parametrize("cmd", SAFE)
def test_safe(cmd: str) -> None:
    assert is_known_safe_command(shlex.split(cmd))


@pytest.mark.parametrize("cmd", UNSAFE)
def test_unsafe(cmd: str) -> None:
    assert not is_known_safe_command(shlex.split(cmd))


@pytest.mark.parametrize(
    "script",
    [
        "ls",
        "ls -1",
        'grep -R "Cargo.toml" -n',
        "sed -n 1,5p file.txt",
        "sed -n '1,5p' file.txt",
        "find . -name file.txt",
        'grep -R "Cargo.toml" -n || true',
        "ls && pwd",
        "echo 'hi' ; ls",
        "ls | wc -l",
        "ls *.py",
        "ls\npwd",
    ],
)
def test_bash_lc_safe(script: str) -> None:
    assert is_known_safe_command(["bash", "-lc", script])
    assert is_known_safe_command(["zsh", "-lc", script])
    assert is_known_safe_command(["/bin/sh", "-c", script])


@pytest.mark.parametrize(
    "argv",
    [
        ["bash", "-lc", "git status"],
        ["bash", "-lc", "git", "status"],
        ["bash", "-lc", "'git status'"],
        ["bash", "-lc", "find . -name file.txt -delete"],
        ["bash", "-lc", "ls && rm -rf /"],
        ["bash", "-lc", "(ls)"],
        ["bash", "-lc", "ls || (pwd && echo hi)"],
        ["bash", "-lc", "ls > out.txt"],
        ["bash", "-lc", "cat < in.txt"],
        ["bash", "-lc", "echo $HOME"],
        ["bash", "-lc", 'echo "$(id)"'],
        ["bash", "-lc", "echo `id`"],
        ["bash", "-lc", "ls &"],
        ["bash", "-lc", "X=1 ls"],
        ["bash", "-lc", "if true; then ls; fi"],
        ["bash", "-lc", "ls &&"],
        ["bash", "-lc", "&& ls"],
        ["bash", "-lc", "echo {a,b}"],
        ["bash", "-lc", "ls 'unterminated"],
        ["bash", "-x", "ls"],
    ],
)
def test_bash_lc_unsafe(argv: list[str]) -> None:
    assert not is_known_safe_command(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["rm", "-rf", "/"],
        ["rm", "-f", "/"],
        ["/bin/rm", "-fr", "/tmp/example"],
        ["rm", "-r", "-f", "/tmp/example"],
        ["rm", "--force", "/tmp/example"],
        ["rm", "/tmp/example", "-f"],
        ["sudo", "rm", "-rf", "/tmp/example"],
        ["bash", "-lc", "printf x | rm -rf /tmp/example"],
        ["bash", "-lc", "if test -d /tmp/example; then rm --force /tmp/example; fi"],
        ["bash", "-lc", 'rm -rf "$TARGET" >/dev/null'],
        ["bash", "-lc", 'for target in /tmp/a /tmp/b; do rm -r -f "$target"; done'],
        ["bash", "-lc", 'echo "$(rm -rf /tmp/example)"'],
        ["bash", "-lc", "echo `rm -rf /tmp/example`"],
        ["bash", "-lc", "X=1 rm -rf /tmp/x"],
        ["bash", "-lc", "{ rm -rf /tmp/x; }"],
    ],
)
def test_dangerous(argv: list[str]) -> None:
    assert command_might_be_dangerous(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["rm", "-r", "/tmp/example"],
        ["rm", "--", "-f"],
        ["bash", "-lc", "echo 'rm -rf /tmp/example'"],
        ["bash", "-lc", "cmd=rm; $cmd -rf /tmp/example"],
        ["ls", "-f"],
    ],
)
def test_not_dangerous(argv: list[str]) -> None:
    assert not command_might_be_dangerous(argv)


def test_plain_commands_split() -> None:
    assert plain_commands("ls -l && grep 'a b' f | wc -l; pwd") == [
        ["ls", "-l"],
        ["grep", "a b", "f"],
        ["wc", "-l"],
        ["pwd"],
    ]
    assert plain_commands("") is None


def test_literal_commands_find_nested() -> None:
    got = literal_commands('for a in x y; do echo "$(touch z)" > out; done')
    assert ["touch", "z"] in got
    assert ["echo", ""] in got or any(c[0] == "echo" for c in got)


@given(st.text(max_size=60))
def test_lexer_never_raises(script: str) -> None:
    plain_commands(script)
    literal_commands(script)
    is_known_safe_command(["bash", "-lc", script])
    command_might_be_dangerous(["bash", "-lc", script])
