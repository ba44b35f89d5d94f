"""Readers of our rollouts read the lines we now write as 0.169 does (item_completed events for
messages, one turn context per turn) as well as the legacy ones: the TUI's undo list shows each
turn's prompt (it read only `user_message` events, so a new file listed every prompt empty)."""

from __future__ import annotations

from pathlib import Path

from codex.rollout import RolloutRecorder, SessionMetaParams
from codex.tui.undo import session_turns

META = SessionMetaParams("/w", "codex_exec", "0.0.0", "exec", "mock")


def _turn(rec: RolloutRecorder, turn_id: str, prompt: str, legacy: bool) -> None:
    def checkpoint(phase: str, commit: str) -> None:
        rec.record_event(
            {"type": "codex_py_checkpoint", "turn_id": turn_id, "phase": phase,
             "checkpoint": commit, "cwd": "/w", "time": 1.0}
        )  # fmt: skip

    rec.record_event({"type": "task_started", "turn_id": turn_id})
    checkpoint("before", "a" * 40)
    user = {"type": "message", "role": "user", "content": [{"type": "input_text", "text": prompt}]}
    rec.record_response_item(user)
    if legacy:  # a file written before: the event verbatim, as the recorder wrote it then
        rec.record_item("event_msg", {"type": "user_message", "message": prompt, "images": []})
    else:
        rec.record_event({"type": "user_message", "message": prompt, "images": []})
    rec.record_turn_context({"cwd": "/w", "approval_policy": "never", "model": "m"})
    checkpoint("after", "b" * 40)
    rec.record_event({"type": "task_complete", "turn_id": turn_id, "last_agent_message": None})
    rec.turn_end()


def test_undo_list_shows_the_prompts_of_new_and_legacy_turns(tmp_path: Path) -> None:
    rec = RolloutRecorder.create(tmp_path, META)
    _turn(rec, "t-new", "first prompt", legacy=False)
    _turn(rec, "t-old", "second prompt", legacy=True)
    rec.close()
    text = rec.path.read_text()
    assert text.count('"UserMessage"') == 1 and text.count('"user_message"') == 1
    turns = session_turns(rec.path)
    assert [(t.number, t.turn_id, t.prompt) for t in turns] == [
        (1, "t-new", "first prompt"),
        (2, "t-old", "second prompt"),
    ]
