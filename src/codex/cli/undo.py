"""`codex undo`: take back a saved session's last turns (issue 23): its files and its place in
the conversation.

Files: the work tree goes back to the checkpoint before turn N (`codex_py_checkpoint` events in
the session's rollout), restricted to the files this session's turns changed, so another
session's (or the user's) changes in between stay; files changed by hand since the turn are
listed and left alone unless `--force`. Conversation: turns N and later are dropped in a fork
(a new session; the old rollout is never rewritten). Undos and redos are logged next to the
shadow store (`undo-log.jsonl`), and every undo is itself checkpointed so `--redo` takes it back.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from codex.cli.context import CliContext
from codex.errors import CodexError, UsageError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", nargs="?", metavar="SESSION_ID", help="The session's id")
    parser.add_argument("--last", action="store_true", help="The most recent session")
    parser.add_argument(
        "--turn", type=int, metavar="N", help="Undo turn N and later (1-based; default: the last)"
    )
    only = parser.add_mutually_exclusive_group()
    only.add_argument(
        "--files-only", action="store_true", help="Restore the files; keep the conversation"
    )
    only.add_argument(
        "--conversation-only",
        action="store_true",
        help="Drop the turns from the conversation (a new forked session); keep the files",
    )
    parser.add_argument("--dry-run", action="store_true", help="Show what would change")
    parser.add_argument("--force", action="store_true", help="Overwrite files changed by hand")
    parser.add_argument("--redo", action="store_true", help="Take the last undo back")


def _rollout(home: Path, args: argparse.Namespace) -> Path:
    from codex.api.saved_sessions import rollout_of

    if args.session and args.last:
        raise UsageError("give either SESSION_ID or --last")
    return rollout_of(home, args.session)


def _log(store: Any) -> list[dict[str, Any]]:
    import orjson

    path = store.git_dir / "undo-log.jsonl"
    if not path.exists():
        return []
    entries: list[dict[str, Any]] = []
    for line in path.read_bytes().splitlines():
        try:
            entries.append(orjson.loads(line))
        except orjson.JSONDecodeError:
            continue  # a torn last line after a crash
    return entries


def _append_log(store: Any, entry: dict[str, Any]) -> None:
    import orjson

    with open(store.git_dir / "undo-log.jsonl", "ab") as fh:
        fh.write(orjson.dumps(entry) + b"\n")


def _session_log(store: Any, session: str) -> list[dict[str, Any]]:
    """The undo log's entries of this session (undos made from it or in its fork), oldest
    first."""
    return [e for e in _log(store) if session in (e.get("session"), e.get("fork"))]


def _say_done(action: str, result: Any, started: float) -> None:
    """The one-line summary of an applied undo or redo."""
    ms = (time.perf_counter() - started) * 1000
    sys.stdout.write(
        f"{action}: {len(result.written)} restored, {len(result.deleted)} deleted ({ms:.0f} ms)\n"
    )


def _session_id(rollout: Path) -> str:
    return rollout.name.removesuffix(".jsonl")[-36:]


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from codex.core.checkpoints.conversation import session_turns

    home = Path(ctx.load_config().codex_home)
    rollout = _rollout(home, args)
    session = _session_id(rollout)
    turns = session_turns(rollout)
    if args.redo:
        if args.conversation_only:
            raise UsageError("--redo restores files; --conversation-only has nothing to redo")
        return _redo(home, session, turns, args)
    if not turns:
        raise CodexError(f"session {session} has no turns to undo")
    n = args.turn if args.turn is not None else len(turns)
    if not 1 <= n <= len(turns):
        raise UsageError(f"--turn must be between 1 and {len(turns)}")
    undone = turns[n - 1 :]
    from codex.core.sessions import new_session_id

    fork_id = None if args.files_only else new_session_id()
    if not args.conversation_only and not _undo_files(home, session, undone, args, fork_id):
        return 0  # a dry run
    if fork_id is not None and not args.dry_run:
        _fork(home, rollout, undone[0], fork_id)
        sys.stdout.write(
            f"conversation: turns {n}-{len(turns)} dropped in a new session {fork_id} "
            f"(resume it with `codex resume {fork_id}`; {session} is unchanged)\n"
        )
    return 0


def _store_for(home: Path, turns: list[Any]) -> Any:
    from codex.core.checkpoints import CheckpointStore

    cwd = next((t.cwd for t in turns if t.cwd), None)
    return None if cwd is None else CheckpointStore(home, Path(cwd))


def _undo_files(
    home: Path, session: str, undone: list[Any], args: argparse.Namespace, fork_id: str | None
) -> bool:
    """Restore the files of the undone turns; False for a dry run (nothing else to do)."""
    from codex.core.checkpoints import CheckpointError
    from codex.core.checkpoints.conversation import files_changed_by

    with_checkpoint = [t for t in undone if t.before is not None]
    if not with_checkpoint:
        if args.files_only:
            raise CodexError(
                f"session {session} has no checkpoints for these turns "
                "(read-only turns are not kept)"
            )
        sys.stdout.write("files: these turns have no checkpoints (read-only turns change none)\n")
        return not args.dry_run
    store = _store_for(home, with_checkpoint)
    mine = _session_log(store, session)
    last = with_checkpoint[-1]
    # The tree as codex last left it: the latest of the last turn's end and our last undo/redo.
    expected = last.after
    if mine and mine[-1]["time"] >= (last.after_time or last.before_time):
        expected = mine[-1]["result"]
    try:
        paths = files_changed_by(store, with_checkpoint)
        started = time.perf_counter()
        target = with_checkpoint[0].before
        result = store.restore(
            target, expected=expected, force=args.force, dry_run=args.dry_run, paths=paths
        )
    except CheckpointError as exc:
        raise CodexError(str(exc)) from exc
    if not _report(result, args):
        return False
    _append_log(
        store,
        {
            "session": session,
            "fork": fork_id,
            "action": "undo",
            "before": result.before,
            "result": target,
            # What the undo changed: a redo restores these and nothing else.
            "paths": sorted([*result.written, *result.deleted]),
            "time": time.time(),
        },
    )
    _say_done("undo", result, started)
    return True


def _report(result: Any, args: argparse.Namespace) -> bool:
    """Print what the restore did or would do; False for a dry run."""
    out = sys.stdout
    for rel in result.written:
        out.write(f"restore {rel}\n")
    for rel in result.deleted:
        out.write(f"delete {rel}\n")
    for rel in getattr(result, "kept", []):
        out.write(f"keep {rel} (not in the checkpoint: ignored or over the size limit then)\n")
    if result.conflicts and not args.force:
        listing = ", ".join(result.conflicts)
        raise CodexError(f"files changed by hand since the turn (use --force): {listing}")
    if args.dry_run:
        out.write("dry run: nothing changed\n")
        return False
    return True


def _redo(home: Path, session: str, turns: list[Any], args: argparse.Namespace) -> int:
    from codex.core.checkpoints import CheckpointError

    store = _store_for(home, turns)
    if store is None:
        raise CodexError("nothing to redo")
    mine = _session_log(store, session)
    if not mine or mine[-1]["action"] != "undo":
        raise CodexError("nothing to redo")
    target = mine[-1]["before"]
    # Only the files the undo changed go back, and only if nobody changed them since (the
    # tree right after the undo held them as `result` had them): a whole-tree restore would
    # silently take back every edit made after the undo, by hand or by another session.
    paths = mine[-1].get("paths")
    try:
        started = time.perf_counter()
        result = store.restore(
            target,
            expected=mine[-1]["result"] if paths is not None else None,
            force=args.force,
            dry_run=args.dry_run,
            paths=paths,
        )
    except CheckpointError as exc:
        raise CodexError(str(exc)) from exc
    if not _report(result, args):
        return 0
    _append_log(
        store,
        {
            "session": mine[-1]["session"],
            "fork": mine[-1].get("fork"),
            "action": "redo",
            "before": result.before,
            "result": target,
            "time": time.time(),
        },
    )
    _say_done("redo", result, started)
    return 0


def _fork(home: Path, rollout: Path, turn: Any, fork_id: str) -> Path:
    from codex.core.checkpoints.conversation import fork_before_turn
    from codex.core.sessions import new_rollout_path

    return fork_before_turn(rollout, turn, new_rollout_path(home, fork_id), fork_id)
