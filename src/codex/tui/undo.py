"""/undo: a picker over this session's turns (like Claude Code's rewind) that puts the files back
as they were before the chosen turn, through the checkpoint store (codex.core.checkpoints).

The turns come from the session's rollout as core reads them (codex.core.checkpoints.conversation:
the checkpoints recorded before and after each turn that may write); each row shows the turn's
prompt and how many files it changed. Undoing turn N restores only the files turns N and later
changed (what another session or the user changed elsewhere stays), as `codex undo` does. It is
refused while files the agent left were changed by hand since: the picker then lists them and
asks before overwriting. Every restore is itself checkpointed and
logged where `codex undo` logs its own (`undo-log.jsonl` beside the store): after an undo the
picker's first row takes it back (a redo), and `codex undo --redo` can too. Enter restores files
only (the conversation keeps its turns); `c` rewinds the conversation too, into a new session
forked before the turn, with its prompt back in the composer.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from codex.tui.choice import Choice, ChoiceScreen

if TYPE_CHECKING:
    from codex.tui.app import CodexApp

LISTED = 12  # files named in a notice before "… and N more"


@dataclass(slots=True)
class TurnPoint:
    """A turn /undo can restore to: its number among all the session's turns (as
    `codex undo --turn N` counts them), its checkpoints and the prompt that started it."""

    number: int
    turn_id: str
    cwd: str
    before: str
    before_time: float
    after: str | None = None
    after_time: float = 0.0
    prompt: str = ""
    record: Any = None  # the core.checkpoints.conversation.TurnRecord it came from


def _prompts(rollout: Path, starts: list[int]) -> list[str]:
    """Per turn (its first rollout line in `starts`), the first user message recorded after."""
    prompts = [""] * len(starts)
    turn = -1
    for number, raw in enumerate(rollout.read_bytes().splitlines()):
        while turn + 1 < len(starts) and starts[turn + 1] <= number:
            turn += 1
        # 0.169 (and our files since) record the prompt as an item_completed UserMessage.
        if (
            turn < 0
            or prompts[turn]
            or (b'"user_message"' not in raw and b'"UserMessage"' not in raw)
        ):
            continue
        try:
            obj = orjson.loads(raw)
        except orjson.JSONDecodeError:
            continue
        payload = obj.get("payload") if isinstance(obj, dict) else None
        if isinstance(payload, dict) and payload.get("type") == "user_message":
            prompts[turn] = str(payload.get("message", ""))
        item = payload.get("item") if isinstance(payload, dict) else None
        if isinstance(item, dict) and item.get("type") == "UserMessage":
            parts = item.get("content") if isinstance(item.get("content"), list) else []
            prompts[turn] = "".join(
                str(p.get("text", "")) for p in parts if isinstance(p, dict) and p.get("text")
            )
    return prompts


def session_turns(rollout: Path) -> list[TurnPoint]:
    """The session's turns that have a checkpoint (read-only turns changed nothing), in order,
    read by core (codex.core.checkpoints.conversation), each with its prompt."""
    from codex.core.checkpoints.conversation import session_turns as recorded_turns

    if not rollout.exists():
        return []  # the file is made by the session's first turn (as 0.169): none ran yet
    records = recorded_turns(rollout)
    prompts = _prompts(rollout, [r.line for r in records])
    return [
        TurnPoint(
            number=i + 1,
            turn_id=r.turn_id,
            cwd=r.cwd or "",
            before=r.before,
            before_time=r.before_time,
            after=r.after,
            after_time=r.after_time,
            prompt=prompt,
            record=r,
        )
        for i, (r, prompt) in enumerate(zip(records, prompts, strict=True))
        if r.before is not None
    ]


# ---- the log `codex undo` keeps beside the store -----------------------------------------


@dataclass(slots=True)
class RedoPoint:
    """The picker's first row after an undo: take it back (the tree it replaced)."""

    before: str  # the checkpoint taken just before the undo
    time: float


def redo_row(log: list[dict[str, Any]]) -> Choice | None:
    """A "take the last undo back" row when this session's last undo/redo was an undo."""
    if not log or log[-1].get("action") != "undo":
        return None
    last = log[-1]
    at = float(last.get("time", 0.0))
    when = time.strftime(" %H:%M", time.localtime(at)) if at else ""
    point = RedoPoint(str(last["before"]), at)
    return Choice("Redo: take back the last undo", f"the files as before the{when} undo", point)


def _log_path(store: Any) -> Path:
    return Path(store.git_dir) / "undo-log.jsonl"


def read_log(store: Any, session: str) -> list[dict[str, Any]]:
    try:
        lines = _log_path(store).read_bytes().splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        try:
            entry = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        if isinstance(entry, dict) and session in (entry.get("session"), entry.get("fork")):
            out.append(entry)
    return out


def append_log(store: Any, entry: dict[str, Any]) -> None:
    with open(_log_path(store), "ab") as fh:
        fh.write(orjson.dumps(entry) + b"\n")


