"""execpolicy matching: prefix rules, host executables and network rules, and what they decide
for a command (the strictest matching rule wins: forbidden > prompt > allow). No parsing, no
I/O: codex.sandbox.execpolicy_parser builds an ExecPolicy, execpolicy_files reads and appends
rule files."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Decision(StrEnum):
    ALLOW = "allow"
    PROMPT = "prompt"
    FORBIDDEN = "forbidden"

    @property
    def severity(self) -> int:
        return ("allow", "prompt", "forbidden").index(self.value)


def strictest(decisions: Iterable[Decision]) -> Decision | None:
    return max(decisions, key=lambda d: d.severity, default=None)


@dataclass(frozen=True, slots=True)
class PrefixRule:
    pattern: tuple[tuple[str, ...], ...]  # each token: its alternatives
    decision: Decision
    justification: str | None = None

    @property
    def program(self) -> str:
        return self.pattern[0][0]

    def matches(self, command: Sequence[str]) -> list[str] | None:
        if len(command) < len(self.pattern):
            return None
        for alternatives, token in zip(self.pattern, command, strict=False):
            if token not in alternatives:
                return None
        return list(command[: len(self.pattern)])


@dataclass(frozen=True, slots=True)
class RuleMatch:
    """`prefixRuleMatch` (a rule matched) or `heuristicsRuleMatch` (no rule; a fallback)."""

    decision: Decision
    matched_prefix: list[str] | None = None
    justification: str | None = None
    resolved_program: str | None = None
    heuristics_command: list[str] | None = None

    @property
    def is_rule(self) -> bool:
        return self.matched_prefix is not None

    def to_json_dict(self) -> dict[str, Any]:
        if self.matched_prefix is None:
            return {
                "heuristicsRuleMatch": {
                    "command": self.heuristics_command,
                    "decision": self.decision.value,
                }
            }
        body: dict[str, Any] = {
            "matchedPrefix": self.matched_prefix,
            "decision": self.decision.value,
        }
        if self.resolved_program is not None:
            body["resolvedProgram"] = self.resolved_program
        if self.justification is not None:
            body["justification"] = self.justification
        return {"prefixRuleMatch": body}


@dataclass(frozen=True, slots=True)
class NetworkRule:
    host: str
    protocol: str
    decision: Decision
    justification: str | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    decision: Decision | None
    matched_rules: list[RuleMatch]

    def to_json_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"matchedRules": [m.to_json_dict() for m in self.matched_rules]}
        if self.decision is not None:
            out["decision"] = self.decision.value
        return out


Fallback = Callable[[Sequence[str]], Decision]


@dataclass(slots=True)
class ExecPolicy:
    rules_by_program: dict[str, list[PrefixRule]] = field(default_factory=dict)
    host_executables: dict[str, list[str]] = field(default_factory=dict)
    network_rules: list[NetworkRule] = field(default_factory=list)

    def add_rule(self, rule: PrefixRule) -> None:
        self.rules_by_program.setdefault(rule.program, []).append(rule)

    def add_prefix_rule(self, prefix: Sequence[str], decision: Decision) -> None:
        if not prefix:
            raise ValueError("a prefix rule needs at least one token")
        self.add_rule(PrefixRule(tuple((tok,) for tok in prefix), decision))

    def matches_for_command(
        self,
        command: Sequence[str],
        fallback: Fallback | None = None,
        *,
        resolve_host_executables: bool = False,
    ) -> list[RuleMatch]:
        found = self._rule_matches(command)
        if not found and resolve_host_executables and command and command[0].startswith("/"):
            found = self._host_executable_matches(command)
        if not found and fallback is not None:
            found = [RuleMatch(fallback(command), heuristics_command=list(command))]
        return found

    def _rule_matches(self, command: Sequence[str], resolved: str | None = None) -> list[RuleMatch]:
        if not command:
            return []
        out = []
        for rule in self.rules_by_program.get(command[0], ()):
            prefix = rule.matches(command)
            if prefix is not None:
                out.append(RuleMatch(rule.decision, prefix, rule.justification, resolved))
        return out

    def _host_executable_matches(self, command: Sequence[str]) -> list[RuleMatch]:
        path = command[0]
        name = os.path.basename(path)
        allowed = self.host_executables.get(name)
        if allowed is not None and path not in allowed:
            return []
        return self._rule_matches([name, *command[1:]], resolved=path)

    def check(
        self,
        command: Sequence[str],
        fallback: Fallback | None = None,
        *,
        resolve_host_executables: bool = False,
    ) -> Evaluation:
        return self.check_multiple(
            [command], fallback, resolve_host_executables=resolve_host_executables
        )

    def check_multiple(
        self,
        commands: Iterable[Sequence[str]],
        fallback: Fallback | None = None,
        *,
        resolve_host_executables: bool = False,
    ) -> Evaluation:
        matched: list[RuleMatch] = []
        for command in commands:
            matched.extend(
                self.matches_for_command(
                    command, fallback, resolve_host_executables=resolve_host_executables
                )
            )
        return Evaluation(strictest(m.decision for m in matched), matched)
