"""/statusline, and the status line's items when `[tui] status_line` chooses them, as 0.169.

0.169's "Configure Status Line" (tests/fixtures/tui_official_0169/slash_statusline.txt) is the
searchable checklist of /title (codex.tui.ordered_checklist): space toggles, ←/→ move the
highlighted item, Enter saves `[tui] status_line = [...]` (in the order shown), Esc cancels; a
preview line joins the chosen items with " · ". Its default is model-with-reasoning,
current-dir, thread-name. The values, as 0.169 rendered them with every item on
(slash_statusline_all.txt, slash_statusline_tokens.txt): "GPT-5.5 default", the directory,
"GPT-5.5", the name, "default", "repo", the host name,
"master", "Ready", "Workspace", "Ask for approval", "Context 100% left", "Context 0% used",
"0.169.0", "258K window", "13K used" (omitted at zero), "12.3K in", "678 out", the thread id,
the title, "provider: mock". Token counts use 3 significant digits with K/M/G.

codex-py's own status line stays as it was while `[tui] status_line` is unset. 0.169's first row,
"Use theme colors" (`status_line_use_colors`), belongs to /theme, which codex-py does not have,
so it is not offered. Items codex-py has no value for (pull request, branch changes, usage
limits, credits, cost, service tier, Daybreak, raw output, workspace headline, task progress)
are listed with 0.169's descriptions and, like 0.169's "omitted when unavailable", show nothing.
The permission and approval labels other than "Workspace" / "Ask for approval" were not seen in
0.169 and are codex-py's wording.
"""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING, Any

from codex.tui.ordered_checklist import ChecklistSpec, open_checklist

if TYPE_CHECKING:
    from codex.tui.app import CodexApp
    from codex.tui.mapper import Status

ITEMS: tuple[tuple[str, str], ...] = (
    ("model-with-reasoning", "Current model name with reasoning level"),
    ("current-dir", "Current working directory"),
    ("thread-name", "Current thread name (omitted when unnamed)"),
    ("model", "Current model name"),
    ("reasoning", "Current reasoning level"),
    ("project-name", "Project name (omitted when unavailable)"),
    ("hostname", "Current machine hostname (omitted when unavailable)"),
    ("git-branch", "Current Git branch (omitted when unavailable)"),
    ("pull-request-number", "Open pull request number for the current branch"
     " (omitted when unavailable)"),
    ("branch-changes", "Committed branch changes against the default branch"
     " (omitted when unavailable)"),
    ("run-state", "Compact session run-state text (Ready, Working, Thinking)"),
    ("permissions", "Active permission profile or sandbox mode"),
    ("approval-mode", "Active command approval mode"),
    ("context-remaining", "Percentage of context window remaining (omitted when unknown)"),
    ("context-used", "Percentage of context window used (omitted when unknown)"),
    ("five-hour-limit", "Remaining usage on the primary usage limit (omitted when unavailable)"),
    ("weekly-limit", "Remaining usage on the secondary usage limit (omitted when unavailable)"),
    ("codex-version", "Codex application version"),
    ("context-window-size", "Total context window size in tokens (omitted when unknown)"),
    ("used-tokens", "Total tokens used in session (omitted when zero)"),
    ("total-input-tokens", "Total input tokens used in session"),
    ("total-output-tokens", "Total output tokens used in session"),
    ("thread-credits", "Estimated current-thread credits (omitted when unavailable)"),
    ("estimated-thread-cost", "Estimated current-thread cost in USD (omitted when unavailable)"),
    ("thread-id", "Current thread identifier (omitted until thread starts)"),
    ("fast-mode", "Effective processing tier for the current model"),
    ("daybreak", "Whether Daybreak is enabled for this thread"),
    ("raw-output", "Whether raw scrollback mode is active"),
    ("thread-title", "Current thread title, or thread identifier when unnamed"),
    ("workspace-headline", "Workspace notification headline (omitted when unavailable)"),
    ("task-progress", "Latest task progress from update_plan (omitted until available)"),
    ("profile", "Config profile selected with --profile (omitted when unset)"),
    ("provider", "Model provider for the active thread"),
)  # fmt: skip
DEFAULT = ("model-with-reasoning", "current-dir", "thread-name")
# The preview's stand-ins for values that are empty now (0.169's sample words).
SAMPLES = {"thread-name": "thread name", "git-branch": "feat/awesome-feature"}
# 0.169's "Configure Status Line" (codex.tui.ordered_checklist draws it).
CHECKLIST = ChecklistSpec(
    id_prefix="sl",
    head="Configure Status Line",
    subtitle="Select which items to display in the status line.",
    items=ITEMS,
    samples=SAMPLES,
    separator=" · ",
    config_key="status_line",
    noun="the status line",
)
PERMISSIONS = {
    "workspace-write": "Workspace",
    "read-only": "Read only",
    "danger-full-access": "Full access",
}
APPROVALS = {
    "on-request": "Ask for approval",
    "untrusted": "Ask for untrusted commands",
    "on-failure": "Ask on failure",
    "never": "Never ask",
}


