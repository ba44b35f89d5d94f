"""execpolicy: the safe parser (including malformed files), matching, JSON output, amendments."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codex.sandbox.execpolicy import (
    Decision,
    ExecPolicyError,
    PolicyParser,
    append_allow_prefix_rule,
    load_exec_policy,
    parse_policy_files,
)

EXAMPLE = """
# Rules for this repo.
prefix_rule(
    pattern = ["git", ["push", "fetch"]],
    decision = "prompt",
    justification = "talks to the network",
    match = ["git push origin main", ["git", "fetch"]],
    not_match = ["git status"],
)
prefix_rule(pattern=["rm", "-rf"], decision="forbidden")
prefix_rule(pattern=[["npm", "pnpm"], "test"])   # decision defaults to allow
host_executable(name="git", paths=["/usr/bin/git"])
network_rule(host="Example.COM:443", protocol="https", decision="deny")
"""


def _parse(text: str, path: str = "t.rules"):
    parser = PolicyParser()
    parser.parse(path, text)
    return parser.build()


def test_example_policy_matches() -> None:
    policy = _parse(EXAMPLE)
    push = policy.check(["git", "push", "origin"])
    assert push.decision is Decision.PROMPT
    assert push.to_json_dict() == {
        "matchedRules": [
            {
                "prefixRuleMatch": {
                    "matchedPrefix": ["git", "push"],
                    "decision": "prompt",
                    "justification": "talks to the network",
                }
            }
        ],
        "decision": "prompt",
    }
    assert policy.check(["git", "status"]).to_json_dict() == {"matchedRules": []}
    assert policy.check(["pnpm", "test", "--watch"]).decision is Decision.ALLOW
    assert policy.check(["npm", "run"]).decision is None
    assert policy.check(["rm", "-rf", "/"]).decision is Decision.FORBIDDEN
    assert policy.network_rules[0].host == "example.com"
    assert policy.network_rules[0].decision is Decision.FORBIDDEN


def test_strictest_decision_wins() -> None:
    policy = _parse(
        'prefix_rule(pattern=["git"], decision="allow")\n'
        'prefix_rule(pattern=["git", "push"], decision="prompt")\n'
        'prefix_rule(pattern=["git", "push", "--force"], decision="forbidden")\n'
    )
    got = policy.check(["git", "push", "--force"])
    assert got.decision is Decision.FORBIDDEN and len(got.matched_rules) == 3


def test_host_executables() -> None:
    policy = _parse(EXAMPLE)
    assert policy.check(["/usr/bin/git", "push"]).decision is None
    resolved = policy.check(["/usr/bin/git", "push"], resolve_host_executables=True)
    assert resolved.decision is Decision.PROMPT
    assert (
        resolved.to_json_dict()["matchedRules"][0]["prefixRuleMatch"]["resolvedProgram"]
        == "/usr/bin/git"
    )
    assert policy.check(["/tmp/git", "push"], resolve_host_executables=True).decision is None
    # no host_executable entry for npm: any absolute path resolves by basename
    assert (
        policy.check(["/opt/npm", "test"], resolve_host_executables=True).decision is Decision.ALLOW
    )


def test_heuristics_fallback_json() -> None:
    policy = _parse("")
    got = policy.check(["ls"], lambda cmd: Decision.ALLOW)
    assert got.to_json_dict() == {
        "matchedRules": [{"heuristicsRuleMatch": {"command": ["ls"], "decision": "allow"}}],
        "decision": "allow",
    }


@pytest.mark.parametrize(
    "text,line,col,needle",
    [
        ('prefix_rule(pattern=[], decision="allow")', 1, 13, "pattern cannot be empty"),
        ('prefix_rule(pattern=["a"], decision="maybe")', 1, 28, "invalid decision"),
        ('prefix_rule(pattern=["a"], justification="  ")', 1, 28, "justification cannot be empty"),
        ('\n\nprefix_rule(pattern=["a"], match=["b"])', 3, 28, "does not match its match example"),
        ('prefix_rule(pattern=["a"], not_match=["a b"])', 1, 28, "matches its not_match example"),
        ('prefix_rule(pattern=["a"], match=["\'unclosed"])', 1, 28, "invalid shell syntax"),
        ('prefix_rule(pattern=["a"], bogus=1)', 1, 28, "unexpected argument 'bogus'"),
        ('prefix_rule(decision="allow")', 1, 1, "missing the argument 'pattern'"),
        ("prefix_rule(pattern=[[]])", 1, 13, "alternatives cannot be empty"),
        ("prefix_rule(pattern=[1])", 1, 13, "string or list of strings"),
        ("evil()", 1, 1, "unknown function 'evil'"),
        ("prefix_rule(pattern=[os])", 1, 22, "unknown name 'os'"),
        ("x = 1", 1, 1, "assignments are not supported"),
        ('load("other.rules", "x")', 1, 1, "unknown function 'load'"),
        ('prefix_rule(pattern=[os.system("id")])', 1, 24, "unexpected character '.'"),
        ('prefix_rule(pattern=["a"]', 1, 26, "expected"),
        ('prefix_rule(pattern=["a)', 1, 22, "unterminated string"),
        ('prefix_rule(pattern=["a"]) prefix_rule(pattern=["b"])', 1, 28, "new line"),
        ('host_executable(name="a/b", paths=[])', 1, 17, "bare executable name"),
        ('host_executable(name="git", paths=["rel/git"])', 1, 29, "absolute"),
        ('host_executable(name="git", paths=["/usr/bin/gat"])', 1, 29, "basename"),
        ('network_rule(host="*.x.com", protocol="https", decision="deny")', 1, 14, "specific"),
        ('network_rule(host="x.com", protocol="ftp", decision="deny")', 1, 28, "protocol"),
        ("prefix_rule(pattern=[f'x'])", 1, 22, "not supported"),
        ("prefix_rule(pattern=['a'] if True else [])", 1, 27, "expected"),
    ],
)
def test_malformed_rules_are_one_located_line(text: str, line: int, col: int, needle: str) -> None:
    with pytest.raises(ExecPolicyError) as info:
        _parse(text, "bad.rules")
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"bad.rules:{line}:{col}: "), message
    assert needle in message


@given(st.text(max_size=80))
def test_parser_never_raises_anything_else(text: str) -> None:
    with contextlib.suppress(ExecPolicyError):
        _parse(text)


def test_strings_escapes_and_concatenation() -> None:
    policy = _parse(
        'prefix_rule(pattern=["a\\tb", "c" + "d", \'\\u00e9\', """x"""], decision="allow",)'
    )
    rule = policy.rules_by_program["a\tb"][0]
    assert rule.pattern == (("a\tb",), ("cd",), ("é",), ("x",))


def test_amendment_append_round_trips(tmp_path: Path) -> None:
    path = append_allow_prefix_rule(tmp_path, ["cargo", "build", 'we"ird'])
    append_allow_prefix_rule(tmp_path, ["npm", "ci"])
    assert path == tmp_path / "rules" / "default.rules"
    policy, err = load_exec_policy([tmp_path])
    assert err is None
    assert policy.check(["cargo", "build", 'we"ird', "x"]).decision is Decision.ALLOW
    assert policy.check(["npm", "ci"]).decision is Decision.ALLOW


def test_load_reports_malformed_file_and_uses_empty_policy(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "a.rules").write_text(
        'prefix_rule(pattern=["ls"], decision="forbidden")\n'
    )
    (tmp_path / "rules" / "b.rules").write_text("prefix_rule(\n")
    (tmp_path / "rules" / "notes.txt").write_text("ignored")
    policy, err = load_exec_policy([tmp_path, tmp_path / "missing"])
    assert err is not None and str(err).startswith(str(tmp_path / "rules" / "b.rules") + ":")
    assert policy.check(["ls"]).decision is None


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "codex", "--config-home", str(cwd), "execpolicy", *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
    )


def test_cli_check(tmp_path: Path) -> None:
    rules = tmp_path / "r.rules"
    rules.write_text(EXAMPLE)
    done = _cli("check", "--rules", str(rules), "--", "git", "push", "origin", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == (
        '{"matchedRules":[{"prefixRuleMatch":{"matchedPrefix":["git","push"],"decision":"prompt",'
        '"justification":"talks to the network"}}],"decision":"prompt"}\n'
    )
    none = _cli("check", "--rules", str(rules), "--", "ls", "-l", cwd=tmp_path)
    assert none.stdout == '{"matchedRules":[]}\n'
    pretty = _cli("check", "--pretty", "-r", str(rules), "--", "rm", "-rf", "/", cwd=tmp_path)
    assert json.loads(pretty.stdout)["decision"] == "forbidden" and "\n  " in pretty.stdout


def test_cli_malformed_rules(tmp_path: Path) -> None:
    rules = tmp_path / "bad.rules"
    rules.write_text('prefix_rule(pattern=["a"])\nprefix_rule(pattern=["b"], decision="nope")\n')
    done = _cli("check", "--rules", str(rules), "--", "a", cwd=tmp_path)
    assert done.returncode == 1
    assert (
        done.stderr
        == f"codex: {rules}:2:28: invalid decision 'nope' (expected allow, prompt or forbidden)\n"
    )
    missing = _cli("check", "--rules", str(tmp_path / "nope.rules"), "--", "a", cwd=tmp_path)
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1


def test_parse_policy_files_order(tmp_path: Path) -> None:
    a = tmp_path / "a.rules"
    b = tmp_path / "b.rules"
    a.write_text('prefix_rule(pattern=["x"], decision="allow")\n')
    b.write_text('prefix_rule(pattern=["x"], decision="prompt")\n')
    assert parse_policy_files([a, b]).check(["x"]).decision is Decision.PROMPT
