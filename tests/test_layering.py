"""DESIGN.md's "may import" column for the front ends, and the module-size rule of the working
agreement.

Front ends (`exec`, `batch`, `tui`, `app_server`, `mcp`, `viewer`, and `api`, the in-process front
door) import only `core`, `protocol`, `config`, `thread_events` (core events rendered for a
medium), the front door `codex.api`, and the project-wide helpers, plus their own package; none
imports another. `cli`, the entry point, also hands over to the front ends it dispatches to.
Rows for front ends that do not exist yet are checked from their first commit. Every import
counts: module level, function-local and under `if TYPE_CHECKING:`, `import codex.x`,
`from codex.x import y`, `from codex import x`, relative imports, and
`importlib.import_module("codex.x")` with a literal.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

HELPERS = (
    "codex.errors",
    "codex._lazy",
    "codex._atomic",
    "codex._fieldwise",
    "codex._dataclass",
    "codex._filelock",
    "codex.__version__",
    "codex._hook_trust_flag",
)
SHARED = (
    "codex.core",
    "codex.protocol",
    "codex.config",
    "codex.thread_events",
    *HELPERS,
)
FRONT_ENDS = (
    "codex.exec",
    "codex.batch",
    "codex.tui",
    "codex.app_server",
    "codex.mcp",
    "codex.viewer",
    "codex.api",
    "codex.sdk",
)
ALLOWED = {
    **{name: (*SHARED, "codex.api", name) for name in FRONT_ENDS},
    "codex.api": (*SHARED, "codex.api"),
    "codex.cli": (*SHARED, "codex.cli", *FRONT_ENDS),
    # Pure renderings of core events: the wire vocabulary of protocol, nothing with I/O.
    "codex.thread_events": ("codex.protocol", "codex.thread_events", *HELPERS),
    # The MCP client is a tool provider beside tools/, not a front end: core starts it.
    "codex.mcp_client": (
        "codex.protocol",
        "codex.config",
        "codex.tools",
        "codex.mcp_client",
        *HELPERS,
    ),
}
# (importing module, imported module) -> why it is allowed anyway. Keep this empty if you can.
EXCEPTIONS: dict[tuple[str, str], str] = {}

# The working agreement's "small modules with one job (<= ~600 lines)". A module over the limit
# is listed here with the reason it still is; remove it as soon as it is split (the test fails
# when a listed module no longer needs its exception).
MAX_LINES = 600
LONG_MODULES: dict[str, str] = {}


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
    found: list[Path] = []
    for pkg in ALLOWED:
        base = SRC / pkg.replace(".", "/")
        found += base.rglob("*.py")
        if base.with_suffix(".py").is_file():  # a one-module front end (codex/api.py)
            found.append(base.with_suffix(".py"))
    return sorted(found)


def test_front_ends_import_only_what_design_allows() -> None:
    files = front_end_files()
    assert len(files) > 15  # the walk really found exec/ and cli/
    assert SRC / "codex/thread_events/jsonl.py" in files
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


@pytest.mark.parametrize(
    ("importer", "imported"),
    [
        ("codex.batch.run", "codex.exec.driver"),
        ("codex.tui.app", "codex.app_server.server"),
        ("codex.app_server.server", "codex.mcp.server"),
        ("codex.mcp.server", "codex.viewer.html"),
        ("codex.viewer.html", "codex.tui.app"),
        ("codex.api", "codex.exec.driver"),
        ("codex.tui.app", "codex.rollout.recorder"),
        ("codex.app_server.server", "codex.tools.router"),
    ],
)
def test_front_ends_do_not_import_each_other_or_lower_layers(importer: str, imported: str) -> None:
    assert violations(f"import {imported}\n", importer) != []


@pytest.mark.parametrize("front_end", [f for f in FRONT_ENDS if f != "codex.api"])
def test_front_ends_may_use_the_front_door_and_the_event_renderings(front_end: str) -> None:
    source = (
        "from codex.api import open_session\n"
        "from codex.thread_events.jsonl import JsonlEventProcessor\n"
        "from codex.core.front_end import FrontEnd\n"
    )
    assert violations(source, front_end + ".main") == []


def test_thread_events_stay_pure() -> None:
    assert violations("from codex.core import Session\n", "codex.thread_events.jsonl") != []
    assert violations("from codex.exec.run import run_exec\n", "codex.thread_events.human") != []
    assert violations("from codex.protocol.events import Event\n", "codex.thread_events.x") == []


def _line_count(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(1 for _ in fh)


def test_no_module_is_over_the_size_limit_unless_listed() -> None:
    over = {
        str(path.relative_to(SRC)): _line_count(path)
        for path in sorted((SRC / "codex").rglob("*.py"))
        if _line_count(path) > MAX_LINES
    }
    assert {name: n for name, n in over.items() if name not in LONG_MODULES} == {}
    # An exception that is no longer needed goes (the list only shrinks).
    assert sorted(set(LONG_MODULES) - set(over)) == []


# ---- import cycles inside core -------------------------------------------------------------
# The session, the turn loop, compaction and resume once imported each other in a circle
# (session -> turn -> compact -> turn, resume -> compact, turn -> session for its type): a turn
# reached into the session instead of getting a narrowed handle (issue 14 item 2). Core modules
# now form a DAG, counting every import a module makes: at module level and inside functions
# (a lazy import is still a dependency), and, in the stricter check, the ones under
# `if TYPE_CHECKING:` too (a type-only back reference is how the circle hid).


def _core_imports(path: Path, module: str, *, type_checking: bool) -> set[str]:
    is_package = path.name == "__init__.py"
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if (
                not type_checking
                and isinstance(child, ast.If)
                and "TYPE_CHECKING" in ast.unparse(child.test)
            ):
                for stmt in child.orelse:
                    visit_one(stmt)
                continue
            visit_one(child)

    def visit_one(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
        visit(node)

    visit(ast.parse(path.read_text()))
    return found


def core_import_graph(*, type_checking: bool, root: Path = SRC) -> dict[str, set[str]]:
    """codex.core module -> the codex.core modules it imports (the package itself left out:
    its __init__ exports lazily)."""
    modules = {module_name_in(root, p): p for p in (root / "codex/core").rglob("*.py")}
    return {
        module: {
            name
            for name in _core_imports(path, module, type_checking=type_checking)
            if name in modules and name not in (module, "codex.core")
        }
        for module, path in modules.items()
    }


def module_name_in(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected set of two or more modules (Tarjan), sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return sorted(cycles)


def test_the_cycle_finder_finds_a_circle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert import_cycles(graph) == [["a", "b", "c"]]
    assert import_cycles({"a": {"b"}, "b": set()}) == []


def test_a_type_checking_back_reference_counts_only_in_the_strict_graph(tmp_path: Path) -> None:
    core = tmp_path / "codex" / "core"
    core.mkdir(parents=True)
    (core / "__init__.py").write_text("")
    (core / "session.py").write_text("from codex.core.turn import TurnRunner\n")
    (core / "turn.py").write_text(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from codex.core.session import Session\n"
        "def f():\n    from .compact import compact\n"
    )
    (core / "compact.py").write_text("")
    loose = core_import_graph(type_checking=False, root=tmp_path)
    assert loose["codex.core.turn"] == {"codex.core.compact"}
    assert import_cycles(loose) == []
    strict = core_import_graph(type_checking=True, root=tmp_path)
    assert import_cycles(strict) == [["codex.core.session", "codex.core.turn"]]


def test_core_modules_import_no_circle_at_run_time() -> None:
    graph = core_import_graph(type_checking=False)
    assert "codex.core.session_state" in graph["codex.core.turn"]  # the walk really read core
    assert import_cycles(graph) == []


def test_core_modules_import_no_circle_even_for_types() -> None:
    assert import_cycles(core_import_graph(type_checking=True)) == []
