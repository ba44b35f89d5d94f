"""A session start reads the AGENTS.md tree once: session_meta and the initial context share it
(it was walked twice: once by setup for session_meta, once more for the first request)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import orjson
import pytest
from tests.core.harness import make_config, run_turn
from tests.support.model_stream import Message, Turn

from codex.core import prompt
from codex.core.front_end import LIBRARY
from codex.core.open import open_session


def _tree(tmp_path: Path) -> Path:
    work = tmp_path / "repo" / "sub"
    work.mkdir(parents=True)
    (tmp_path / "repo" / ".git").mkdir()
    (tmp_path / "repo" / "AGENTS.md").write_text("root rules\n")
    (work / "AGENTS.md").write_text("sub rules\n")
    return work


def test_session_start_computes_user_instructions_once(
    tmp_path: Path, mock_model_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = _tree(tmp_path)
    mock_model_server.enqueue(Turn([Message("ok")]))
    config = make_config(tmp_path, mock_model_server, cwd=work)
    (Path(config.codex_home) / "AGENTS.md").write_text("global rules\n")

    # Count discoveries of the project docs (each one walks cwd up to the git root and reads
    # every AGENTS.md on the way) and reads of the global one.
    walks: list[Path] = []
    globals_read: list[Path] = []
    real_paths, real_global = prompt.project_doc_paths, prompt.global_instructions

    def counting_paths(cwd: Path, fallback_names=()):  # type: ignore[no-untyped-def]
        walks.append(cwd)
        return real_paths(cwd, fallback_names)

    def counting_global(codex_home: Path) -> str | None:
        globals_read.append(codex_home)
        return real_global(codex_home)

    monkeypatch.setattr(prompt, "project_doc_paths", counting_paths)
    monkeypatch.setattr(prompt, "global_instructions", counting_global)

    async def main() -> str:
        async with open_session(config, LIBRARY) as session:
            await run_turn(session, "go")
            return str(session.rollout_path)

    rollout = Path(asyncio.run(main()))
    assert (len(walks), len(globals_read)) == (1, 1)
    # Both consumers got the same text: the model's first message and session_meta.
    merged = "global rules\n\n--- project-doc ---\n\nroot rules\n\n\nsub rules\n"
    first = mock_model_server.single_request().message_texts("user")[0]
    assert merged.strip() in first
    meta = orjson.loads(rollout.read_bytes().splitlines()[0])["payload"]
    assert meta["instructions"] == merged
