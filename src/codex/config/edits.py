"""`ConfigEdits`: the one way anything changes config.toml. Comments, ordering and formatting of
untouched parts survive (tomlkit); the write is atomic (temp file in the same directory, fsync,
rename, original mode kept) and serialized against other codex processes editing the same file.

Writes go to the effective config file: `--config-file` / `$CODEX_CONFIG_FILE` when given, else
`$CODEX_HOME/config.toml`. Queue edits, then `apply()` once.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex._atomic import default_file_mode, replace_file
from codex.errors import CodexError, UsageError

if TYPE_CHECKING:
    import tomlkit.container
    import tomlkit.items

    from codex.config.model import Config
    from codex.config.overrides import ConfigOverrides

    TomlTable = tomlkit.container.Container | tomlkit.items.Table | tomlkit.items.InlineTable

KeyLike = str | Sequence[str]


class ConfigEdits:
    """A batch of edits to one config file, applied together by `apply()`."""

    def __init__(self, config_file: Path) -> None:
        self.config_file = Path(config_file)
        self._edits: list[Callable[[Any], None]] = []

    @classmethod
    def for_config(cls, config: Config) -> ConfigEdits:
        return cls(config.config_file)

    @classmethod
    def for_overrides(cls, overrides: ConfigOverrides) -> ConfigEdits:
        from codex.config.paths import resolve_paths

        return cls(resolve_paths(overrides).config_file)

    # -- queued edits -------------------------------------------------------------------------

    def set(self, key: KeyLike, value: Any) -> ConfigEdits:
        """Set a value; a string key is dotted (`tui.notifications`), a sequence is literal
        segments (for keys containing dots, like project paths). Tables are created as needed."""
        path = _key(key)
        self._edits.append(lambda doc: _set(doc, path, value))
        return self

    def remove(self, key: KeyLike) -> ConfigEdits:
        """Remove a key or a whole table; absent keys are fine."""
        path = _key(key)
        self._edits.append(lambda doc: _remove(doc, path))
        return self

    def set_project_trust_level(self, project: Path | str, level: Enum | str) -> ConfigEdits:
        """`[projects."<abs path>"] trust_level = "trusted"|"untrusted"`."""
        from codex.protocol.config_types import TrustLevel

        trust = TrustLevel(level.value if isinstance(level, Enum) else level)
        absolute = os.path.abspath(os.fspath(project))
        return self.set(("projects", absolute, "trust_level"), trust.value)

    def set_mcp_server(self, name: str, server: Mapping[str, Any]) -> ConfigEdits:
        """Add or replace `[mcp_servers.<name>]` (what `codex mcp add` writes)."""
        return self.set(("mcp_servers", name), dict(server))

    def remove_mcp_server(self, name: str) -> ConfigEdits:
        return self.remove(("mcp_servers", name))

    # -- applying -----------------------------------------------------------------------------

    def render(self) -> str:
        """The file's text after the queued edits, without writing anything."""
        return self._edited(self.config_file)

    def apply(self) -> None:
        """Apply all queued edits in one atomic write (creating the file and its directory)."""
        target = Path(os.path.realpath(self.config_file))
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise CodexError(f"cannot create {target.parent}: {err.strerror or err}") from None
        with _locked(target.parent):
            atomic_write(target, self._edited(target))
        self._edits.clear()

    def _edited(self, path: Path) -> str:
        doc, original = _parse(path)
        for edit in self._edits:
            edit(doc)
        text: str = doc.as_string()
        # tomlkit leaves a blank line behind a removed last table; don't grow the file's tail.
        if text.endswith("\n\n") and not original.endswith("\n\n"):
            text = text.rstrip("\n") + "\n"
        return text


def atomic_write(path: Path, text: str) -> None:
    """Replace `path` with `text` so a reader sees the old file or the new one, never a mix."""
    try:
        mode = os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        mode = default_file_mode()
    try:
        replace_file(path, text.encode("utf-8"), mode)
    except OSError as err:
        raise CodexError(f"cannot write config file {path}: {err.strerror or err}") from None


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Serialize read-modify-write cycles between processes with flock on the directory itself
    (no lock file left behind in the home)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not unix
        yield
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _parse(path: Path) -> tuple[Any, str]:
    """The file as a tomlkit document (empty if absent), and its original text."""
    import tomlkit
    from tomlkit.exceptions import ParseError

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return tomlkit.document(), ""
    except OSError as err:
        raise CodexError(f"cannot read config file {path}: {err.strerror or err}") from None
    from codex.config.toml_read import parse_toml

    # The reader's checks first: one line for a file nested too deep (tomlkit would recurse
    # into a RecursionError) or not valid TOML at all.
    parse_toml(text.encode("utf-8"), path)
    try:
        return tomlkit.parse(text), text
    except ParseError as err:
        raise UsageError(
            f"{path}:{err.line}:{err.col}: TOML syntax error; fix it before editing"
        ) from None


def _key(key: KeyLike) -> tuple[str, ...]:
    path = tuple(key.split(".")) if isinstance(key, str) else tuple(key)
    if not path or any(not part for part in path):
        raise ValueError(f"bad config key {key!r}")
    return path


def _set(doc: Any, path: tuple[str, ...], value: Any) -> None:
    parent = _container(doc, path[:-1], leaf_is_table=isinstance(value, Mapping))
    parent[path[-1]] = _item(value, top=not _is_inline(parent))


def _remove(doc: Any, path: tuple[str, ...]) -> None:
    node = doc
    for part in path[:-1]:
        node = node.get(part) if hasattr(node, "get") else None
        if node is None or not hasattr(node, "get"):
            return
    if path[-1] in node:
        del node[path[-1]]


def _container(doc: Any, path: tuple[str, ...], *, leaf_is_table: bool) -> Any:
    """The table at `path`, created (or made a table, replacing a non-table) as needed."""
    import tomlkit

    node = doc
    for depth, part in enumerate(path):
        child = node.get(part)
        if not isinstance(child, Mapping):
            last = depth == len(path) - 1
            # Tables that only hold tables get no header of their own (`[projects."/p"]`).
            child = tomlkit.table(is_super_table=leaf_is_table or not last)
            if _is_inline(node):
                child = tomlkit.inline_table()
            node[part] = child
            child = node[part]
        node = child
    return node


def _is_inline(node: Any) -> bool:
    import tomlkit.items

    return isinstance(node, tomlkit.items.InlineTable)


def _item(value: Any, *, top: bool) -> Any:
    """A tomlkit item for a plain value: a mapping becomes a table (nested ones inline)."""
    import tomlkit

    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, Mapping):
        table = tomlkit.table() if top else tomlkit.inline_table()
        for name, child in value.items():
            table[str(name)] = _item(child, top=False)
        return table
    if isinstance(value, list | tuple):
        array = tomlkit.array()
        array.extend(_item(v, top=False) for v in value)
        return array
    return value
