from __future__ import annotations

import uuid

from codex.protocol.ids import (
    is_uuid,
    new_call_id,
    new_custom_output_id,
    new_function_output_id,
    new_message_id,
    new_thread_id,
    uuid7,
)
from codex.protocol.usage import TokenUsage, TokenUsageInfo, approx_token_count


def test_token_usage_add_is_elementwise_and_pure() -> None:
    a = TokenUsage(100, 10, 1, 20, 5, 120)
    b = TokenUsage(1, 2, 3, 4, 5, 6)
    assert a.add(b) == TokenUsage(101, 12, 4, 24, 10, 126)
    assert a + b == a.add(b)
    assert a == TokenUsage(100, 10, 1, 20, 5, 120)


def test_info_accumulates_total_and_replaces_last() -> None:
    info = TokenUsageInfo(model_context_window=258400)
    info.append_last_usage(TokenUsage(100, 0, 0, 10, 0, 110))
    info.append_last_usage(TokenUsage(100, 0, 0, 10, 0, 110))
    assert info.total_token_usage.total_tokens == 220
    assert info.last_token_usage.total_tokens == 110


def test_fill_to_context_window() -> None:
    info = TokenUsageInfo()
    info.append_last_usage(TokenUsage(total_tokens=900))
    info.fill_to_context_window(1000)
    assert info.total_token_usage.total_tokens == 1000
    assert info.last_token_usage.total_tokens == 100
    assert info.model_context_window == 1000


def test_percent_remaining_subtracts_the_baseline() -> None:
    assert TokenUsage(total_tokens=12_000).percent_of_context_window_remaining(112_000) == 100
    assert TokenUsage(total_tokens=62_000).percent_of_context_window_remaining(112_000) == 50
    assert TokenUsage(total_tokens=500_000).percent_of_context_window_remaining(112_000) == 0
    assert TokenUsage().percent_of_context_window_remaining(5_000) == 0


def test_blended_total() -> None:
    assert TokenUsage(100, 30, 0, 20, 0, 120).blended_total() == 90


def test_approx_token_count_rounds_up_bytes_over_four() -> None:
    assert [approx_token_count("x" * n) for n in (0, 1, 4, 5, 8)] == [0, 1, 1, 2, 2]
    assert approx_token_count("é") == 1  # 2 bytes


def test_ids() -> None:
    assert uuid.UUID(new_thread_id()).version == 4
    v7 = uuid.UUID(uuid7())
    assert v7.version == 7 and v7.variant == uuid.RFC_4122
    a, b = uuid7(), uuid7()
    assert a[:8] <= b[:8]  # leading timestamp bits are monotone across calls
    assert new_message_id().startswith("msg_") and is_uuid(new_message_id()[4:])
    assert new_function_output_id().startswith("fco_")
    assert new_custom_output_id().startswith("ctco_")
    assert new_call_id().startswith("call_") and new_call_id() != new_call_id()
    assert not is_uuid("nope")
