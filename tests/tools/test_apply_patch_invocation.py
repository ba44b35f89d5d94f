"""Recognising apply_patch run through the shell tools."""

from __future__ import annotations

import pytest

from codex.tools.apply_patch import (
    IMPLICIT_INVOCATION_MESSAGE,
    ApplyPatchInvocation,
    InvocationError,
    NotApplyPatch,
    maybe_parse_apply_patch,
)
from codex.tools.apply_patch.parser import AddFile

PATCH = "*** Begin Patch\n*** Add File: foo\n+hi\n*** End Patch"


def heredoc(prefix: str = "", quote: str = "'") -> str:
    return f"{prefix}apply_patch <<{quote}EOF{quote}\n{PATCH}\nEOF\n"


RECOGNISED = [
    (["apply_patch", PATCH], None),
    (["applypatch", PATCH], None),
    (["bash", "-lc", heredoc()], None),
    (["bash", "-c", heredoc(quote="")], None),
    (["/bin/zsh", "-lc", heredoc(quote='"')], None),
    (["sh", "-lc", heredoc("cd sub && ")], "sub"),
    (["bash", "-lc", heredoc('cd "my dir" && ')], "my dir"),
    (["bash", "-lc", heredoc("cd 'raw dir' && ")], "raw dir"),
    (["pwsh", "-NoProfile", "-Command", heredoc()], None),
    (["cmd", "/c", heredoc()], None),
]


@pytest.mark.parametrize(("argv", "workdir"), RECOGNISED)
def test_recognised_forms(argv: list[str], workdir: str | None) -> None:
    found = maybe_parse_apply_patch(argv)
    assert isinstance(found, ApplyPatchInvocation)
    assert found.parsed.hunks == [AddFile("foo", "hi\n")]
    assert found.workdir == workdir


NOT_APPLY_PATCH = [
    ["ls", "-l"],
    ["bash", "-lc", "ls -la"],
    ["bash", "-lc", "echo hi; " + heredoc()],
    ["bash", "-lc", heredoc() + "echo done\n"],
    ["bash", "-lc", heredoc("cd a || ")],
    ["bash", "-lc", heredoc("cd a b && ")],
    ["fish", "-c", heredoc()],
    ["bash", "-x", heredoc()],
]


@pytest.mark.parametrize("argv", NOT_APPLY_PATCH)
def test_other_commands_pass_through(argv: list[str]) -> None:
    assert isinstance(maybe_parse_apply_patch(argv), NotApplyPatch)


@pytest.mark.parametrize("argv", [[PATCH], ["bash", "-lc", PATCH]])
def test_bare_patch_is_refused_with_upstream_message(argv: list[str]) -> None:
    with pytest.raises(InvocationError) as info:
        maybe_parse_apply_patch(argv)
    assert str(info.value) == IMPLICIT_INVOCATION_MESSAGE
    assert IMPLICIT_INVOCATION_MESSAGE == (
        'patch detected without explicit call to apply_patch. Rerun as ["apply_patch", "<patch>"]'
    )


def test_invalid_patch_reports_the_parse_error() -> None:
    with pytest.raises(InvocationError) as info:
        maybe_parse_apply_patch(["apply_patch", "not a patch"])
    assert str(info.value) == "invalid patch: The first line of the patch must be '*** Begin Patch'"


def test_cd_prefix_moves_the_base_directory(tmp_path) -> None:
    from codex.tools.apply_patch import apply_plan, plan_invocation

    (tmp_path / "sub").mkdir()
    found = maybe_parse_apply_patch(["bash", "-lc", heredoc("cd sub && ")])
    plan = plan_invocation(found, tmp_path, lambda p: p.is_relative_to(tmp_path))
    assert plan.unwritable == []
    assert apply_plan(plan) == "Success. Updated the following files:\nA foo\n"
    assert (tmp_path / "sub" / "foo").read_text() == "hi\n"
