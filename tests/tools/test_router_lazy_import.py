"""The router imports a tool's handler module on the tool's first call. A module that fails to
import then (a broken or half-upgraded install) must fail that one call, as any handler error
does, not escape `dispatch` and end the turn."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from codex.protocol.config_types import AskForApproval
from codex.tools.runtime import router
from codex.tools.runtime.context import ToolCall, ToolContext


def test_a_handler_module_that_fails_to_import_fails_the_call(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "codex_review_broken_handler.py").write_text(
        "raise ImportError('cannot import name spawn from a newer process module')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "codex_review_broken_handler", raising=False)
    monkeypatch.setitem(
        router.FUNCTION_HANDLERS, "update_plan", ("codex_review_broken_handler", "handle")
    )
    ctx = ToolContext(
        turn_id="t1",
        cwd=tmp_path,
        approval_policy=AskForApproval.NEVER,
        sandbox_policy={"type": "read-only"},
        emit=lambda _event: None,
        gate=None,  # type: ignore[arg-type]
        unified_exec=None,  # type: ignore[arg-type]
        env={},
    )
    call = ToolCall("call_1", "update_plan", "function", '{"plan": []}')
    result = asyncio.run(router.dispatch(ctx, call))
    assert result.success is False
    assert isinstance(result.output, str)
    assert result.output.startswith("execution error: ImportError: cannot import name spawn")
