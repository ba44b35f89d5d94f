"""execpolicy: `.rules` files of `prefix_rule(...)` calls, and what they decide for a command.

Rule files are Starlark upstream. We read the subset they are written in with our own small
parser and never evaluate anything: top-level calls of `prefix_rule`, `host_executable` and
`network_rule` with literal arguments (strings, lists, True/False/None, numbers), comments,
blank lines, trailing commas. Anything else is an `ExecPolicyError` whose message is one line,
`file:line:column: what is wrong`.

Matching is by prefix: a rule matches an argv that starts with its pattern (each pattern token
a string or a list of alternatives). Every matching rule is reported; the decision is the
strictest (forbidden > prompt > allow).

This module only re-exports; one job per module: `execpolicy_matching` (rules and decisions),
`execpolicy_parser` (the Starlark subset), `execpolicy_files` (finding, reading and appending
rule files). The names below are the public ones.
"""

from codex.sandbox.execpolicy_files import (
    DEFAULT_RULES_FILE,
    RULE_EXTENSION,
    RULES_DIR,
    append_allow_prefix_rule,
    load_exec_policy,
    parse_policy_files,
    rule_files,
)
from codex.sandbox.execpolicy_matching import (
    Decision,
    Evaluation,
    ExecPolicy,
    NetworkRule,
    PrefixRule,
    RuleMatch,
    strictest,
)
from codex.sandbox.execpolicy_parser import ExecPolicyError, PolicyParser

__all__ = [
    "DEFAULT_RULES_FILE",
    "RULES_DIR",
    "RULE_EXTENSION",
    "Decision",
    "Evaluation",
    "ExecPolicy",
    "ExecPolicyError",
    "NetworkRule",
    "PolicyParser",
    "PrefixRule",
    "RuleMatch",
    "append_allow_prefix_rule",
    "load_exec_policy",
    "parse_policy_files",
    "rule_files",
    "strictest",
]