def si(n: int) -> str:
    """A token count as 0.169 shows it: plain below 1000, else 3 significant digits and K, M or
    G ("12.3K", "258K"; a trailing ".0" dropped: 13023 is "13K")."""
    if n < 1000:
        return str(n)
    for scale, suffix in ((1_000, "K"), (1_000_000, "M"), (1_000_000_000, "G")):
        value = n / scale
        if round(value) < 1000 or suffix == "G":
            digits = 2 if value < 10 else 1 if value < 100 else 0
            text = f"{value:.{digits}f}"
            if "." in text:
                text = text.rstrip("0").rstrip(".")
            return text + suffix
    return str(n)  # (unreachable: G takes the rest)


def item_values(
    app: CodexApp, status: Status, items: list[str] | tuple[str, ...]
) -> dict[str, str]:
    """Each item's text now ("" = omitted)."""
    from codex.tui.title import git_branch, project_name

    cfg = app.options.config
    cwd = status.cwd or app.cwd
    left = status.context_left()
    effort = status.effort or "default"
    return {
        "model-with-reasoning": f"{status.model} {effort}",
        "current-dir": cwd,
        "thread-name": status.thread_name,
        "model": status.model,
        "reasoning": effort,
        "project-name": project_name(app.cwd),
        "hostname": socket.gethostname().split(".")[0] if "hostname" in items else "",
        "git-branch": git_branch(app.cwd) if "git-branch" in items else "",
        "run-state": "Working" if status.running else "Ready",
        "permissions": PERMISSIONS.get(status.sandbox, status.sandbox),
        "approval-mode": APPROVALS.get(status.approval, status.approval),
        "context-remaining": "" if left is None else f"Context {left}% left",
        "context-used": "" if left is None else f"Context {100 - left}% used",
        "codex-version": app.options.version,
        "context-window-size": f"{si(status.context_window)} window"
        if status.context_window
        else "",
        "used-tokens": f"{si(status.tokens_used)} used" if status.tokens_used else "",
        "total-input-tokens": f"{si(status.total_input_tokens)} in",
        "total-output-tokens": f"{si(status.total_output_tokens)} out",
        "thread-id": status.session_id,
        "thread-title": status.thread_name or status.session_id,
        "profile": getattr(cfg, "profile", None) or "",
        "provider": f"provider: {cfg.model_provider}" if cfg is not None else "",
    }


def chosen(app: CodexApp) -> list[str] | None:
    cfg = app.options.config
    items = getattr(getattr(cfg, "tui", None), "status_line", None) if cfg else None
    return None if items is None else list(items)


def configured_parts(widget: Any, status: Status) -> list[str] | None:
    """The status line's parts when `[tui] status_line` chooses them (None: unset, the widget
    keeps its own line)."""
    app: Any = getattr(widget, "app", None)
    options = getattr(app, "options", None)
    items = chosen(app) if options is not None else None
    if items is None:
        return None
    values = item_values(app, status, items)
    return [v for v in (values.get(item, "") for item in items) if v]


def open_statusline(app: CodexApp) -> None:
    current = chosen(app)
    values = item_values(app, app.mapper.status, [i for i, _ in ITEMS])
    open_checklist(app, CHECKLIST, list(DEFAULT) if current is None else current, values)
