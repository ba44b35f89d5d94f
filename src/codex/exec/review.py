"""`codex exec review` / `codex review` in the exec front end: take the review flags out of exec's
PROMPT remainder, resolve the target in core (codex.core.review), and show the model's verdict
as 0.169 does (the rendered findings replace the raw JSON answer, on stdout and under --json).

The target flags are stripped here rather than declared on exec's parser because exec's grammar
keeps everything after its options as a free remainder (see codex.exec.args)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from codex.errors import UsageError

# 0.169's message (exit 1) when no target is named; scripts match it.
NO_TARGET = "Specify --uncommitted, --base, --commit, or provide custom review instructions"
_VALUED = {"--base": "base", "--commit": "commit", "--title": "title"}


@dataclass(slots=True)
class ReviewFlags:
    uncommitted: bool = False
    base: str | None = None
    commit: str | None = None
    title: str | None = None


def split_review_flags(words: list[str]) -> tuple[ReviewFlags, list[str]]:
    """(the review flags, the other words) from what follows `review`; `--` ends the flags."""
    flags = ReviewFlags()
    rest: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word == "--":
            rest.extend(words[i:])
            break
        name, eq, inline = word.partition("=")
        if word == "--uncommitted":
            flags.uncommitted = True
        elif name in _VALUED:
            if eq:
                value = inline
            elif i + 1 < len(words):
                i += 1
                value = words[i]
            else:
                raise UsageError(f"{name} needs a value")
            setattr(flags, _VALUED[name], value)
        else:
            rest.append(word)
        i += 1
    # Conflicts between the flags and PROMPT are checked once the PROMPT is known
    # (codex.core.review.check_target_flags).
    return flags, rest


def wrap_processor(processor: Any) -> Any:
    """The exec processor with the review turn's final answer rendered for people."""
    return _ReviewProcessor(processor)


class _ReviewProcessor:
    """Delegates to the real processor, rewriting the agent message and the final answer."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @property
    def handled(self) -> frozenset[str]:
        return self._inner.handled

    def render(self, msg: Any) -> Any:
        from codex.core.review import render_text

        kind = msg.get("type")
        if kind == "agent_message" and isinstance(msg.get("message"), str):
            msg = {**msg, "message": render_text(msg["message"])}
        elif kind == "task_complete" and isinstance(msg.get("last_agent_message"), str):
            msg = {**msg, "last_agent_message": render_text(msg["last_agent_message"])}
        return self._inner.render(msg)

    def finish(self, last_agent_message: str | None) -> Any:
        from codex.core.review import render_text

        final = render_text(last_agent_message) if last_agent_message is not None else None
        return self._inner.finish(final)
