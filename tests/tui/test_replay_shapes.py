"""A resumed or forked thread's transcript is rebuilt from its rollout in either shape: the legacy
events (`user_message`, `agent_message`, `agent_reasoning`, `exec_command_end`,
`patch_apply_end`: codex-py before 67deaad, official CLIs before 0.169) and 0.169's
`item_completed` items (the captured official 0.169 rollouts). The replay knew only the legacy
events, so every thread recorded since 67deaad resumed with an empty transcript."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from codex.tui.cells import AgentCell, CommandCell, PatchCell, ReasoningCell, UserCell
from codex.tui.mapper import Mapper

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
OFFICIAL = FIXTURES / "rollout_parity" / "official-0.169-exec-resume.rollout.jsonl"
SAMPLES = FIXTURES / "samples" / "rollouts"


def _summary(path: Path) -> list[tuple[str, ...]]:
    mapper = Mapper()
    mapper.replay_rollout(str(path))
    out: list[tuple[str, ...]] = []
    for cell in mapper.cells:
        if isinstance(cell, UserCell):
            out.append(("user", cell.text, *cell.images))
        elif isinstance(cell, AgentCell):
            out.append(("agent", cell.text))
        elif isinstance(cell, ReasoningCell):
            out.append(("reasoning", cell.text))
        elif isinstance(cell, CommandCell):
            out.append(("command", cell.command, str(cell.exit_code), "".join(cell.output).strip()))
        elif isinstance(cell, PatchCell):
            out.append(("patch", cell.status, *cell.changes))
        else:
            out.append((cell.kind,))
    return out


def test_official_0169_rollout_replays_every_turn() -> None:
    assert _summary(OFFICIAL) == [
        ("user", "make a file"),
        ("reasoning", "**Thinking** about it"),
        ("command", "echo hello", "0", "hello"),
        ("patch", "applied", "/capture/codex-parity/work/hello.txt"),
        ("agent", "all done"),
        ("user", "again"),
        ("agent", "resumed reply"),
    ]


@pytest.mark.parametrize(
    ("name", "tool", "answer"),
    [("B", "command", "done: shell ran"), ("D", "patch", "patched"),
     ("appserver", "command", "done: shell ran")],
)  # fmt: skip
def test_official_0169_samples_replay(name: str, tool: str, answer: str) -> None:
    kinds = _summary(SAMPLES / f"{name}.rollout.jsonl")
    assert [k[0] for k in kinds] == ["user", tool, "agent"]
    assert kinds[-1] == ("agent", answer)


def _line(kind: str, payload: dict[str, object]) -> bytes:
    return orjson.dumps({"timestamp": "2026-12-07T00:00:00.000Z", "type": kind, "payload": payload})


LEGACY = [
    {"type": "task_started", "turn_id": "t1"},
    {"type": "user_message", "message": "list files", "images": [], "local_images": ["/r/a.png"]},
    {"type": "agent_reasoning", "text": "**Looking** around"},
    {"type": "exec_command_end", "call_id": "c1", "command": ["bash", "-lc", "ls"], "cwd": "/r",
     "exit_code": 2, "aggregated_output": "boom\n", "stdout": "", "stderr": "",
     "formatted_output": "", "duration": {"secs": 0, "nanos": 5_000_000}},
    {"type": "patch_apply_end", "call_id": "p1", "stdout": "", "stderr": "", "success": True,
     "changes": {"/r/a.txt": {"type": "add", "content": "hi\n"}}},
    {"type": "agent_message", "message": "listed"},
    {"type": "task_complete", "turn_id": "t1", "last_agent_message": "listed"},
]  # fmt: skip

LEGACY_CELLS = [
    ("user", "list files", "/r/a.png"),
    ("reasoning", "**Looking** around"),
    ("command", "ls", "2", "boom"),
    ("patch", "applied", "/r/a.txt"),
    ("agent", "listed"),
]


def test_legacy_rollout_still_replays(tmp_path: Path) -> None:
    path = tmp_path / "legacy.jsonl"
    path.write_bytes(b"\n".join(_line("event_msg", e) for e in LEGACY) + b"\n")
    assert _summary(path) == LEGACY_CELLS


def test_a_thing_recorded_in_both_shapes_shows_once(tmp_path: Path) -> None:
    """A file written across versions may hold a legacy event and the item of the same thing;
    the same text in a later turn is shown again."""
    items = [
        {"type": "UserMessage", "id": "u", "content": [
            {"type": "text", "text": "list files", "text_elements": []},
            {"type": "local_image", "path": "/r/a.png"}]},
        {"type": "Reasoning", "id": "r", "summary_text": ["**Looking** around"], "raw_content": []},
        {"type": "CommandExecution", "id": "c1", "command": ["bash", "-lc", "ls"],
         "aggregated_output": "boom\n", "exit_code": 2, "status": "failed"},
        {"type": "FileChange", "id": "p1", "status": "completed",
         "changes": {"/r/a.txt": {"type": "add", "content": "hi\n"}}},
        {"type": "AgentMessage", "id": "m", "content": [{"type": "Text", "text": "listed"}]},
    ]  # fmt: skip
    completed = [
        {"type": "item_completed", "thread_id": "x", "turn_id": "t1", "item": i} for i in items
    ]
    events = [*LEGACY[:-1], *completed, LEGACY[-1], {**LEGACY[0], "turn_id": "t2"}, completed[0]]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(b"\n".join(_line("event_msg", e) for e in events) + b"\n")
    assert _summary(path) == [*LEGACY_CELLS, ("user", "list files", "/r/a.png")]


def test_resume_picker_lists_a_0169_rollout_with_its_prompt(tmp_path: Path) -> None:
    """The picker's list and preview (core.threads, also rollout.listing and the viewer's
    catalog, each tested on 0.169 files in their own suites) read the UserMessage item."""
    from codex.rollout.listing import list_sessions
    from codex.tui.picker import list_sessions as picker_sessions

    raw = OFFICIAL.read_bytes()
    sid = orjson.loads(raw.splitlines()[0])["payload"]["id"]
    # An exec session; 0.169's picker lists only interactive ones (the TUI records "vscode").
    raw = raw.replace(b'"source":"exec"', b'"source":"vscode"', 1)
    day = tmp_path / "sessions" / "2026" / "12" / "07"
    day.mkdir(parents=True)
    (day / f"rollout-2026-12-07T02-39-38-{sid}.jsonl").write_bytes(raw)
    [shown] = picker_sessions(tmp_path, cwd=None)
    assert (shown.thread_id, shown.preview) == (sid, "make a file")
    [listed] = list_sessions(tmp_path, page_size=10).items
    assert listed.first_user_message == "make a file"
