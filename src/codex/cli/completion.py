"""`codex completion [bash|zsh|fish|elvish|powershell]`: a shell completion script generated
from our own argparse tree, so every subcommand and flag (including ones added later) is
completed without a hand-maintained list. The official CLI's clap_complete scripts cannot be
reused: their option tables describe the Rust CLI, not ours.

Every script has the same shape: walk the words typed so far, descending into a subcommand when
its name (or alias) appears and skipping the value of an option that takes one, then offer the
flags, subcommands and positional choices of the command reached.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from codex.cli.context import CliContext
from codex.errors import UsageError

SHELLS = ("bash", "zsh", "fish", "elvish", "powershell")
# An attribute a positional's action may carry: the words to offer for it (see configure()).
COMPLETION_WORDS = "codex_completion_words"


def configure(parser: argparse.ArgumentParser) -> None:
    shell = parser.add_argument(
        "shell",
        nargs="?",
        default="bash",
        metavar="SHELL",
        help="Shell to generate completions for: bash (default), zsh, fish, elvish or powershell",
    )
    # Offered by the scripts (`codex completion <TAB>`) without argparse's `choices`, whose
    # error would be argparse's multi-line usage instead of run()'s one line.
    setattr(shell, COMPLETION_WORDS, SHELLS)


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    del ctx
    if args.shell not in SHELLS:
        raise UsageError(f"invalid shell {args.shell!r} (possible values: {', '.join(SHELLS)})")
    from codex.cli.main import build_parser

    nodes = walk(build_parser(None, every=True))
    _merge_tui_options(nodes[0])
    sys.stdout.write(_GENERATORS[args.shell](nodes))
    return 0


class Node:
    """One command of the tree: its path id, and what may follow it."""

    __slots__ = ("children", "flags", "ident", "value_flags", "words")

    def __init__(self, ident: str) -> None:
        self.ident = ident
        # (flag, help) for every option string; value_flags: those consuming the next word.
        self.flags: list[tuple[str, str]] = []
        self.value_flags: list[str] = []
        # Subcommand name (alias too) -> (child ident, help); words: positional choices.
        self.children: dict[str, tuple[str, str]] = {}
        self.words: list[str] = []


def _ident(path: list[str]) -> str:
    return "__".join(part.replace("-", "_") for part in path)


def walk(parser: argparse.ArgumentParser, path: list[str] | None = None) -> list[Node]:
    """Every command in `parser`'s tree, parents before children. Reads argparse's actions
    (private attributes, but stable across 3.11-3.13) because that is the only full record."""
    path = path or ["codex"]
    node = Node(_ident(path))
    nodes = [node]
    for action in parser._actions:
        help_text = "" if action.help in (None, argparse.SUPPRESS) else str(action.help)
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            seen: dict[int, str] = {}
            for name, sub in action.choices.items():
                canonical = seen.setdefault(id(sub), name)
                child = _ident([*path, canonical])
                node.children[name] = (child, str(helps.get(canonical, "")))
                if canonical == name:
                    nodes.extend(walk(sub, [*path, name]))
            continue
        if action.option_strings:
            for flag in action.option_strings:
                node.flags.append((flag, help_text))
                if action.nargs != 0:
                    node.value_flags.append(flag)
        elif action.choices or hasattr(action, COMPLETION_WORDS):
            choices = action.choices or getattr(action, COMPLETION_WORDS)
            node.words.extend(str(choice) for choice in choices)
    for name, (sub, help_text) in _nested_parsers(parser).items():
        node.children[name] = (_ident([*path, name]), help_text)
        nodes.extend(walk(sub, [*path, name]))
    return nodes


def _nested_parsers(parser: argparse.ArgumentParser) -> dict[str, tuple[Any, str]]:
    """The sub-subcommands a command's own grammar takes from its free remainder rather than
    from argparse (`codex exec resume|review`: `parser.codex_words`, see codex.cli.exec), each
    with the parser its help is printed from, so their flags complete too."""
    words = getattr(parser, "codex_words", ())
    if not words:
        return {}
    from codex.cli.exec import resume_parser
    from codex.cli.review import review_parser

    found: dict[str, tuple[Any, str]] = {}
    for word in words:
        if word == "resume":
            sub = resume_parser()
        elif word == "review":
            sub = review_parser("codex exec review")
        else:
            continue
        found[word] = (sub, sub.description or "")
    return found


def _merge_tui_options(top: Node) -> None:
    """Bare `codex` is the TUI, parsed by codex.cli.tui rather than the command tree: its
    options (`-m`, `--full-auto`, ...) belong to the top level too."""
    from codex.cli import tui

    known = {flag for flag, _ in top.flags}
    tui_node = walk(tui.build_parser("new"))[0]
    top.flags.extend(item for item in tui_node.flags if item[0] not in known)
    top.value_flags.extend(flag for flag in tui_node.value_flags if flag not in known)


def _candidates(node: Node) -> list[str]:
    return [*node.children, *(flag for flag, _ in node.flags), *node.words]


def _bash(nodes: list[Node]) -> str:
    steps: list[str] = []
    for node in nodes:
        for name, (child, _) in node.children.items():
            steps.append(f'            "{node.ident},{name}") cmd="{child}" ;;')
        if node.value_flags:
            pats = "|".join(f'"{node.ident},{flag}"' for flag in node.value_flags)
            steps.append(f"            {pats}) skip=1 ;;")
    offers = [f'        {node.ident}) opts="{" ".join(_candidates(node))}" ;;' for node in nodes]
    return _BASH.format(steps="\n".join(steps), offers="\n".join(offers))


_BASH = """\
# bash completion for codex (codex-py): eval "$(codex completion bash)"
_codex() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" cmd="codex" opts="" skip=0 i w
    COMPREPLY=()
    for ((i = 1; i < COMP_CWORD; i++)); do
        w="${{COMP_WORDS[i]}}"
        if [[ $skip == 1 ]]; then
            skip=0
            continue
        fi
        case "${{cmd}},${{w}}" in
{steps}
        esac
    done
    if [[ $skip == 1 ]]; then
        return 0  # the value of an option: let bash complete files (-o default)
    fi
    case "$cmd" in
{offers}
    esac
    COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}}
