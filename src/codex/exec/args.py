"""The `codex exec` flag set (spec-core §4.1, plus what the TypeScript SDK passes) and its
validation into one `ExecRequest` (codex.exec.request). Only argparse at import: this runs before
any heavy import, and `codex exec --help` must stay cheap (dataclasses and pathlib, ~10 ms, are
imported only once the flags are validated).

Upstream accepts exec options anywhere, including after `resume <id>` (the SDK puts `--image`
there), and a prompt after the options. argparse cannot mix a free positional with a
subcommand, so the exec parser takes everything from the first positional on as a remainder
and `parse_rest` re-parses it with the same options (intermixed), where `resume` is recognised.
"""

from __future__ import annotations

import argparse

from codex._hook_trust_flag import BYPASS_HOOK_TRUST_HELP
from codex.errors import UsageError

TYPE_CHECKING = False  # not `typing`: `codex exec --help` does not need it (as cli/exec.py)
if TYPE_CHECKING:
    from pathlib import Path

    from codex.exec.request import ExecRequest

SANDBOX_MODES = ("read-only", "workspace-write", "danger-full-access")
COLOR_MODES = ("always", "never", "auto")


def add_options(parser: argparse.ArgumentParser, *, again: bool = False) -> None:
    """The exec options. `again` builds the re-parser: same flags, defaults suppressed so values
    seen before the prompt survive, list options accumulated by the caller."""
    dflt = argparse.SUPPRESS if again else None
    lst = argparse.SUPPRESS if again else []
    hidden = argparse.SUPPRESS
    p = parser.add_argument
    p(
        "-i",
        "--image",
        dest="images",
        action="append",
        default=lst,
        metavar="FILE",
        help="Attach image(s) to the prompt (repeatable, or comma-separated)",
    )
    p("-m", "--model", default=dflt, metavar="MODEL", help="Model the agent should use")
    p(
        "--oss",
        action="store_true",
        default=dflt or False,
        help="Use a local model: --local-provider, else config oss_provider, else the "
        "embedded llama.cpp runtime when `codex models pull` installed a model and the "
        "`local` extra is installed, else Ollama. Without --oss codex never picks a local "
        "model by itself",
    )
    p(
        "--local-provider",
        default=dflt,
        choices=("lmstudio", "ollama", "embedded"),
        help="Local provider for --oss (embedded: codex runs llama.cpp itself)",
    )
    p(
        "-s",
        "--sandbox",
        dest="sandbox_mode",
        default=dflt,
        choices=SANDBOX_MODES,
        help="Sandbox policy for model-generated commands (default: read-only)",
    )
    p(
        "--full-auto",
        action="store_true",
        default=dflt or False,
        help="Low-friction sandboxed automatic execution (--sandbox workspace-write)",
    )
    p(
        "--dangerously-bypass-approvals-and-sandbox",
        "--yolo",
        dest="yolo",
        action="store_true",
        default=dflt or False,
        help="Run every command without a sandbox. EXTREMELY DANGEROUS",
    )
    p(
        "--dangerously-bypass-hook-trust",
        dest="bypass_hook_trust",
        action="store_true",
        default=dflt or False,
        help=BYPASS_HOOK_TRUST_HELP,
    )
    p("-C", "--cd", default=dflt, metavar="DIR", help="Use DIR as the agent's working root")
    p(
        "--add-dir",
        dest="add_dirs",
        action="append",
        default=lst,
        metavar="DIR",
        help="Additional writable directory (workspace-write); repeatable",
    )
    p(
        "--skip-git-repo-check",
        action="store_true",
        default=dflt or False,
        help="Allow running outside a Git repository",
    )
    p("--ephemeral", action="store_true", default=dflt or False, help="Do not persist the session")
    p(
        "--output-schema",
        default=dflt,
        metavar="FILE",
        help="JSON Schema file describing the model's final response shape",
    )
    p("--color", default=dflt, choices=COLOR_MODES, help="When to colour output (default: auto)")
    p("--json", action="store_true", default=dflt or False, help="Print events to stdout as JSONL")
    p(
        "--experimental-json",
        dest="json",
        action="store_true",
        default=argparse.SUPPRESS,
        help=hidden,
    )
    p(
        "-o",
        "--output-last-message",
        default=dflt,
        metavar="FILE",
        help="Write the agent's last message to FILE",
    )
    p(
        "--ignore-user-config",
        action="store_true",
        default=dflt or False,
        help="Do not load $CODEX_HOME/config.toml (auth still uses CODEX_HOME; a file named by "
        "--config-file is still read)",
    )
    p(
        "--ignore-rules",
        action="store_true",
        default=dflt or False,
        help="Do not load execpolicy .rules files from $CODEX_HOME/rules",
    )
    p(
        "--input-format",
        default=dflt,
        choices=("text", "stream-json"),
        help="stream-json (with --json): a multi-turn conversation, one JSON user message per "
        'stdin line ({"type":"user","message":{...}} or {"prompt":...}); EOF ends it',
    )
    # Passed by the TypeScript SDK; accepted so it works unchanged.
    p("--thread-source", default=dflt, help=hidden)
    p("--cyber-access-program", default=dflt, help=hidden)


def add_positional(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "rest",
        nargs=argparse.REMAINDER,
        metavar="PROMPT",
        help="Instructions for the agent; omit or `-` to read them from stdin. Given with piped "
        "stdin, the pipe's content is appended as a <stdin> block. "
        "`resume [SESSION_ID | --last] [PROMPT]` continues a recorded session",
    )


