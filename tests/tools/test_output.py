"""Tool output formats and truncation, as the official CLI writes them."""

from __future__ import annotations

import json

import pytest

from codex.tools.output import (
    TruncationPolicy,
    aborted_output,
    apply_patch_verification_failed,
    failed_to_parse_arguments,
    format_exec_command_output,
    format_freeform_exec_output,
    format_structured_exec_output,
    formatted_truncate_text,
    missing_field,
    new_chunk_id,
    rust_float,
    serde_position,
    structured_to_freeform,
    truncate_text,
    unknown_process,
    unsupported_call,
    unsupported_custom_call,
)


def test_exec_command_output_matches_the_official_sample() -> None:
    # From samples/request-B-turn2.json (the official CLI's function_call_output).
    output = "pyenv: cannot rehash: $HOME/.pyenv/shims isn't writable\nhello-from-shell\n/repo\n0\n"
    text = format_exec_command_output(
        output, wall_time_seconds=0.0289, max_output_tokens=10_000, exit_code=0, chunk_id="691aba"
    )
    assert text == "Chunk ID: 691aba\nWall time: 0.0289 seconds\nProcess exited with code 0\n" + (
        f"Original token count: {(len(output) + 3) // 4}\nOutput:\n{output}"
    )


def test_exec_command_output_for_a_running_session_and_truncation() -> None:
    output = "x" * 100
    text = format_exec_command_output(
        output, wall_time_seconds=1.5, max_output_tokens=10, session_id=3, chunk_id="abcdef"
    )
    assert text.splitlines()[:5] == [
        "Chunk ID: abcdef",
        "Wall time: 1.5000 seconds",
        "Process running with session ID 3",
        "Original token count: 25",
        "Output:",
    ]
    assert text.endswith(
        "Total output lines: 1\n\n" + "x" * 20 + "…15 tokens truncated…" + "x" * 20
    )


def test_chunk_ids_are_six_hex_digits() -> None:
    ids = {new_chunk_id() for _ in range(20)}
    assert all(len(i) == 6 and int(i, 16) >= 0 for i in ids) and len(ids) > 1


def test_freeform_output_matches_the_official_apply_patch_reply() -> None:
    # From samples/rollouts/D.rollout.jsonl (custom_tool_call_output of apply_patch).
    stdout = "Success. Updated the following files:\nA hello_patch.txt\n"
    text = format_freeform_exec_output(
        stdout, exit_code=0, duration_seconds=0.01, policy=TruncationPolicy.tokens(10_000)
    )
    assert text == "Exit code: 0\nWall time: 0 seconds\nOutput:\n" + stdout


def test_freeform_output_truncated_reports_total_lines() -> None:
    text = format_freeform_exec_output(
        "a\n" * 50, exit_code=2, duration_seconds=2.46, policy=TruncationPolicy.bytes(20)
    )
    lines = text.split("\n")
    assert lines[:4] == [
        "Exit code: 2",
        "Wall time: 2.5 seconds",
        "Total output lines: 50",
        "Output:",
    ]
    assert "…80 chars truncated…" in text


def test_structured_output_json_and_timeout_prefix() -> None:
    text = format_structured_exec_output(
        "out\n",
        exit_code=124,
        duration_seconds=10.04,
        policy=TruncationPolicy.bytes(10_000),
        timed_out_after_ms=10_000,
    )
    assert json.loads(text) == {
        "output": "command timed out after 10000 milliseconds\nout\n",
        "metadata": {"exit_code": 124, "duration_seconds": 10.0},
    }
    assert text.startswith('{"output":')


def test_structured_to_freeform_lifts_the_line_header() -> None:
    structured = format_structured_exec_output(
        "line\n" * 4000, exit_code=0, duration_seconds=0.0, policy=TruncationPolicy.bytes(1000)
    )
    text = structured_to_freeform(structured)
    assert text is not None
    assert text.startswith(
        "Exit code: 0\nWall time: 0 seconds\nTotal output lines: 4000\nOutput:\nline\n"
    )
    assert structured_to_freeform("not json") is None
    assert structured_to_freeform('{"output": 1}') is None


TRUNCATE = [
    ("short", TruncationPolicy.bytes(10), "short"),
    ("0123456789", TruncationPolicy.bytes(10), "0123456789"),
    ("0123456789AB", TruncationPolicy.bytes(10), "01234…2 chars truncated…789AB"),
    ("a" * 100, TruncationPolicy.tokens(5), "a" * 10 + "…20 tokens truncated…" + "a" * 10),
    # Never split a UTF-8 sequence: é is two bytes.
    ("éééééé", TruncationPolicy.bytes(5), "é…4 chars truncated…é"),
]


@pytest.mark.parametrize(("text", "policy", "expected"), TRUNCATE)
def test_truncate_text(text: str, policy: TruncationPolicy, expected: str) -> None:
    assert truncate_text(text, policy) == expected


def test_formatted_truncate_adds_the_line_count_only_when_cutting() -> None:
    assert formatted_truncate_text("a\nb\n", TruncationPolicy.bytes(10)) == "a\nb\n"
    cut = formatted_truncate_text("a\nb\nc\nd\ne\nf\n", TruncationPolicy.bytes(4))
    assert cut.startswith("Total output lines: 6\n\n")


def test_policy_budgets() -> None:
    assert TruncationPolicy.tokens(10).byte_budget == 40
    assert TruncationPolicy.bytes(10_000).with_token_limit(100) == TruncationPolicy.bytes(400)
    assert TruncationPolicy.tokens(10_000).with_token_limit(100) == TruncationPolicy.tokens(100)
    assert TruncationPolicy.tokens(10_000).scaled(1.2) == TruncationPolicy.tokens(12_000)


def test_rust_float() -> None:
    assert [rust_float(v) for v in (0.0, 0.1, 2.5, 1.0, 12.3)] == ["0", "0.1", "2.5", "1", "12.3"]


def test_official_error_texts() -> None:
    # All observed from codex 0.169 answering a scripted mock model.
    assert missing_field("cmd", '{"bad": 1}') == (
        "failed to parse function arguments: missing field `cmd` at line 1 column 10"
    )
    assert serde_position('{\n  "a": 1\n}\n') == "line 3 column 1"
    assert unknown_process(1000) == "write_stdin failed: Unknown process id 1000"
    assert apply_patch_verification_failed(
        "invalid patch: The first line of the patch must be '*** Begin Patch'"
    ) == (
        "apply_patch verification failed: invalid patch: "
        "The first line of the patch must be '*** Begin Patch'"
    )


def test_fixed_messages() -> None:
    assert aborted_output(1.26, shell_tool=True) == "Wall time: 1.3 seconds\naborted by user"
    assert aborted_output(0.5, shell_tool=False) == "aborted by user after 0.5s"
    assert unsupported_call("shell") == "unsupported call: shell"
    assert unsupported_custom_call("x") == "unsupported custom tool call: x"
    assert failed_to_parse_arguments("missing field `cmd`") == (
        "failed to parse function arguments: missing field `cmd`"
    )
