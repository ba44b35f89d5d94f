"""AGENTS.md layering as it reaches the model: the global file from $CODEX_HOME, then one project
doc per directory from the git root down to cwd, with upstream's separators and byte budget."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.core.harness import make_config, run_turn
from tests.support.model_stream import Message, Turn

from codex.core import Session


def agents_text(server, tmp_path: Path, cwd: Path, extra: str = "") -> str | None:
    server.enqueue(Turn([Message("ok")]))
    config = make_config(tmp_path, server, extra=extra, cwd=cwd)

    async def main():
        async with Session(config) as s:
            await s.next_event()
            await run_turn(s, "hi")

    asyncio.run(main())
    users = server.requests[-1].message_texts("user")
    found = [t for t in users if t.startswith("# AGENTS.md instructions for ")]
    assert len(found) <= 1
    return found[0] if found else None


def layout(tmp_path: Path) -> Path:
    """outside/ (not in the repo) > repo/.git, repo/AGENTS.md > sub/ (override wins) > deep/."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "AGENTS.md").write_text("global plain (shadowed)\n")
    (home / "AGENTS.override.md").write_text("  global override  \n")
    outside = tmp_path / "outside"
    repo = outside / "repo"
    deep = repo / "sub" / "deep"
    deep.mkdir(parents=True)
    (outside / "AGENTS.md").write_text("above the git root: never read\n")
    (repo / ".git").mkdir()
    (repo / "AGENTS.md").write_text("root doc\n")
    (repo / "sub" / "AGENTS.md").write_text("sub plain (shadowed)\n")
    (repo / "sub" / "AGENTS.override.md").write_text("sub override\n")
    (deep / "TEAM.md").write_text("deep fallback\n")
    return deep


def test_layering_reaches_the_request(tmp_path, mock_model_server):
    deep = layout(tmp_path)
    text = agents_text(
        mock_model_server, tmp_path, deep, 'project_doc_fallback_filenames = ["TEAM.md"]'
    )
    assert text == (
        f"# AGENTS.md instructions for {deep}\n\n<INSTRUCTIONS>\n"
        "global override"
        "\n\n--- project-doc ---\n\n"
        "root doc\n\n\nsub override\n\n\ndeep fallback\n"
        "\n</INSTRUCTIONS>"
    )


def test_byte_budget_is_shared_and_truncates(tmp_path, mock_model_server):
    deep = layout(tmp_path)
    text = agents_text(
        mock_model_server,
        tmp_path,
        deep,
        'project_doc_fallback_filenames = ["TEAM.md"]\nproject_doc_max_bytes = 12',
    )
    # "root doc\n" is 9 bytes, so 3 bytes of the sub override remain; deep gets nothing.
    assert text is not None
    assert "global override\n\n--- project-doc ---\n\nroot doc\n\n\nsub\n</INSTRUCTIONS>" in text
    assert "deep fallback" not in text


def test_no_git_root_reads_only_cwd(tmp_path, mock_model_server):
    home = tmp_path / "home"
    home.mkdir()
    parent = tmp_path / "plain"
    cwd = parent / "child"
    cwd.mkdir(parents=True)
    (parent / "AGENTS.md").write_text("parent doc\n")
    (cwd / "AGENTS.md").write_text("child doc\n")
    text = agents_text(mock_model_server, tmp_path, cwd)
    assert text is not None
    assert "<INSTRUCTIONS>\nchild doc\n\n</INSTRUCTIONS>" in text


def test_zero_budget_keeps_only_the_global_file(tmp_path, mock_model_server):
    deep = layout(tmp_path)
    text = agents_text(mock_model_server, tmp_path, deep, "project_doc_max_bytes = 0")
    assert text is not None
    assert "<INSTRUCTIONS>\nglobal override\n</INSTRUCTIONS>" in text
