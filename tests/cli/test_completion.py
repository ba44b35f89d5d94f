"""`codex completion`: scripts generated from the argparse tree, checked by the real shells."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from tests.support.codex_cli import RunCodex

from codex.cli.completion import walk
from codex.cli.main import build_parser

SHELLS = ("bash", "zsh", "fish", "elvish", "powershell")
# The shells with a syntax-check switch (`-n`); elvish is checked by running it below.
CHECKABLE = ("bash", "zsh", "fish")


def _tree() -> tuple[set[str], set[str]]:
    """Every subcommand name (aliases too) and every long flag of the whole tree."""
    names: set[str] = set()
    flags: set[str] = set()
    for node in walk(build_parser(None, every=True)):
        names.update(node.children)
        flags.update(flag for flag, _ in node.flags if flag.startswith("--"))
    return names, flags


@pytest.mark.parametrize("shell", SHELLS)
def test_script_names_every_subcommand_and_long_flag(run_codex: RunCodex, shell: str) -> None:
    result = run_codex("completion", shell)
    assert result.returncode == 0, result.stderr
    names, flags = _tree()
    # Spot-check that the walk itself is complete (nested commands and their flags included).
    assert {"exec", "e", "mcp", "add", "completion", "app-server"} <= names
    assert {"--json", "--config-home", "--strict-config"} <= flags
    # fish spells a long flag `-l NAME`.
    spelled = {f"-l {f[2:]}" if shell == "fish" else f for f in flags}
    missing = [word for word in names | spelled if word not in result.stdout]
    assert missing == []


def test_default_shell_is_bash(run_codex: RunCodex) -> None:
    assert run_codex("completion").stdout == run_codex("completion", "bash").stdout


def test_unknown_shell_is_one_line_and_exit_2(run_codex: RunCodex) -> None:
    result = run_codex("completion", "nosh")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("codex: invalid shell 'nosh'")


@pytest.mark.parametrize("shell", CHECKABLE)
def test_shell_accepts_the_syntax(run_codex: RunCodex, tmp_path: Path, shell: str) -> None:
    if shutil.which(shell) is None:
        pytest.skip(f"{shell} is not installed")
    script = tmp_path / f"codex.{shell}"
    script.write_text(run_codex("completion", shell).stdout)
    check = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr


def _complete(script: Path, words: list[str]) -> list[str]:
    quoted = " ".join(f"'{w}'" for w in words)
    program = (
        f"source {script}; complete -p codex; COMP_WORDS=({quoted}); "
        f"COMP_CWORD={len(words) - 1}; _codex; printf '%s\\n' \"${{COMPREPLY[@]}}\""
    )
    done = subprocess.run(["bash", "-c", program], capture_output=True, text=True, check=True)
    lines = done.stdout.splitlines()
    assert lines[0].endswith("-F _codex codex")  # `complete -p codex`: the spec is loaded
    return lines[1:]


def test_bash_round_trip(run_codex: RunCodex, tmp_path: Path) -> None:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    script = tmp_path / "codex.bash"
    script.write_text(run_codex("completion", "bash").stdout)
    assert _complete(script, ["codex", "ex"]) == ["exec", "execpolicy", "export"]
    assert _complete(script, ["codex", "exec", "--js"]) == ["--json"]
    # Global option values are skipped, and nested commands are reached through them.
    assert "add" in _complete(script, ["codex", "-c", "a=b", "mcp", ""])
    # Bare `codex` is the TUI, whose options codex.cli.tui parses: they complete too, and the
    # value of one is skipped on the way to a subcommand.
    assert _complete(script, ["codex", "--mod"]) == ["--model"]
    assert "--json" in _complete(script, ["codex", "-m", "gpt", "exec", "--js"])


def test_fish_round_trip(run_codex: RunCodex, tmp_path: Path) -> None:
    if shutil.which("fish") is None:
        pytest.skip("fish is not installed")
    script = tmp_path / "codex.fish"
    script.write_text(run_codex("completion", "fish").stdout)

    def complete(line: str) -> list[str]:
        program = f"source {script}; complete -C '{line}'"
        done = subprocess.run(
            ["fish", "--no-config", "-c", program],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,
        )
        return [row.split("\t")[0] for row in done.stdout.splitlines()]

    assert {"exec", "execpolicy"} <= set(complete("codex ex"))
    assert "--json" in complete("codex exec --js")
    assert "add" in complete("codex -c a=b mcp ")


def test_zsh_registers_the_function(run_codex: RunCodex, tmp_path: Path) -> None:
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed")
    script = tmp_path / "codex.zsh"
    script.write_text(run_codex("completion", "zsh").stdout)
    program = f"autoload -U compinit; compinit -u -D; source {script}; print -r -- $_comps[codex]"
    done = subprocess.run(
        ["zsh", "-f", "-c", program], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert done.stdout.strip() == "_codex"


def test_zsh_function_walks_the_words(run_codex: RunCodex, tmp_path: Path) -> None:
    """The completion function itself, outside a widget: compadd stubbed to print what it is
    given (zsh filters by prefix itself), words/CURRENT set as the completion system would."""
    if shutil.which("zsh") is None:
        pytest.skip("zsh is not installed")
    script = tmp_path / "codex.zsh"
    script.write_text(run_codex("completion", "zsh").stdout)

    def offered(*words: str) -> list[str]:
        quoted = " ".join(f"'{w}'" for w in words)
        program = (
            "compdef() { :; }; compadd() { print -l -- ${(P)2}; }; "
            f"source {script}; words=({quoted}); CURRENT={len(words)}; _codex"
        )
        done = subprocess.run(
            ["zsh", "-f", "-c", program], capture_output=True, text=True, check=True
        )
        return done.stdout.splitlines()

    assert "exec" in offered("codex", "ex")
    assert "--json" in offered("codex", "exec", "--js")
    assert "--json" not in offered("codex", "ex")
    assert "add" in offered("codex", "-c", "a=b", "mcp", "")


def test_bash_completes_nested_and_recent_commands(run_codex: RunCodex, tmp_path: Path) -> None:
    """`codex exec resume|review` are taken by exec's own grammar, not argparse: they and their
    flags complete too; so do the shells of `codex completion` and the newer commands."""
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    script = tmp_path / "codex.bash"
    script.write_text(run_codex("completion", "bash").stdout)
    assert _complete(script, ["codex", "exec", "re"]) == ["resume", "review"]
    assert _complete(script, ["codex", "e", "review", "--ba"]) == ["--base"]
    assert _complete(script, ["codex", "exec", "review", "--un"]) == ["--uncommitted"]
    assert _complete(script, ["codex", "exec", "resume", "--la"]) == ["--last"]
    assert {"bash", "zsh", "fish"} <= set(_complete(script, ["codex", "completion", ""]))
    assert _complete(script, ["codex", "review", "--com"]) == ["--commit"]
    assert _complete(script, ["codex", "mcp", "log"]) == ["login", "logout"]
    assert _complete(script, ["codex", "undo", "--re"]) == ["--redo"]
    assert _complete(script, ["codex", "batch", "--ra"]) == ["--ray"]
    assert _complete(script, ["codex", "exp"]) == ["export"]
    assert {"list", "enable", "disable"} <= set(_complete(script, ["codex", "features", ""]))
    assert _complete(script, ["codex", "a", "--la"]) == ["--last"]


def test_zsh_and_fish_reach_exec_review(run_codex: RunCodex, tmp_path: Path) -> None:
    shells = [shell for shell in ("zsh", "fish") if shutil.which(shell)]
    if not shells:
        pytest.skip("neither zsh nor fish is installed")
    for shell in shells:
        script = tmp_path / f"codex.{shell}"
        script.write_text(run_codex("completion", shell).stdout)
        if shell == "zsh":
            program = (
                "compdef() { :; }; compadd() { print -l -- ${(P)2}; }; "
                f"source {script}; words=(codex exec review --ba); CURRENT=4; _codex"
            )
            argv = ["zsh", "-f", "-c", program]
        else:
            argv = [
                "fish",
                "--no-config",
                "-c",
                f"source {script}; complete -C 'codex exec review --ba'",
            ]
        done = subprocess.run(argv, capture_output=True, text=True, check=True, cwd=tmp_path)
        offered = [row.split("\t")[0] for row in done.stdout.splitlines()]
        assert "--base" in offered, (shell, offered)


def _elvish_completer(script: str, lines: list[list[str]]) -> list[list[str]]:
    """Run the elvish script's completer in a real (non-interactive) elvish for each command
    line. Outside the interactive editor the `edit:` module does not exist, so its two
    functions are stood in for by ones that print the candidate (or FILES for a file name)
    and the completer is bound to a variable instead of the editor's table: the walk, the maps
    and the candidates are the script's own."""
    program = script.replace("set edit:completion:arg-completer[codex] =", "var completer =")
    program = program.replace("edit:complex-candidate", "cand")
    program = program.replace("edit:complete-filename", "file-cand")
    calls = "".join(
        "echo '---'\n$completer " + " ".join(f"'{w}'" for w in words) + "\n" for words in lines
    )
    program = "fn cand {|w &display=''| echo $w }\nfn file-cand {|w| echo FILES }\n" + program
    done = subprocess.run(
        ["elvish", "-norc", "/dev/stdin"],
        input=program + calls,
        capture_output=True,
        text=True,
        check=True,
    )
    return [block.split() for block in done.stdout.split("---\n")[1:]]


