"""What the command line says about configuration, and the `-c key=value` override syntax.

Upstream semantics (codex-rs `common/src/config_override.rs`): split on the first `=`, trim both
halves, parse the value as a TOML value (`_x_ = <value>`), else take it as a string with
surrounding quotes stripped; the key is a dotted path of literal segments (no quoting). No I/O and
no pydantic here: the CLI builds a `ConfigOverrides` on every run.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from typing import Any

from codex._dataclass import dataclass
from codex.errors import UsageError


@dataclass(frozen=True, slots=True)
class ConfigOverrides:
    """The global config options of one invocation, unresolved (as typed by the user)."""

    config_home: str | None = None
    config_file: str | None = None
    cli_overrides: tuple[str, ...] = ()
    profile: str | None = None
    # `--enable NAME` / `--disable NAME`, in command-line order (the last one for a name wins).
    feature_toggles: tuple[tuple[str, bool], ...] = ()
    strict: bool = False  # --strict-config: unknown fields are an error
    ignore_user_config: bool = False  # --ignore-user-config: $CODEX_HOME/config.toml unread


@dataclass(frozen=True, slots=True)
class CliOverride:
    """One parsed `-c` option: the dotted path, the TOML value and the text it came from."""

    path: tuple[str, ...]
    value: Any
    raw: str


def parse_override(raw: str) -> CliOverride:
    """Parse one `-c key=value`; a missing `=` or an empty key is a usage error."""
    key, sep, value_text = raw.partition("=")
    if not sep:
        raise UsageError(f"Invalid override (missing '='): {raw}")
    key = key.strip()
    if not key:
        raise UsageError(f"Empty key in override: {raw}")
    return CliOverride(tuple(key.split(".")), parse_value(value_text.strip()), raw)


def parse_value(text: str) -> Any:
    """A TOML value if `text` is one, else the literal string minus surrounding quotes."""
    import tomllib

    from codex.config.toml_read import MAX_DEPTH, nested_deeper_than

    try:
        value = tomllib.loads(f"_x_ = {text}")["_x_"]
    except (tomllib.TOMLDecodeError, RecursionError):
        pass
    else:
        # 0.169's parser refuses nesting past its limit, and a value that does not parse is
        # a string: so is ours (never a RecursionError further down).
        if not nested_deeper_than(value, MAX_DEPTH - 1):
            return value
    # Rust's trim_matches: strips any run of either quote character from both ends.
    return text.strip().strip("\"'")


def parse_overrides(raws: Sequence[str]) -> list[CliOverride]:
    return [parse_override(raw) for raw in raws]


def apply_override(root: MutableMapping[str, Any], path: Sequence[str], value: Any) -> None:
    """Set `value` at `path`, creating tables and replacing non-tables on the way (upstream)."""
    current = root
    for segment in path[:-1]:
        child = current.get(segment)
        if not isinstance(child, MutableMapping):
            child = {}
            current[segment] = child
        current = child
    current[path[-1]] = value


def check_sandbox_flags(full_auto: bool, yolo: bool) -> None:
    """`--full-auto` (workspace-write) and `--dangerously-bypass-approvals-and-sandbox` (`--yolo`,
    no sandbox) contradict each other: refuse both, in the words upstream's clap uses (exit 2)."""
    if full_auto and yolo:
        raise UsageError(
            "the argument '--full-auto' cannot be used with "
            "'--dangerously-bypass-approvals-and-sandbox'"
        )