def _reparser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="codex exec", add_help=False)
    add_options(parser, again=True)
    parser.add_argument("--last", action="store_true", default=argparse.SUPPRESS)
    parser.add_argument("--all", action="store_true", default=argparse.SUPPRESS)
    parser.add_argument("-c", "--config", dest="config_again", action="append", default=[])
    parser.add_argument("-p", "--profile", dest="profile_again", default=None)
    # The global feature options, also accepted after the prompt (as upstream's exec takes them).
    for flag, on in (("--enable", True), ("--disable", False)):
        parser.add_argument(
            flag, dest="features_again", action="append", default=[], type=_feature_toggle(on)
        )
    parser.add_argument("--strict-config", dest="strict_again", action="store_true", default=False)
    parser.add_argument("words", nargs="*")
    return parser


def _feature_toggle(on: bool):  # -> an argparse `type`: FEATURE -> (FEATURE, on)
    return lambda name: (name.strip(), on)


def parse_rest(args: argparse.Namespace) -> ExecRequest:
    """Merge the options given before the prompt with those after it; decide the mode."""
    ns = vars(args)
    merged = {k: v for k, v in ns.items() if k != "rest"}
    images = list(ns.get("images") or [])
    add_dirs = list(ns.get("add_dirs") or [])
    words: list[str] = []
    extra_config: list[str] = []
    profile = None
    feature_toggles: list[tuple[str, bool]] = []
    strict_config = False
    resume_last = False
    rest = list(ns.get("rest") or [])
    if rest:
        if rest[0] == "--":
            rest = rest[1:]
        again = _reparser().parse_intermixed_args(rest)
        for key, value in vars(again).items():
            if key == "images":
                images += value
            elif key == "add_dirs":
                add_dirs += value
            elif key == "config_again":
                extra_config += value
            elif key == "profile_again":
                profile = value
            elif key == "features_again":
                feature_toggles += value
            elif key == "strict_again":
                strict_config = bool(value)
            elif key == "last":
                resume_last = bool(value)
            elif key == "words":
                words = list(value)
            elif key != "all":
                merged[key] = value
    from codex.config.overrides import check_sandbox_flags
    from codex.exec.request import ExecRequest

    check_sandbox_flags(bool(merged.get("full_auto")), bool(merged.get("yolo")))
    sandbox_mode = merged.get("sandbox_mode")
    if merged.get("yolo"):
        sandbox_mode = "danger-full-access"
    elif merged.get("full_auto"):
        sandbox_mode = "workspace-write"
    request = ExecRequest(
        prompt=None,
        images=[p for chunk in images for p in chunk.split(",") if p],
        model=merged.get("model"),
        oss=bool(merged.get("oss")),
        local_provider=merged.get("local_provider"),
        sandbox_mode=sandbox_mode,
        cd=merged.get("cd"),
        add_dirs=add_dirs,
        skip_git_repo_check=bool(merged.get("skip_git_repo_check")),
        ephemeral=bool(merged.get("ephemeral")),
        output_schema=merged.get("output_schema"),
        color=merged.get("color") or "auto",
        json=bool(merged.get("json")),
        output_last_message=merged.get("output_last_message"),
        extra_config=extra_config,
        profile=profile,
        feature_toggles=feature_toggles,
        strict_config=strict_config,
        ignore_user_config=bool(merged.get("ignore_user_config")),
        ignore_rules=bool(merged.get("ignore_rules")),
        input_format=merged.get("input_format") or "text",
        bypass_hook_trust=bool(merged.get("bypass_hook_trust")),
    )
    prompt_before: str | None = None
    if len(words) >= 2 and words[0] != "resume" and words[1] == "resume":
        # `codex exec "p" resume --last`: a prompt given before the subcommand.
        prompt_before, words = words[0], words[1:]
    if words and words[0] == "resume":
        request.resume = True
        words = words[1:]
        if prompt_before is not None:
            words = [*words, prompt_before] if not resume_last else [prompt_before, *words]
        request.resume_last = resume_last
        if resume_last:
            # With --last the first positional is the prompt, not an id.
            if len(words) > 1:
                raise UsageError("codex exec resume --last takes at most one PROMPT")
            request.prompt = words[0] if words else None
        else:
            if not words:
                raise UsageError("codex exec resume needs a SESSION_ID or --last")
            if len(words) > 2:
                raise UsageError("codex exec resume takes SESSION_ID and at most one PROMPT")
            request.resume_id = words[0]
            request.prompt = words[1] if len(words) > 1 else None
    else:
        if resume_last:
            raise UsageError("--last is only valid with `codex exec resume`")
        if len(words) > 1:
            raise UsageError(
                'codex exec takes one PROMPT argument; quote it, e.g. codex exec "fix the bug"'
            )
        request.prompt = words[0] if words else None
    if request.input_format == "stream-json":
        if not request.json:
            raise UsageError("--input-format stream-json requires --json")
        if request.prompt is not None:
            raise UsageError("--input-format stream-json reads the prompts from stdin; drop PROMPT")
    return request


def resolve_dir(value: str, base: Path) -> Path:
    """`-C`/`--add-dir` values: absolute against `base`, canonicalized, must be a directory."""
    from pathlib import Path

    path = Path(value).expanduser()
    if not path.is_absolute():
        path = base / path
    try:
        resolved = path.resolve(strict=True)
    except OSError as err:
        raise UsageError(f"cannot use directory {value}: {err.strerror or err}") from None
    if not resolved.is_dir():
        raise UsageError(f"cannot use directory {value}: not a directory")
    return resolved