def test_elvish_round_trip(run_codex: RunCodex) -> None:
    if shutil.which("elvish") is None:
        pytest.skip("elvish is not installed")
    script = run_codex("completion", "elvish").stdout
    top, exec_, value, after_value, nested = _elvish_completer(
        script,
        [
            ["codex", ""],
            ["codex", "exec", ""],
            ["codex", "exec", "--model", ""],
            ["codex", "-m", "gpt", "exec", ""],
            ["codex", "-c", "a=b", "mcp", ""],
        ],
    )
    assert {"exec", "mcp", "completion", "--model"} <= set(top)
    assert {"resume", "review", "--json"} <= set(exec_)
    assert value == ["FILES"]  # an option's value: files, not the command's words
    assert "--json" in after_value
    assert {"add", "list"} <= set(nested)


def test_powershell_tables_follow_the_tree(run_codex: RunCodex) -> None:
    """No PowerShell here to run it: check that the script's three tables are the tree's
    (every subcommand step, every value flag, every command's offers) and that each quoted
    literal is closed (PowerShell doubles an embedded quote)."""
    script = run_codex("completion", "powershell").stdout
    assert "Register-ArgumentCompleter -Native -CommandName 'codex'" in script
    for node in walk(build_parser(None, every=True)):
        for name, (child, _) in node.children.items():
            assert f"'{node.ident},{name}' = '{child}'" in script
        for flag in node.value_flags:
            assert f"'{node.ident},{flag}' = 1" in script
        assert f"    '{node.ident}' = @(" in script
    for line in script.splitlines():
        assert line.count("'") % 2 == 0, line
