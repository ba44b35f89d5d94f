"""`codex review`: a non-interactive code review, `codex exec review` under another name (as in
0.169). The target flags are declared here so `codex review --base main` parses; the run is
exec's (codex.exec.review maps the verdict)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from codex.cli.context import CliContext
    from codex.exec.review import ReviewFlags


def add_target_options(parser: argparse.ArgumentParser) -> None:
    """The review target flags (0.169's names and help)."""
    parser.add_argument(
        "--uncommitted",
        action="store_true",
        help="Review staged, unstaged, and untracked changes",
    )
    parser.add_argument(
        "--base", metavar="BRANCH", help="Review changes against the given base branch"
    )
    parser.add_argument("--commit", metavar="SHA", help="Review the changes introduced by a commit")
    parser.add_argument(
        "--title", metavar="TITLE", help="Optional commit title to display in the review summary"
    )


def configure(parser: argparse.ArgumentParser) -> None:
    import argparse

    from codex.exec.args import add_options

    add_target_options(parser)
    add_options(parser)
    parser.add_argument(
        "rest",
        nargs=argparse.REMAINDER,
        metavar="PROMPT",
        help="Custom review instructions. If `-` is used, read from stdin",
    )


def review_parser(prog: str) -> argparse.ArgumentParser:
    """The help of `codex exec review` (its words are parsed by codex.exec.review)."""
    import argparse

    from codex.cli.main import add_global_options

    parser = argparse.ArgumentParser(
        prog=prog, description="Run a code review against the current repository"
    )
    add_global_options(parser)
    configure(parser)
    return parser


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from codex.cli.exec import run_request
    from codex.exec.args import parse_rest
    from codex.exec.review import ReviewFlags, split_review_flags

    flags = ReviewFlags(
        uncommitted=bool(args.uncommitted), base=args.base, commit=args.commit, title=args.title
    )
    more, args.rest = split_review_flags(list(args.rest or []))
    for name in ("base", "commit", "title"):
        if getattr(more, name) is not None:
            setattr(flags, name, getattr(more, name))
    flags.uncommitted = flags.uncommitted or more.uncommitted
    request = parse_rest(args)
    check_flags(flags, request.prompt)
    request.review = flags
    return run_request(request, ctx)


def check_flags(flags: ReviewFlags, prompt: str | None) -> None:
    """0.169's conflicts between the target flags and PROMPT (`codex review` and `exec review`)."""
    from codex.core.review import check_target_flags

    check_target_flags(
        uncommitted=flags.uncommitted,
        base=flags.base,
        commit=flags.commit,
        title=flags.title,
        prompt=prompt is not None,
    )
