"""Every command, subcommand and sub-subcommand answers `--help` with its usage and exit 0.

The paths come from the argparse tree itself (`build_parser(None, every=True)`): subparsers,
positional words with fixed `choices` (`debug config`, `features list`), and the words a command's
own grammar takes from a free positional, which it lists in `parser.codex_words` (`exec resume`).
A command added later is covered without touching this file. 0.169 answers `codex exec resume
--help` with exit 0; ours used to end in an argparse error."""

from __future__ import annotations

import argparse
from collections.abc import Iterator

import pytest
from tests.support.codex_cli import RunCodex

from codex.cli.main import build_parser


def _children(parser: argparse.ArgumentParser) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    """(word, parser that answers `word --help`): nested parsers, or the parser itself for a
    word its positional grammar takes."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            yield from action.choices.items()
        elif not action.option_strings and action.choices is not None:
            for word in action.choices:
                yield str(word), parser
    for word in getattr(parser, "codex_words", ()):
        yield word, parser


def command_paths() -> list[tuple[str, ...]]:
    """Every path of words below `codex`, depth first, each parser expanded once."""
    paths: list[tuple[str, ...]] = [()]
    seen: set[int] = set()

    def walk(parser: argparse.ArgumentParser, prefix: tuple[str, ...]) -> None:
        for word, child in _children(parser):
            paths.append((*prefix, word))
            if child is not parser and id(child) not in seen:
                seen.add(id(child))
                walk(child, (*prefix, word))

    walk(build_parser(None, every=True), ())
    return paths


PATHS = command_paths()


def test_the_tree_holds_the_nested_commands_users_reach() -> None:
    """The walk finds what exists today (so it walks at all); new ones only add to it."""
    for expected in [("exec",), ("e",), ("exec", "resume"), ("execpolicy", "check")]:
        assert expected in PATHS
    assert ("models", "pull") in PATHS and ("debug", "config") in PATHS
    assert len(PATHS) > 20


# --help on every path; -h too on the nested ones (where a hand-made grammar could miss it).
CASES = [(path, "--help") for path in PATHS] + [(path, "-h") for path in PATHS if len(path) > 1]


@pytest.mark.parametrize(
    ("path", "flag"), CASES, ids=lambda v: " ".join(v) if isinstance(v, tuple) else v
)
def test_help_exits_0_with_usage(path: tuple[str, ...], flag: str, run_codex: RunCodex) -> None:
    proc = run_codex(*path, flag)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: codex"), proc.stdout[:200]
    assert proc.stderr == ""
    assert "Traceback" not in proc.stdout


def test_exec_resume_help_names_its_arguments(run_codex: RunCodex) -> None:
    proc = run_codex("exec", "resume", "--help")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("usage: codex exec resume")
    for word in ("--last", "--all", "SESSION_ID", "PROMPT"):
        assert word in proc.stdout
    after_options = run_codex("exec", "--json", "resume", "--last", "--help")
    assert after_options.returncode == 0 and after_options.stdout == proc.stdout