def expected_tree(turns: list[TurnPoint], log: list[dict[str, Any]]) -> str | None:
    """The tree as codex last left it: the last turn's end, or a later undo/redo's result.
    Files that differ from it now were changed by hand."""
    last = turns[-1]
    expected = last.after
    if log and float(log[-1].get("time", 0.0)) >= (last.after_time or last.before_time):
        expected = str(log[-1]["result"])
    return expected


# ---- the picker -------------------------------------------------------------------------


def _listing(paths: list[str]) -> str:
    shown = [f"  {p}" for p in paths[:LISTED]]
    if len(paths) > LISTED:
        shown.append(f"  … and {len(paths) - LISTED} more")
    return "\n".join(shown)


def _summary(turn: TurnPoint, changed: int | None) -> str:
    when = time.strftime("%H:%M", time.localtime(turn.before_time)) if turn.before_time else ""
    if changed is None:
        files = "still running" if turn.after is None else ""
    else:
        files = "no file changes" if changed == 0 else f"{changed} file{'s' * (changed != 1)}"
    return " · ".join(part for part in (f"turn {turn.number}", when, files) if part)


def turn_rows(turns: list[TurnPoint], changed: list[int | None]) -> list[Choice]:
    """The picker's rows, newest first (the usual undo is the last turn): the turn's prompt,
    then `turn N · HH:MM · K files` (`changed[i]`: files turn i changed, None while running)."""
    rows = []
    for turn, count in reversed(list(zip(turns, changed, strict=True))):
        prompt = (turn.prompt.strip().splitlines() or ["(no prompt)"])[0]
        prompt = prompt if len(prompt) <= 48 else prompt[:47] + "…"
        rows.append(Choice(prompt, _summary(turn, count), turn))
    return rows


def _rows(store: Any, turns: list[TurnPoint]) -> list[Choice]:
    changed = [len(store.changed(t.before, t.after)) if t.after else None for t in turns]
    return turn_rows(turns, changed)


def _say(app: CodexApp, text: str, style: str = "dim") -> None:
    app.mapper.notice(text, style)
    app.mark_dirty()


def open_undo_picker(app: CodexApp) -> None:
    app.run_worker(_open(app), group="undo", exit_on_error=False)


async def _open(app: CodexApp) -> None:
    from codex.core.checkpoints import CheckpointError, CheckpointStore

    status = app.mapper.status
    if status.running:
        _say(app, "Wait for the current turn to finish before /undo.", "yellow")
        return
    if not status.rollout_path:
        _say(app, "This session keeps no checkpoints (it is not recorded).", "yellow")
        return
    turns = await asyncio.to_thread(session_turns, Path(status.rollout_path))
    if not turns:
        _say(app, "No turn of this session changed files yet (read-only turns keep no checkpoint).")
        return
    home = Path(str(app.options.config.codex_home))
    store = CheckpointStore(home, Path(turns[0].cwd))
    try:
        rows = await asyncio.to_thread(_rows, store, turns)
        log = read_log(store, status.session_id)
        # An undo followed by another turn is not offered back: redoing it would drop that
        # turn's changes.
        last = turns[-1]
        fresh = bool(log) and float(log[-1].get("time", 0.0)) >= (
            last.after_time or last.before_time
        )
        redo = redo_row(log) if fresh else None
    except CheckpointError as err:
        _say(app, f"■ The checkpoints of this session cannot be read: {err}", "red")
        return

    async def chosen(answer: tuple[Any, str] | None) -> None:
        if answer is not None:
            rewind = answer[1] == "c" and isinstance(answer[0], TurnPoint)
            app.run_worker(restore(app, store, turns, answer[0], rewind=rewind), group="undo")

    app.push_screen(undo_screen([redo, *rows] if redo else rows), chosen)


