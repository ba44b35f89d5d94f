"""The conversation as the model sees it: an ordered list of ResponseItems, normalized before each
request (every call has an output, no orphan outputs, nothing internal sent).

Tool outputs are middle-truncated once when recorded (1.2× the tool budget, spec-core §2.4), so
history memory is bounded per item. `for_prompt()` builds the request input in one pass and keeps
no copy of its own; appending is O(1). Never does I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from codex.protocol.items import (
    CustomToolCall,
    CustomToolCallOutput,
    FunctionCall,
    FunctionCallOutput,
    LocalShellCall,
    Message,
    RawItem,
    ResponseItem,
)
from codex.tools.output import TruncationPolicy, structured_to_freeform, truncate_text

ABORTED_OUTPUT = "aborted"
# The first line of the user message that carries a compaction's summary: written by
# codex.core.compact, recognized when a compacted rollout is resumed (codex.core.resume) and
# when compaction picks the real user messages.
SUMMARY_PREFIX = """\
An earlier part of this conversation was compacted. A previous model instance wrote the summary \
below as a hand-off; use it to continue the work without redoing what is already done:"""
_CALL_TYPES = (FunctionCall, CustomToolCall, LocalShellCall)
_OUTPUT_TYPES = (FunctionCallOutput, CustomToolCallOutput)
# Item types that only exist for us (undo markers) and never reach the model.
_INTERNAL_TYPES = frozenset({"ghost_snapshot"})


def _call_id(item: ResponseItem) -> str | None:
    if isinstance(item, LocalShellCall):
        return item.call_id or item.id
    return getattr(item, "call_id", None)


def is_api_item(item: ResponseItem) -> bool:
    """Whether an item belongs in history at all (system messages and unknown junk do not)."""
    if isinstance(item, Message):
        return item.role != "system"
    if isinstance(item, RawItem):
        return item.type in _INTERNAL_TYPES or item.type == "compaction_summary"
    return True


_PSEUDO_USER_PREFIXES = (
    "# AGENTS.md instructions for ",
    "<environment_context>",
    "<user_shell_command>",
    "<skill>",
    '<codex_internal_context source="goal">',  # a goal turn's input (core.goals)
    '<codex_internal_context source="user_goal">',  # a user's goal change (core.goals)
    SUMMARY_PREFIX,
)


def real_user_texts(items: Iterable[ResponseItem]) -> list[str]:
    """What the user actually typed, oldest first (context pseudo-messages and summaries out)."""
    out: list[str] = []
    for item in items:
        if isinstance(item, Message) and item.role == "user":
            text = item.text()
            if text and not text.startswith(_PSEUDO_USER_PREFIXES):
                out.append(text)
    return out


class ContextHistory:
    """Items sent to the model on every request of the conversation."""

    def __init__(self, policy: TruncationPolicy | None = None) -> None:
        # Upstream stores tool outputs truncated at 1.2× the per-call budget.
        self._store_policy = (policy or TruncationPolicy.tokens(10_000)).scaled(1.2)
        self._store_budget = self._store_policy.byte_budget
        self._items: list[ResponseItem] = []
        self._approx_bytes = 0

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[ResponseItem]:
        return iter(self._items)

    @property
    def items(self) -> list[ResponseItem]:
        return self._items

    def record(self, items: Iterable[ResponseItem]) -> None:
        for item in items:
            if not is_api_item(item):
                continue
            if (
                isinstance(item, _OUTPUT_TYPES)
                and isinstance(item.output, str)
                and len(item.output) > self._store_budget // 4  # cheap pre-check
            ):
                item.output = truncate_text(item.output, self._store_policy)
            self._items.append(item)

    def replace(self, items: Iterable[ResponseItem]) -> None:
        self._items = []
        self.record(items)

    def for_prompt(self, *, freeform_exec_outputs: bool = False) -> list[ResponseItem]:
        """The request input: calls paired with outputs, orphans and internal items dropped.

        `freeform_exec_outputs`: the freeform apply_patch tool is offered, so structured (JSON)
        outputs of shell-like calls are sent as the freeform `Exit code:` text, as upstream
        does at send time (history keeps the JSON)."""
        call_ids: dict[str, str] = {}
        answered: set[str] = set()
        for item in self._items:
            if isinstance(item, _CALL_TYPES):
                cid = _call_id(item)
                if cid:
                    call_ids[cid] = _call_name(item)
            elif isinstance(item, _OUTPUT_TYPES):
                answered.add(item.call_id)
        out: list[ResponseItem] = []
        for item in self._items:
            if isinstance(item, RawItem) and item.type in _INTERNAL_TYPES:
                continue
            if isinstance(item, _OUTPUT_TYPES):
                name = call_ids.get(item.call_id)
                if name is None:
                    continue  # orphan output
                if freeform_exec_outputs and name in _RESERIALIZED and isinstance(item.output, str):
                    text = structured_to_freeform(item.output)
                    if text is not None:
                        item = type(item)(item.call_id, text)
            out.append(item)
            if isinstance(item, _CALL_TYPES):
                cid = _call_id(item)
                if cid and cid not in answered:
                    out.append(synthetic_output(item, ABORTED_OUTPUT))
        return out

    def last_assistant_text(self) -> str | None:
        for item in reversed(self._items):
            if isinstance(item, Message) and item.role == "assistant":
                return item.text()
        return None

    def to_dicts(self) -> list[dict[str, Any]]:
        return [item.to_dict() for item in self._items]


_RESERIALIZED = frozenset({"shell", "container.exec", "apply_patch", "local_shell"})


def _call_name(item: ResponseItem) -> str:
    if isinstance(item, LocalShellCall):
        return "local_shell"
    return getattr(item, "name", "") or ""


def synthetic_output(call: ResponseItem, text: str) -> ResponseItem:
    """The output item that answers `call` (custom calls get a custom output)."""
    cid = _call_id(call) or ""
    if isinstance(call, CustomToolCall):
        return CustomToolCallOutput(cid, text)
    return FunctionCallOutput(cid, text)