complete -F _codex -o bashdefault -o default codex
"""


def _zsh_quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def _zsh(nodes: list[Node]) -> str:
    steps: list[str] = []
    for node in nodes:
        for name, (child, _) in node.children.items():
            steps.append(f"      ({node.ident},{name}) cmd={child} ;;")
        if node.value_flags:
            pats = "|".join(f"{node.ident},{flag}" for flag in node.value_flags)
            steps.append(f"      ({pats}) skip=1 ;;")
    offers = []
    for node in nodes:
        words = " ".join(_zsh_quote(word) for word in _candidates(node))
        offers.append(f"    ({node.ident}) opts=({words}) ;;")
    return _ZSH.format(steps="\n".join(steps), offers="\n".join(offers))


_ZSH = """\
#compdef codex
# zsh completion for codex (codex-py): put in $fpath as _codex, or eval "$(codex completion zsh)"
_codex() {{
  local cmd=codex skip=0 i w
  local -a opts
  for (( i = 2; i < CURRENT; i++ )); do
    w=${{words[i]}}
    if (( skip )); then
      skip=0
      continue
    fi
    case "$cmd,$w" in
{steps}
    esac
  done
  if (( skip )); then
    _files
    return
  fi
  case $cmd in
{offers}
  esac
  compadd -a opts
}}
if [[ "${{funcstack[1]}}" == "_codex" ]]; then
  _codex "$@"
else
  compdef _codex codex