async def restore(
    app: CodexApp,
    store: Any,
    turns: list[TurnPoint],
    point: TurnPoint | RedoPoint,
    *,
    force: bool = False,
    rewind: bool = False,
) -> None:
    """Restore the tree to before a turn (or, for a RedoPoint, to before the last undo); with
    hand edits in the way (and not `force`), ask first. With `rewind`, the conversation goes
    back to before the turn too (`rewind_conversation`)."""
    from codex.core.checkpoints import CheckpointError

    session = app.mapper.status.session_id
    expected = expected_tree(turns, read_log(store, session))
    redo = isinstance(point, RedoPoint)
    what = "the undo" if redo else f"turn {point.number}"  # type: ignore[union-attr]
    started = time.perf_counter()
    try:
        if isinstance(point, RedoPoint):
            paths = None  # the whole tree as it was before the undo
        else:
            # Only what this turn and the later ones changed: files another session (or the
            # user, between turns) changed are left alone, as `codex undo` does.
            from codex.core.checkpoints.conversation import files_changed_by

            undone = [t.record for t in turns if t.number >= point.number and t.record]
            paths = await asyncio.to_thread(files_changed_by, store, undone)
        result = await asyncio.to_thread(
            store.restore, point.before, expected=expected, force=force, paths=paths
        )
    except (CheckpointError, OSError) as err:
        _say(app, f"■ {'Redo' if redo else 'Undo'} failed: {err}", "bold red")
        return
    if result.conflicts and not result.applied:
        _ask_overwrite(app, store, turns, point, what, result.conflicts, rewind)
        return
    if not result.written and not result.deleted:
        _say(app, f"• Nothing to restore: the files already are as before {what}.")
        if rewind and isinstance(point, TurnPoint):
            await rewind_conversation(app, point)
        return
    append_log(
        store,
        {
            "session": session,
            "action": "redo" if redo else "undo",
            "before": result.before,
            "result": point.before,
            "time": time.time(),
        },
    )
    ms = (time.perf_counter() - started) * 1000
    counts = f"{len(result.written)} restored, {len(result.deleted)} deleted ({ms:.0f} ms)"
    if redo:
        head = f"• Took the last undo back: {counts}."
    else:
        head = f"• Restored the files to before {what}: {counts}. /undo again offers a redo."
    touched = [f"restore {p}" for p in result.written] + [f"delete {p}" for p in result.deleted]
    # Files not in the checkpoint (ignored or over the size limit then) are never deleted.
    touched += [f"keep {p} (not in the checkpoint)" for p in getattr(result, "kept", [])]
    _say(app, head + "\n" + _listing(touched), "green")
    if rewind and isinstance(point, TurnPoint):
        await rewind_conversation(app, point)


# Forked rollouts handed to the app's fork path; removed when the process exits.
_REWIND_DIRS: list[tempfile.TemporaryDirectory[str]] = []


async def rewind_conversation(app: CodexApp, point: TurnPoint) -> None:
    """Continue in a new session holding the conversation up to (not including) `point`, as
    Claude Code's rewind does: core writes the fork (codex.core.checkpoints.conversation, the
    old rollout untouched), the app opens it as `codex fork` would, and the turn's prompt is put
    back in the composer to edit and resend."""
    from codex.core.checkpoints.conversation import fork_before_turn
    from codex.protocol.ids import uuid7
    from codex.tui.widgets import Composer

    rollout = app.mapper.status.rollout_path
    if not rollout or point.record is None:
        _say(app, "The conversation cannot be rewound: this session is not recorded.", "yellow")
        return
    holder = tempfile.TemporaryDirectory(prefix="codex-rewind-")
    _REWIND_DIRS.append(holder)
    fork_id = uuid7()
    path = Path(holder.name) / f"rollout-{fork_id}.jsonl"
    try:
        await asyncio.to_thread(fork_before_turn, Path(rollout), point.record, path, fork_id)
    except OSError as err:
        _say(app, f"■ The conversation could not be rewound: {err}", "bold red")
        return
    app.options.fork = True
    await app.restart(resume=path)
    composer = app.query_one(Composer)
    composer.load_text(point.prompt)
    composer.focus()


def _ask_overwrite(
    app: CodexApp,
    store: Any,
    turns: list[TurnPoint],
    point: TurnPoint | RedoPoint,
    what: str,
    conflicts: list[str],
    rewind: bool = False,
) -> None:
    _say(
        app,
        f"⚠ Not restored: these files were changed by hand since codex last wrote them:\n"
        f"{_listing(conflicts)}",
        "yellow",
    )

    async def chosen(answer: tuple[Any, str] | None) -> None:
        if answer is not None and answer[0] == "overwrite":
            await restore(app, store, turns, point, force=True, rewind=rewind)

    app.push_screen(conflict_screen(what, conflicts), chosen)


def conflict_screen(what: str, conflicts: list[str]) -> ChoiceScreen:
    """Asks before overwriting hand edits: keep them (the default row) or restore anyway."""
    rows = [
        Choice("Keep my changes", "restore nothing", "keep"),
        Choice("Restore anyway", f"overwrite the {len(conflicts)} changed file(s)", "overwrite"),
    ]
    return ChoiceScreen(f"Files changed by hand since {what}", rows, subtitle=_listing(conflicts))


def undo_screen(rows: list[Choice]) -> ChoiceScreen:
    """The turn list; the newest turn highlighted (below the redo row when there is one)."""
    redo = bool(rows) and isinstance(rows[0].value, RedoPoint)
    return ChoiceScreen(
        "Undo: restore the files to before a turn",
        rows,
        subtitle="enter: files only, the conversation keeps its turns · c: the conversation too",
        footer="enter restore files · c files and conversation · esc back",
        footer_for=_undo_footer,
        keys=("c",),
        highlight=1 if redo and len(rows) > 1 else 0,
    )


def _undo_footer(choice: Choice) -> str:
    if isinstance(choice.value, RedoPoint):
        return "enter take the undo back · esc back"
    return "enter restore files · c files and conversation · esc back"
