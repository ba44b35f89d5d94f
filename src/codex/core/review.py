"""Code review, front-end neutral: which change to review (a `ReviewTarget`), the instructions and
user message a review turn sends, and the model's structured verdict parsed and rendered.

Front ends (`codex review`, `codex exec review`, later the TUI's /review and app-server
`review/start`) resolve a target here, run one turn with `review_instructions()` as the developer
message and `target.prompt` as the user message, then hand the final answer to `parse_result` and
`render_result`. The instruction text is ours; only its contract (the JSON shape below) follows
upstream, so a model tuned for upstream's reviewer answers the same way.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codex.errors import CodexError, UsageError

# The verdict shape the model is asked for (and that `parse_result` reads).
RESULT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "findings": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "title": {"type": "string"},
                    "body": {"type": "string"},
                    "confidence_score": {"type": "number"},
                    "priority": {"type": "integer"},
                    "code_location": {
                        "type": "object",
                        "properties": {
                            "absolute_file_path": {"type": "string"},
                            "line_range": {
                                "type": "object",
                                "properties": {
                                    "start": {"type": "integer"},
                                    "end": {"type": "integer"},
                                },
                            },
                        },
                    },
                },
            },
        },
        "overall_correctness": {"type": "string"},
        "overall_explanation": {"type": "string"},
        "overall_confidence_score": {"type": "number"},
    },
}

_INSTRUCTIONS = """# How to review

You review a code change someone else wrote. Report only problems the author would want to fix
before merging: real bugs, security holes, broken behaviour, clear performance regressions,
missing error handling that will bite. Skip style nits, speculation, and anything that was already
wrong before this change.

For every problem:
- point at the smallest span of lines that shows it, in a file the change touches;
- say concretely what breaks and when, in a short plain paragraph (no more than one small code
  snippet);
- rank it: priority 0 (blocks release) to 3 (minor); title it "[P<priority>] <summary>" in under
  80 characters;
- give your confidence that it is a real problem, from 0.0 to 1.0.

You may run read-only commands (git diff, git show, cat, grep) to see the change and its context.
Do not modify any file.

Finally judge the whole change: "patch is correct" when nothing you found blocks it, otherwise
"patch is incorrect", with a one to three sentence explanation and a confidence score.

# Answer format

Answer with ONE JSON object and nothing else (no Markdown fence), of this shape:

{
  "findings": [
    {
      "title": "<= 80 chars, imperative>",
      "body": "<what is wrong and why>",
      "confidence_score": <float 0.0-1.0>,
      "priority": <int 0-3>,
      "code_location": {
        "absolute_file_path": "<absolute path of the file>",
        "line_range": {"start": <int>, "end": <int>}
      }
    }
  ],
  "overall_correctness": "patch is correct" | "patch is incorrect",
  "overall_explanation": "<1-3 sentences>",
  "overall_confidence_score": <float 0.0-1.0>
}

An empty "findings" list is a valid answer when the change has no problem worth reporting.
"""


def review_instructions() -> str:
    """The developer message of a review turn: how to review and the JSON answer contract."""
    return _INSTRUCTIONS


def review_settings() -> dict[str, str]:
    """The config values of every review run, whichever front end starts it (as `-c` values):
    the review instructions, and no web search (0.169's review requests offer no web_search
    tool; the reviewer reads the diff, not the web)."""
    return {"developer_instructions": _INSTRUCTIONS, "web_search": "disabled"}


@dataclass(frozen=True, slots=True)
class ReviewTarget:
    """What to review, resolved against the repository: `prompt` is the user message naming the
    diff, `hint` the short label front ends show (0.169: `changes against 'main'`)."""

    kind: str  # "uncommitted" | "base" | "commit" | "custom"
    prompt: str
    hint: str
    branch: str | None = None
    merge_base: str | None = None
    sha: str | None = None


def check_target_flags(
    *, uncommitted: bool, base: str | None, commit: str | None, title: str | None, prompt: bool
) -> None:
    """0.169's argument rules, a usage error (exit 2) before anything runs: `--uncommitted`,
    `--base`, `--commit` and custom instructions name one target each, so any two conflict;
    `--title` alone asks for the `--commit` it titles."""
    given = [
        name
        for name, on in (
            ("--uncommitted", uncommitted),
            ("--base <BRANCH>", base is not None),
            ("--commit <SHA>", commit is not None),
            ("[PROMPT]", prompt),
        )
        if on
    ]
    if len(given) > 1:
        raise UsageError(f"the argument '{given[0]}' cannot be used with '{given[1]}'")
    if title is not None and not given:
        raise UsageError("the following required arguments were not provided: --commit <SHA>")


def _git(cwd: Path, *args: str) -> str | None:
    """stdout of a git command, or None when it fails (a bad ref, not a repository)."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def resolve_target(
    cwd: Path,
    *,
    uncommitted: bool = False,
    base: str | None = None,
    commit: str | None = None,
    title: str | None = None,
    instructions: str | None = None,
) -> ReviewTarget:
    """The target the flags name. A branch or commit git cannot resolve is a `CodexError`
    (one line, exit 1) before any model request: reviewing a diff that does not exist would
    only spend tokens on a confused model."""
    if base is not None:
        if _git(cwd, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}") is None:
            raise CodexError(f"review: base branch {base!r} not found", exit_code=1)
        merge_base = _git(cwd, "merge-base", "HEAD", base)
        if not merge_base:
            raise CodexError(f"review: no merge base between HEAD and {base!r}", exit_code=1)
        prompt = (
            f"Review the changes on the current branch relative to base branch '{base}'. "
            f"They diverged at merge-base commit {merge_base}; see them with "
            f"`git diff {merge_base}`. Report prioritized, actionable findings."
        )
        return ReviewTarget(
            "base", prompt, f"changes against '{base}'", branch=base, merge_base=merge_base
        )
    if commit is not None:
        sha = _git(cwd, "rev-parse", "--verify", "--quiet", f"{commit}^{{commit}}")
        if not sha:
            raise CodexError(f"review: commit {commit!r} not found", exit_code=1)
        named = f' ("{title}")' if title else ""
        prompt = (
            f"Review the changes made by commit {sha}{named}; see them with `git show {sha}`. "
            "Report prioritized, actionable findings."
        )
        hint = f"commit {sha[:7]}: {title}" if title else f"commit {sha[:7]}"
        return ReviewTarget("commit", prompt, hint, sha=sha)
    if instructions is not None:
        return ReviewTarget("custom", instructions, instructions)
    del uncommitted  # the default target
    prompt = (
        "Review the uncommitted changes in this repository (staged, unstaged and untracked "
        "files; `git status` and `git diff HEAD` show them). Report prioritized, actionable "
        "findings."
    )
    return ReviewTarget("uncommitted", prompt, "current changes")