fi
"""


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish(nodes: list[Node]) -> str:
    steps: list[str] = []
    lines: list[str] = []
    for node in nodes:
        for name, (child, help_text) in node.children.items():
            steps.append(f"            case {_fish_quote(node.ident + ',' + name)}")
            steps.append(f"                set cmd {child}")
            lines.append(
                f"complete -c codex -n '__codex_at {node.ident}' -a {_fish_quote(name)}"
                f" -d {_fish_quote(help_text)}"
            )
        if node.value_flags:
            pats = " ".join(_fish_quote(f"{node.ident},{flag}") for flag in node.value_flags)
            steps.append(f"            case {pats}")
            steps.append("                set skip 1")
        for flag, help_text in node.flags:
            kind = f"-l {flag[2:]}" if flag.startswith("--") else f"-s {flag[1:]}"
            needs = " -r" if flag in node.value_flags else ""
            lines.append(
                f"complete -c codex -n '__codex_at {node.ident}' {kind}{needs}"
                f" -d {_fish_quote(help_text)}"
            )
        for word in node.words:
            lines.append(f"complete -c codex -n '__codex_at {node.ident}' -a {_fish_quote(word)}")
    return _FISH.format(steps="\n".join(steps), lines="\n".join(lines))


_FISH = """\
# fish completion for codex (codex-py): codex completion fish | source
function __codex_path
    set -l cmd codex
    set -l skip 0
    for w in (commandline -opc)[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch "$cmd,$w"
{steps}
        end
    end
    echo $cmd
end

function __codex_at
    test (__codex_path) = $argv[1]
end

{lines}
"""


def _single_quote(text: str) -> str:
    """A single-quoted literal for elvish and PowerShell: both double an embedded quote."""
    return "'" + text.replace("'", "''") + "'"


def _walk_tables(nodes: list[Node], pair: str) -> tuple[list[str], list[str]]:
    """The (command, word) -> child map and the set of (command, value flag) pairs, as map
    entries spelled by `pair` (a format with the quoted key and value)."""
    steps = [
        pair.format(k=_single_quote(f"{node.ident},{name}"), v=_single_quote(child))
        for node in nodes
        for name, (child, _) in node.children.items()
    ]
    skips = [
        pair.format(k=_single_quote(f"{node.ident},{flag}"), v="1")
        for node in nodes
        for flag in node.value_flags
    ]
    return steps, skips


def _candidates_with_help(node: Node) -> list[tuple[str, str]]:
    return [
        *((name, help_text) for name, (_, help_text) in node.children.items()),
        *node.flags,
        *((word, "") for word in node.words),
    ]


def _elvish(nodes: list[Node]) -> str:
    steps, skips = _walk_tables(nodes, "&{k}={v}")
    offers = []
    for node in nodes:
        cands = " ".join(
            f"[{_single_quote(word)} {_single_quote(help_text)}]"
            for word, help_text in _candidates_with_help(node)
        )
        offers.append(f"  &{_single_quote(node.ident)}=[{cands}]")
    return _ELVISH.format(
        steps="\n  ".join(steps), skips="\n  ".join(skips), offers="\n".join(offers)
    )


_ELVISH = """\
# elvish completion for codex (codex-py): eval (codex completion elvish | slurp)
var codex-steps = [
  {steps}
]
var codex-skips = [
  {skips}
]
var codex-offers = [
{offers}
]
set edit:completion:arg-completer[codex] = {{|@words|
  var cmd = codex
  var skip = $false
  # Every word but the command and the one being completed.
  for w $words[1..(- (count $words) 1)] {{
    if $skip {{
      set skip = $false
      continue
    }}
    var key = $cmd','$w
    if (has-key $codex-steps $key) {{
      set cmd = $codex-steps[$key]
    }} elif (has-key $codex-skips $key) {{
      set skip = $true
    }}
  }}
  if $skip {{
    edit:complete-filename $words[-1]  # the value of an option
  }} else {{
    for pair $codex-offers[$cmd] {{
      edit:complex-candidate $pair[0] &display=$pair[0]'  '$pair[1]
    }}
  }}
}}
"""


def _powershell(nodes: list[Node]) -> str:
    steps, skips = _walk_tables(nodes, "{k} = {v}")
    offers = []
    for node in nodes:
        cands = ", ".join(
            f"@({_single_quote(word)}, {_single_quote(help_text or word)})"
            for word, help_text in _candidates_with_help(node)
        )
        offers.append(f"    {_single_quote(node.ident)} = @({cands})")
    return _POWERSHELL.format(
        steps="\n    ".join(steps), skips="\n    ".join(skips), offers="\n".join(offers)
    )


_POWERSHELL = """\
# PowerShell completion for codex (codex-py):
#   codex completion powershell | Out-String | Invoke-Expression
using namespace System.Management.Automation
$script:CodexSteps = @{{
    {steps}
}}
$script:CodexSkips = @{{
    {skips}
}}
$script:CodexOffers = @{{
{offers}
}}
Register-ArgumentCompleter -Native -CommandName 'codex' -ScriptBlock {{
    param($wordToComplete, $commandAst, $cursorPosition)
    $cmd = 'codex'
    $skip = $false
    $elements = $commandAst.CommandElements
    for ($i = 1; $i -lt $elements.Count; $i++) {{
        $element = $elements[$i]
        if ($element.Extent.StartOffset -ge $cursorPosition) {{ break }}
        if ($element.Extent.EndOffset -ge $cursorPosition -and $wordToComplete) {{ break }}
        if ($skip) {{ $skip = $false; continue }}
        $key = $cmd + ',' + $element.ToString()
        if ($script:CodexSteps.ContainsKey($key)) {{
            $cmd = $script:CodexSteps[$key]
        }} elseif ($script:CodexSkips.ContainsKey($key)) {{
            $skip = $true
        }}
    }}
    if ($skip) {{ return }}  # the value of an option: PowerShell completes paths
    foreach ($pair in $script:CodexOffers[$cmd]) {{
        if ($pair[0] -like "$wordToComplete*") {{
            $kind = if ($pair[0].StartsWith('-')) {{ [CompletionResultType]::ParameterName }}
                    else {{ [CompletionResultType]::ParameterValue }}
            [CompletionResult]::new($pair[0], $pair[0], $kind, $pair[1])
        }}
    }}
}}
"""

_GENERATORS = {
    "bash": _bash,
    "zsh": _zsh,
    "fish": _fish,
    "elvish": _elvish,
    "powershell": _powershell,
}
