"""The command cell shows what the command printed: never the model-facing text of unified exec
(`formatted_output`: "Chunk ID / Wall time / Original token count / Output:"), and "(no output)"
when nothing was printed, as 0.169 does."""

from __future__ import annotations

from rich.console import Console

from codex.protocol.events import parse_event_msg
from codex.tui.mapper import Mapper

MODEL_TEXT = "Chunk ID: 1a2b\nWall time: 0.0010 seconds\nProcess exited with code 0\nOutput:\n"


def _rendered(mapper: Mapper) -> str:
    console = Console(width=80, record=True, color_system=None)
    for cell in mapper.cells:
        console.print(cell.render())
    return console.export_text()


def _end(call_id: str, **fields: object) -> object:
    return parse_event_msg(
        {
            "type": "exec_command_end",
            "call_id": call_id,
            "turn_id": "1",
            "command": ["bash", "-lc", "true"],
            "cwd": "/repo",
            "exit_code": 0,
            "duration": {"secs": 0, "nanos": 1000000},
            "formatted_output": MODEL_TEXT,
            **fields,
        }
    )


def test_a_silent_command_shows_no_output_not_the_model_text() -> None:
    mapper = Mapper()
    mapper.feed(_end("c1", aggregated_output=""))
    text = _rendered(mapper)
    assert "(no output)" in text and "Chunk ID" not in text and "Wall time" not in text


def test_printed_output_is_shown() -> None:
    mapper = Mapper()
    mapper.feed(_end("c2", aggregated_output="hello from the command\n"))
    assert "hello from the command" in _rendered(mapper)
