"""Each bug the fuzzers found, as a plain test (the input is also in tests/fuzz/corpus/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from codex.rollout.reader import iter_rollout, load_rollout
from codex.sandbox.execpolicy import ExecPolicyError, PolicyParser, parse_policy_files

META = b'{"timestamp": "t", "ordinal": 0, "type": "session_meta", "payload": {"id": "s-1"}}\n'


def test_a_damaged_line_counts_its_ordinal_whether_or_not_events_are_kept(tmp_path: Path) -> None:
    # Found by fuzz_rollout: resume (which skims event_msg lines) continued the ordinals after a
    # damaged event_msg line, a replay that keeps events did not; the next ordinal written
    # after a resume depended on who read the file. Now both take the ordinal of a line whose
    # envelope head reads cleanly, so no ordinal on disk is ever handed out twice.
    path = tmp_path / "r.jsonl"
    path.write_bytes(
        META + b'{"timestamp": "t", "ordinal": 1, "type": "event_msg", "payload": {"x": \xff}\n'
    )
    assert load_rollout(path).last_ordinal == 1
    assert load_rollout(path, keep_events=True).last_ordinal == 1
    warnings: list[str] = []
    lines = list(iter_rollout(path, warnings))
    assert [(line.type, line.payload, line.ordinal) for line in lines][1] == ("event_msg", None, 1)
    assert len(warnings) == 1 and "unparsable line 2" in warnings[0]


def test_non_utf8_rules_file_is_an_exec_policy_error(tmp_path: Path) -> None:
    # Found by fuzz_execpolicy: a rules file with a byte that is not UTF-8 raised
    # UnicodeDecodeError, which load_exec_policy does not catch (a session failed to start).
    path = tmp_path / "default.rules"
    path.write_bytes(b'prefix_rule(pattern=["ls"])\n# caf\xe9\n')
    with pytest.raises(ExecPolicyError) as err:
        parse_policy_files([path])
    assert str(err.value) == f"{path}:2:6: the file is not valid UTF-8"


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('prefix_rule(pattern=["\\u1', "1:23"),  # an escape cut short by the end of the file
        ('prefix_rule(pattern=["\\x', "1:23"),
        ("prefix_rule(pattern=" + "[" * 5000, "1:"),  # nesting deeper than any rule file
        ('network_rule(host="a.b", protocol=["http"], decision="allow")', "1:26"),
    ],
)
def test_malformed_rules_are_one_exec_policy_error(text: str, where: str) -> None:
    with pytest.raises(ExecPolicyError) as err:
        PolicyParser().parse("f.rules", text)
    assert str(err.value).startswith(f"f.rules:{where}")
    assert "\n" not in str(err.value)


@pytest.mark.parametrize(
    "text",
    [
        r'prefix_rule(pattern=["a"], not_match=[["a", "x\ny"]])',
        r'prefix_rule(pattern=["a"], match=[["b\rc"]])',
        r'host_executable(name="a", paths=["/x/b\n"])',
        r'host_executable(name="a", paths=["b\u2028"])',
    ],
)
def test_exec_policy_errors_quoting_the_file_stay_one_line(text: str) -> None:
    # Messages quote examples and paths from the file; a line break in them split the
    # one-line `file:line:col: message` that codex prints.
    with pytest.raises(ExecPolicyError) as err:
        PolicyParser().parse("f.rules", text)
    assert len(str(err.value).splitlines()) == 1, str(err.value)
