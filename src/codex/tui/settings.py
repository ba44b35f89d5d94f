"""/model and /permissions (alias /approvals): pickers that change what the next turn runs with,
as 0.169 does. Both act through one Op, `OverrideTurnContext`, so the running session (and its
rollout's next turn context) switches without a restart.

/model lists the catalog (codex.core.model_catalog), then the chosen model's reasoning efforts:
Enter makes the choice the default (written to config.toml as `model` and
`model_reasoning_effort`, and used now), `s` uses it for this session only; the efforts that
spend limits faster (max, ultra) sit behind "More reasoning…" as in 0.169.

/permissions offers 0.169's presets: Ask for approval (workspace-write, on-request), Full Access
(danger-full-access, never) and Read Only (read-only, on-request). 0.169's fourth preset,
"Approve for me", hands approvals to an automatic reviewer that codex-py does not have, so it is
not offered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from codex.tui.choice import Choice, ChoiceScreen

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

MAIN_EFFORTS = ("low", "medium", "high", "xhigh")
MORE_EFFORTS = ("max", "ultra")
MORE = "__more__"
MORE_DESCRIPTIONS = {
    "max": "For difficult problems when quality matters more than speed · higher usage",
    "ultra": "Max reasoning that delegates parts of the task automatically · highest usage",
}


async def submit(app: CodexApp, op: Any) -> bool:
    if app.session is None:
        app.mapper.notice("The session is not ready yet.", "yellow")
        app.mark_dirty()
        return False
    await app.session.submit(op)
    return True


# ---- /model -------------------------------------------------------------------------------


def model_choices(current: str) -> tuple[list[Choice], int]:
    """The catalog's rows (the current model marked), and the row to highlight."""
    from codex.core.model_catalog import MODELS

    rows = [
        Choice(m.display_name + (" (current)" if m.slug == current else ""), m.description, m.slug)
        for m in MODELS
    ]
    if all(m.slug != current for m in MODELS) and current:
        rows.insert(0, Choice(f"{current} (current)", "", current))
    highlight = next((i for i, c in enumerate(rows) if c.value == current), 0)
    return rows, highlight


def effort_choices(slug: str, current: tuple[str, str | None]) -> tuple[list[Choice], int]:
    """The efforts of `slug` (0.169's labels, default and current marked), "More reasoning…"
    last when the model has any of the costly ones; and the row to highlight."""
    from codex.core.model_catalog import EFFORT_DESCRIPTIONS, EFFORT_LABELS, find_model

    info = find_model(slug)
    efforts = info.efforts if info else MAIN_EFFORTS[:3]
    default = info.default_effort if info else "medium"
    rows: list[Choice] = []
    for effort in efforts:
        if effort in MORE_EFFORTS:
            continue
        label = EFFORT_LABELS[effort]
        label += " (default)" if effort == default else ""
        label += " (current)" if (slug, effort) == current else ""
        rows.append(Choice(label, EFFORT_DESCRIPTIONS[effort], effort))
    more = [e for e in efforts if e in MORE_EFFORTS]
    if more:
        names = " and ".join(EFFORT_LABELS[e] for e in more)
        verb = "consume" if len(more) > 1 else "consumes"
        rows.append(Choice("More reasoning…", f"{names} {verb} usage limits faster", MORE))
    wanted = current[1] if current[0] == slug else default
    highlight = next((i for i, c in enumerate(rows) if c.value == wanted), 0)
    if wanted in more:
        highlight = len(rows) - 1
    return rows, highlight


def model_screen(current: str) -> ChoiceScreen:
    rows, highlight = model_choices(current)
    return ChoiceScreen("Select Model and Effort", rows, highlight=highlight)


def open_model_picker(app: CodexApp) -> None:
    async def chosen(answer: tuple[Any, str] | None) -> None:
        if answer is not None:
            open_effort_picker(app, str(answer[0]))

    app.push_screen(model_screen(app.mapper.status.model), chosen)


def _effort_footer(choice: Choice) -> str:
    return (
        "enter select · esc back"
        if choice.value == MORE
        else "enter default · s session · esc back"
    )


def effort_screen(slug: str, current: tuple[str, str | None]) -> ChoiceScreen:
    from codex.core.model_catalog import find_model

    info = find_model(slug)
    name = info.display_name if info else slug
    rows, highlight = effort_choices(slug, current)
    return ChoiceScreen(
        f"Select Reasoning Level for {name}",
        rows,
        highlight=highlight,
        footer_for=_effort_footer,
        keys=("s",),
    )


