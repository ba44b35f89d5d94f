"""`codex undo`: put the work tree back as it was before a turn of a saved session (issue 23).

The turn checkpoints come from the session's rollout (`codex_py_checkpoint` events); undos and
redos are logged next to the shadow store (`undo-log.jsonl`), never appended to the old rollout,
and every undo is itself checkpointed so `--redo` takes it back.
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
    parser.add_argument("--turn", type=int, metavar="N", help="Undo turn N and later (1-based)")
    parser.add_argument("--files-only", action="store_true", help="Restore files only (default)")
    parser.add_argument("--dry-run", action="store_true", help="Show what would change")
    parser.add_argument("--force", action="store_true", help="Overwrite files changed by hand")
    parser.add_argument("--redo", action="store_true", help="Take the last undo back")


def _rollout(home: Path, args: argparse.Namespace) -> Path:
    from codex.api.saved_sessions import rollout_of

    if args.session and args.last:
        raise UsageError("give either SESSION_ID or --last")
    return rollout_of(home, args.session)


def _turns(path: Path) -> list[dict[str, Any]]:
    """Per turn, in order: {turn_id, before, after?, cwd, time}."""
    import orjson

    turns: dict[str, dict[str, Any]] = {}
    for line in path.read_bytes().splitlines():
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue
        msg = obj.get("payload") if obj.get("type") == "event_msg" else None
        if not isinstance(msg, dict) or msg.get("type") != "codex_py_checkpoint":
            continue
        turn = turns.setdefault(msg["turn_id"], {"turn_id": msg["turn_id"], "cwd": msg["cwd"]})
        turn[msg["phase"]] = msg["checkpoint"]
        turn[msg["phase"] + "_time"] = msg.get("time", 0.0)
    return [t for t in turns.values() if "before" in t]


def _log(store: Any) -> list[dict[str, Any]]:
    import orjson

    path = store.git_dir / "undo-log.jsonl"
    if not path.exists():
        return []
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line]


def _append_log(store: Any, entry: dict[str, Any]) -> None:
    import orjson

    with open(store.git_dir / "undo-log.jsonl", "ab") as fh:
        fh.write(orjson.dumps(entry) + b"\n")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    from codex.core.checkpoints import CheckpointError, CheckpointStore

    home = Path(ctx.load_config().codex_home)
    rollout = _rollout(home, args)
    session = rollout.name.removesuffix(".jsonl")[-36:]
    turns = _turns(rollout)
    if not turns:
        raise CodexError(f"session {session} has no checkpoints (read-only turns are not kept)")
    store = CheckpointStore(home, Path(turns[0]["cwd"]))
    mine = [e for e in _log(store) if e["session"] == session]
    last_turn = turns[-1]
    # The tree as codex last left it: the latest of the last turn's end and our last undo/redo.
    expected = last_turn.get("after")
    if mine and mine[-1]["time"] >= last_turn.get("after_time", last_turn["before_time"]):
        expected = mine[-1]["result"]
    try:
        if args.redo:
            if not mine or mine[-1]["action"] != "undo":
                raise CodexError("nothing to redo")
            target, what = mine[-1]["before"], "redo"
        else:
            n = args.turn if args.turn is not None else len(turns)
            if not 1 <= n <= len(turns):
                raise UsageError(f"--turn must be between 1 and {len(turns)}")
            target, what = turns[n - 1]["before"], "undo"
        started = time.perf_counter()
        result = store.restore(target, expected=expected, force=args.force, dry_run=args.dry_run)
    except CheckpointError as exc:
        raise CodexError(str(exc)) from exc
    out = sys.stdout
    for rel in result.written:
        out.write(f"restore {rel}\n")
    for rel in result.deleted:
        out.write(f"delete {rel}\n")
    if result.conflicts and not args.force:
        listing = ", ".join(result.conflicts)
        raise CodexError(f"files changed by hand since the turn (use --force): {listing}")
    if args.dry_run:
        out.write("dry run: nothing changed\n")
        return 0
    _append_log(
        store,
        {
            "session": session,
            "action": what,
            "before": result.before,
            "result": target,
            "time": time.time(),
        },
    )
    ms = (time.perf_counter() - started) * 1000
    out.write(
        f"{what}: {len(result.written)} restored, {len(result.deleted)} deleted ({ms:.0f} ms)\n"
    )
    return 0
