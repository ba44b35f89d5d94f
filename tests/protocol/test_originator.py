"""The one place the originator override is resolved."""

from codex.protocol.originator import DEFAULT_ORIGINATOR, ORIGINATOR_ENV, resolve_originator


def test_front_end_name_without_override() -> None:
    assert resolve_originator("codex_exec", {}) == "codex_exec"
    assert resolve_originator(environ={}) == DEFAULT_ORIGINATOR == "codex_cli_rs"


def test_override_wins_and_empty_override_is_ignored() -> None:
    assert ORIGINATOR_ENV == "CODEX_INTERNAL_ORIGINATOR_OVERRIDE"
    assert resolve_originator("codex_exec", {ORIGINATOR_ENV: "codex_sdk_ts"}) == "codex_sdk_ts"
    assert resolve_originator("codex_exec", {ORIGINATOR_ENV: ""}) == "codex_exec"
