"""DESIGN.md's "may import" column for the front ends: `codex.exec` and `codex.cli` import only
`core`, `protocol`, `config` and the project-wide helpers (plus their own package; `cli`, the
entry point, also hands over to the front ends it dispatches to). Every import counts: module
level, function-local and under `if TYPE_CHECKING:`, `import codex.x`, `from codex.x import y`,
`from codex import x`, relative imports, and `importlib.import_module("codex.x")` with a literal.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

SHARED = (
    "codex.core",
    "codex.protocol",
    "codex.config",
    "codex.errors",
    "codex._lazy",
    "codex._atomic",
    "codex._fieldwise",
    "codex.__version__",
)
FRONT_ENDS = ("codex.exec", "codex.tui", "codex.app_server", "codex.mcp", "codex.viewer")
ALLOWED = {
    "codex.exec": (*SHARED, "codex.exec"),
    "codex.cli": (*SHARED, "codex.cli", *FRONT_ENDS),
}
# (importing module, imported module) -> why it is allowed anyway. Keep this empty if you can.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, *, is_package: bool = False) -> list[str]:
    """Every `codex...` name `source` (the text of `module`) imports, as dotted names; for
    `from a import b` both `a.b` is reported (b may be a submodule or an attribute)."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found += [f"{base}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            value = getattr(node.args[0], "value", None)
            if name in ("import_module", "__import__") and isinstance(value, str):
                found.append(value)
    return [name for name in found if name == "codex" or name.startswith("codex.")]


def violations(source: str, module: str, *, is_package: bool = False) -> list[str]:
    own = ".".join(module.split(".")[:2])
    allowed = ALLOWED[own]
    bad = []
    for name in imported_modules(source, module, is_package=is_package):
        if any(name == ok or name.startswith(ok + ".") for ok in allowed):
            continue
        if (module, name) in EXCEPTIONS:
            continue
        bad.append(f"{module} imports {name}")
    return bad


def front_end_files() -> list[Path]:
    return sorted(p for pkg in ALLOWED for p in (SRC / pkg.replace(".", "/")).rglob("*.py"))


def test_front_ends_import_only_what_design_allows() -> None:
    files = front_end_files()
    assert len(files) > 15  # the walk really found exec/ and cli/
    bad = []
    for path in files:
        bad += violations(
            path.read_text(), module_name(path), is_package=path.name == "__init__.py"
        )
    assert bad == []


def test_every_listed_exception_is_still_needed() -> None:
    seen = set()
    for path in front_end_files():
        module = module_name(path)
        for name in imported_modules(
            path.read_text(), module, is_package=path.name == "__init__.py"
        ):
            seen.add((module, name))
    assert sorted(set(EXCEPTIONS) - seen) == []


@pytest.mark.parametrize(
    "source",
    [
        "from codex.rollout import find_session_path\n",
        "import codex.rollout.paths\n",
        "from codex import rollout\n",
        "def f():\n    from codex.auth.manager import AuthManager\n",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from codex.sandbox import x\n",
        "from .. import local\n",
        "import importlib\nimportlib.import_module('codex.tools.router')\n",
    ],
)
def test_a_forbidden_import_in_exec_is_caught(source: str) -> None:
    assert violations(source, "codex.exec.run") != []


@pytest.mark.parametrize(
    "source",
    [
        "from codex.core.setup import prepare\n",
        "from codex import __version__\n",
        "from codex.protocol._record import Record\n",
        "from . import events\n",
        "from .events import encode_line\n",
    ],
)
def test_allowed_imports_in_exec_pass(source: str) -> None:
    assert violations(source, "codex.exec.run") == []


def test_cli_may_hand_over_to_exec_but_exec_not_to_cli() -> None:
    assert violations("from codex.exec.run import run_exec\n", "codex.cli.exec") == []
    assert violations("from codex.cli.context import CliContext\n", "codex.exec.run") != []
