"""The execpolicy `.rules` parser (codex.sandbox.execpolicy), from the bytes of a rule file.

Input: the file's bytes, read through `parse_policy_files` as codex reads `$CODEX_HOME/rules`.
Properties: a malformed file raises only ExecPolicyError (never a UnicodeDecodeError,
IndexError, RecursionError...); every prefix rule of a parsed policy matches a command spelled
as its own pattern, with a decision at least as strict as its own; evaluations serialise to
JSON as `codex execpolicy check` prints them.
"""

from __future__ import annotations

import json
import os

from tests.fuzz._support import check, scratch_dir

from codex.sandbox.execpolicy import ExecPolicyError, parse_policy_files


def one_input(data: bytes) -> None:
    path = os.path.join(scratch_dir(), "fuzz.rules")
    with open(path, "wb") as f:
        f.write(data)
    try:
        policy = parse_policy_files([path])
    except ExecPolicyError as err:
        check(len(str(err).splitlines()) == 1, f"error is not one line: {err!s}")
        return
    for rules in policy.rules_by_program.values():
        for rule in rules:
            command = [alternatives[0] for alternatives in rule.pattern]
            evaluation = policy.check(command, resolve_host_executables=True)
            check(evaluation.decision is not None, f"{rule} does not match {command}")
            assert evaluation.decision is not None
            check(
                evaluation.decision.severity >= rule.decision.severity,
                f"{command}: {evaluation.decision} is weaker than its rule's {rule.decision}",
            )
            json.dumps(evaluation.to_json_dict())
            policy.check(["/usr/bin/" + command[0], *command[1:]], resolve_host_executables=True)