def open_effort_picker(app: CodexApp, slug: str) -> None:
    status = app.mapper.status

    async def chosen(answer: tuple[Any, str] | None) -> None:
        if answer is None:
            open_model_picker(app)  # esc goes back one step
            return
        effort, key = answer
        if effort == MORE:
            open_more_picker(app, slug)
            return
        await apply_model(app, slug, str(effort), persist=key != "s")

    app.push_screen(effort_screen(slug, (status.model, status.effort)), chosen)


def open_more_picker(app: CodexApp, slug: str) -> None:
    from codex.core.model_catalog import EFFORT_LABELS, find_model

    info = find_model(slug)
    efforts = [e for e in (info.efforts if info else ()) if e in MORE_EFFORTS]
    rows = [Choice(EFFORT_LABELS[e], MORE_DESCRIPTIONS[e], e) for e in efforts]

    async def chosen(answer: tuple[Any, str] | None) -> None:
        if answer is None:
            open_effort_picker(app, slug)
            return
        await apply_model(app, slug, str(answer[0]), persist=answer[1] != "s")

    app.push_screen(
        ChoiceScreen(
            "Advanced Reasoning",
            rows,
            subtitle="⚠ Consumes usage limits faster",
            footer="enter default · s session · esc back",
            keys=("s",),
        ),
        chosen,
    )


async def apply_model(app: CodexApp, slug: str, effort: str, *, persist: bool) -> None:
    """Switch the session (next turn on) and, unless session-only, record the default."""
    from codex.protocol.ops import OverrideTurnContext

    if not await submit(app, OverrideTurnContext(model=slug, effort=effort)):
        return
    status = app.mapper.status
    status.model, status.effort = slug, effort
    suffix = ""
    if persist:
        from codex.config.edits import ConfigEdits

        try:
            edits = ConfigEdits.for_config(app.options.config)
            edits.set("model", slug).set("model_reasoning_effort", effort).apply()
        except (OSError, ValueError) as err:
            app.mapper.notice(f"Could not save the default model: {err}", "yellow")
    else:
        suffix = " for this session only"
    app.mapper.notice(f"• Model changed to {slug} {effort}{suffix}")
    app.mark_dirty()


# ---- /permissions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Preset:
    label: str
    description: str
    approval: str
    sandbox: str


PRESETS: tuple[Preset, ...] = (
    Preset(
        "Ask for approval",
        "Read and edit workspace files and run commands, with approval required for internet "
        "access or edits outside the workspace",
        "on-request",
        "workspace-write",
    ),
    Preset(
        "Full Access",
        "Use with caution: Codex can edit files outside this workspace and access the internet "
        "without approval",
        "never",
        "danger-full-access",
    ),
    Preset(
        "Read Only",
        "Read workspace files, with approval required for edits or internet access",
        "on-request",
        "read-only",
    ),
)


def sandbox_json(config: Any, mode: str) -> dict[str, Any]:
    """The policy Op value for `mode`, keeping `[sandbox_workspace_write]`'s settings."""
    if mode != "workspace-write":
        return {"type": mode}
    ww = getattr(config, "sandbox_workspace_write", None)
    policy: dict[str, Any] = {"type": mode}
    if ww is not None:
        policy["writable_roots"] = [str(r) for r in ww.writable_roots]
        policy["network_access"] = bool(ww.network_access)
    return policy


def permissions_screen(approval: str, sandbox: str) -> ChoiceScreen:
    rows = []
    highlight = 0
    for i, preset in enumerate(PRESETS):
        current = (approval, sandbox) == (preset.approval, preset.sandbox)
        if current:
            highlight = i
        rows.append(
            Choice(preset.label + (" (current)" if current else ""), preset.description, preset)
        )
    return ChoiceScreen("Update Model Permissions", rows, highlight=highlight)


def open_permissions_picker(app: CodexApp) -> None:
    status = app.mapper.status

    async def chosen(answer: tuple[Any, str] | None) -> None:
        if answer is not None:
            await apply_preset(app, answer[0])

    app.push_screen(permissions_screen(status.approval, status.sandbox), chosen)


async def apply_preset(app: CodexApp, preset: Preset) -> None:
    from codex.protocol.ops import OverrideTurnContext

    op = OverrideTurnContext(
        approval_policy=preset.approval,
        sandbox_policy=sandbox_json(app.options.config, preset.sandbox),
    )
    if not await submit(app, op):
        return
    app.mapper.status.approval = preset.approval
    app.mapper.status.sandbox = preset.sandbox
    app.mapper.notice(f"• Permission selection requested: {preset.label}")
    app.mark_dirty()