@dataclass(slots=True)
class Finding:
    title: str
    body: str
    path: str
    start: int
    end: int
    priority: int | None = None
    confidence_score: float | None = None


@dataclass(slots=True)
class ReviewResult:
    """The model's verdict. `raw` is set (and `findings` empty) when the answer was not the
    JSON asked for: the front end then shows the text as it came."""

    findings: list[Finding] = field(default_factory=list)
    overall_correctness: str = ""
    overall_explanation: str = ""
    overall_confidence_score: float | None = None
    raw: str | None = None


def _json_object(text: str) -> dict[str, Any] | None:
    """The JSON object in `text`: whole, or the outermost braces (models sometimes fence it)."""
    for candidate in (text, text[text.find("{") : text.rfind("}") + 1]):
        try:
            value = json.loads(candidate)
        except (ValueError, TypeError):
            continue
        if isinstance(value, dict):
            return value
    return None


def _int(value: Any, default: int = 0) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def parse_result(text: str) -> ReviewResult:
    """The final answer of a review turn as a `ReviewResult` (never raises)."""
    obj = _json_object(text.strip())
    if obj is None:
        return ReviewResult(raw=text)
    findings = []
    for item in obj.get("findings") or []:
        if not isinstance(item, dict):
            continue
        loc: dict[str, Any] = _mapping(item.get("code_location"))
        rng: dict[str, Any] = _mapping(loc.get("line_range"))
        conf = item.get("confidence_score")
        findings.append(
            Finding(
                title=str(item.get("title", "")),
                body=str(item.get("body", "")),
                path=str(loc.get("absolute_file_path", "")),
                start=_int(rng.get("start")),
                end=_int(rng.get("end")),
                priority=_int(item.get("priority"), -1) if "priority" in item else None,
                confidence_score=float(conf) if isinstance(conf, int | float) else None,
            )
        )
    score = obj.get("overall_confidence_score")
    return ReviewResult(
        findings=findings,
        overall_correctness=str(obj.get("overall_correctness", "")),
        overall_explanation=str(obj.get("overall_explanation", "")),
        overall_confidence_score=float(score) if isinstance(score, int | float) else None,
    )


def render_result(result: ReviewResult) -> str:
    """The verdict as 0.169 prints it (stdout, and the `agent_message` text under --json): the
    overall explanation, then `Review comment(s):` with one `- TITLE — PATH:START-END` entry and
    its indented body per finding."""
    if result.raw is not None:
        return result.raw
    parts = [result.overall_explanation] if result.overall_explanation else []
    if result.findings:
        lines = ["Review comment:" if len(result.findings) == 1 else "Review comments:", ""]
        for f in result.findings:
            lines.append(f"- {f.title} — {f.path}:{f.start}-{f.end}")
            lines.extend(f"  {line}" for line in f.body.splitlines())
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def render_text(text: str) -> str:
    """`parse_result` then `render_result`: a review turn's final answer as shown to people."""
    return render_result(parse_result(text))
