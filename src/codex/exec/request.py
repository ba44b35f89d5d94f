"""`ExecRequest`: everything `codex exec` was asked to do, as `codex.exec.args.parse_rest` validated
it. Its own module so that building `codex exec --help` never imports dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class ExecRequest:
    """Everything `codex exec` was asked to do, validated, with no I/O done yet."""

    prompt: str | None  # None: read stdin; "-": read stdin explicitly
    images: list[str] = field(default_factory=list)
    model: str | None = None
    oss: bool = False
    local_provider: str | None = None
    sandbox_mode: str | None = None
    cd: str | None = None
    add_dirs: list[str] = field(default_factory=list)
    skip_git_repo_check: bool = False
    ephemeral: bool = False
    output_schema: str | None = None
    color: str = "auto"
    json: bool = False
    output_last_message: str | None = None
    resume: bool = False
    resume_last: bool = False
    resume_id: str | None = None
    extra_config: list[str] = field(default_factory=list)
    profile: str | None = None
    feature_toggles: list[tuple[str, bool]] = field(default_factory=list)  # after the prompt
    strict_config: bool = False  # --strict-config given after the prompt
    ignore_user_config: bool = False
    ignore_rules: bool = False
    bypass_hook_trust: bool = False  # --dangerously-bypass-hook-trust
    input_format: str = "text"  # "stream-json": user turns as JSONL on stdin (exec/stream_input)
    review: object | None = None  # `exec review`: a codex.exec.review.ReviewFlags
