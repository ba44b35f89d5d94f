"""Whether `$CODEX_HOME/rules` may hold `*.rules` files, asked at every session start.

Without any, the rules parser (codex.sandbox.execpolicy) is never imported. The answer is kept
while the folder's stat is unchanged (codex.core.stat_cache): a file added, removed or renamed in
it changes the folder's mtime, so one stat replaces a listing per start and a rules file added
between two thread starts is seen by the second, as before.
"""

from __future__ import annotations

import os

from codex.core.stat_cache import StatCache, Watch

_rule_files: StatCache[bool] = StatCache()


def has_rule_files(codex_home: str | os.PathLike[str]) -> bool:
    """True unless the folder is missing or certainly holds no `*.rules` file (anything odd,
    such as an unreadable folder, is left to the parser)."""
    folder = os.path.join(os.fspath(codex_home), "rules")
    return _rule_files.get(folder, lambda watch: _list(folder, watch))


def _list(folder: str, watch: Watch) -> bool:
    watch.add(folder)  # stamped before it is listed
    try:
        with os.scandir(folder) as entries:
            return any(entry.name.endswith(".rules") for entry in entries)
    except FileNotFoundError:
        return False
    except OSError:
        return True
