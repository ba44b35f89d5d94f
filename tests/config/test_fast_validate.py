"""The pydantic-free validation of config (codex.config.fast_validate) against pydantic, the
authority: on generated config trees (valid ones, and ones with wrong types, bogus spellings,
unknown keys, odd Python values), whenever the fast path builds a `Config`, pydantic builds an
equal one (same values, same types, same unknown keys at every depth) and never refuses it; and
whenever pydantic refuses a tree, the fast path declines it. Valid configurations the fast path
must answer itself are checked too, and that loading one never imports pydantic."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import math
import subprocess
import sys
import types
import typing
from enum import Enum
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, Literal, Union, get_args, get_origin

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from codex.config.fast_validate import fast_config
from codex.config.features import FEATURE_DEFAULTS
from codex.config.model import Config
from codex.config.schema import McpServerConfig, OtelExporterEndpoint, Table
from codex.config.types import After, Before
from codex.config.validate import adapter, keep_unknown_keys

WHERE = {"codex_home": Path("/h"), "config_file": Path("/h/config.toml"), "cwd": Path("/w")}


def tables() -> list[type[Table]]:
    """Every table type reachable from `Config`."""
    found: list[type[Table]] = []

    def visit(tp: Any) -> None:
        if isinstance(tp, type) and issubclass(tp, Table):
            if tp in found:
                return
            found.append(tp)
            for hint in typing.get_type_hints(tp, include_extras=True).values():
                visit(hint)
        for arg in get_args(tp):
            visit(arg)

    visit(Config)
    return found


# --- generated trees ----------------------------------------------------------------------------

_SCALARS = st.one_of(
    st.booleans(),
    st.integers(),
    st.integers(min_value=2**53 - 2, max_value=2**53 + 2),
    st.just(10**400),
    st.floats(allow_nan=False),
    st.text(max_size=6),
    st.sampled_from(["~/x", "none", "json", "binary", "on-request", "live", "a\udcff", " "]),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.none(),
)
JUNK = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=6,
)
PATHS = st.sampled_from(["~", "~/x", "rel/p", "/abs/p", "~nobody/x", "", "~root"])
UNKNOWN_KEYS = ["bogus", "x-y", "Model"]
INIT_FALSE_KEYS = ["_extra", "_origins"]  # pydantic ignores these keys; the fast path declines


class Gen:
    """Config trees from the field types: values of the type (every spelling an enum accepts,
    paths with `~`, exporter tables), a wrong one (any TOML value, None, a date, a huge int)
    for one field in `junk` when `junk` > 0, and unknown keys; `odd` adds what the fast path
    declines though pydantic may accept it (the `_extra` key, an enum member, a float past 2**53)
    and keys dropped from required fields."""

    def __init__(self, junk: int, odd: bool) -> None:
        self.junk = junk
        self.odd = odd

    def value(self, tp: Any) -> st.SearchStrategy[Any]:
        return self.mix(self._typed(tp), JUNK)

    def mix(self, good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any]) -> Any:
        """`good`, or `bad` about one time in `junk` (in the middle of the branches: hypothesis
        favours the first and the last)."""
        if not self.junk:
            return good
        middle = self.junk // 2  # (one_of would merge the repeated `good`s into one branch)
        return st.integers(0, self.junk).flatmap(lambda n: bad if n == middle else good)

    def _typed(self, tp: Any) -> st.SearchStrategy[Any]:
        origin = get_origin(tp)
        if origin is Annotated:
            return self._annotated(tp, *get_args(tp))
        if origin is Union or origin is types.UnionType:
            return st.one_of(*(self.value(arm) for arm in get_args(tp)))
        if origin is list:
            return st.lists(self.value(get_args(tp)[0]), max_size=3)
        if origin is dict:
            item = get_args(tp)[1]
            if item is OtelExporterEndpoint:  # exactly one of the two is valid
                kinds = st.sampled_from(["otlp-http", "otlp-grpc"])
                one = st.dictionaries(kinds, self.value(item), min_size=1, max_size=1)
                return self.mix(one, st.dictionaries(kinds | st.text(), self.value(item)))
            keys = st.sampled_from(["a", "b", "/w", "undo", "unified_exec", "x.y"])
            return st.dictionaries(keys, self.value(item), max_size=3)
        if origin is Literal:
            return st.sampled_from(get_args(tp))
        if tp is type(None):
            return st.none()
        if tp is str:
            return st.text(max_size=6) | st.sampled_from(["none", "statsig", " pad ", "~/x"])
        if tp is bool:
            return st.booleans()
        if tp is int:
            return st.integers(min_value=-(2**70), max_value=2**70)
        if tp is float:
            exact = st.integers(min_value=-(2**53), max_value=2**53)
            floats = st.floats(allow_nan=False) | exact
            return floats | st.integers(min_value=2**53, max_value=2**60) if self.odd else floats
        if tp is Path:
            return st.just(Path("/p"))
        if tp is Any:
            return JUNK
        if isinstance(tp, type) and issubclass(tp, Table):
            return self.table(tp)
        raise AssertionError(f"no strategy for {tp!r}")

    def _annotated(self, tp: Any, base: Any, *metadata: Any) -> st.SearchStrategy[Any]:
        if isinstance(base, type) and issubclass(base, Enum):
            spellings = st.sampled_from([member.value for member in base])
            if self.odd:  # a member as the value: the choice takes it as is
                spellings = spellings | st.sampled_from(list(base))
            return self.mix(spellings, st.text(max_size=4))
        if base is Path:
            return PATHS
        if any(
            getattr(getattr(m, "fn", None), "__name__", "") == "_otlp_protocol" for m in metadata
        ):
            protocols = st.sampled_from(["binary", "json"])
            return self.mix(protocols, st.sampled_from(["grpc", "JSON"]))
        if any(get_origin(arm) is dict for arm in get_args(base)):
            # The otel exporters: a name or a table.
            names = self.mix(st.sampled_from(["none", "statsig"]), st.just("elsewhere"))
            return names | self.value(dict[str, OtelExporterEndpoint])
        if get_origin(base) is list:  # a command line: program and arguments
            argv = st.lists(
                st.sampled_from(["~/bin/t", "~", "tool", "-v", "a b"]), min_size=1, max_size=3
            )
            return self.mix(argv, st.just([]))
        return self.value(base)

    def table(self, kind: type[Table]) -> st.SearchStrategy[dict[str, Any]]:
        hints = typing.get_type_hints(kind, include_extras=True)
        optional = {
            item.name: st.deferred(lambda tp=hints[item.name]: self.value(tp))
            for item in dataclasses.fields(kind)
            if item.init
        }
        for name, alias in kind._aliases.items():
            optional[alias] = optional[name]
        required = {name: optional.pop(name) for name in _required(kind)}
        fields = st.fixed_dictionaries(required, optional=optional)
        if self.odd:  # sometimes a required key missing
            fields = self.mix(fields, st.fixed_dictionaries({}, optional={**required, **optional}))
        keys = UNKNOWN_KEYS + INIT_FALSE_KEYS if self.odd else UNKNOWN_KEYS
        extra = st.dictionaries(st.sampled_from(keys), JUNK, max_size=2)
        fields = st.builds(lambda a, b: {**b, **a}, fields, extra)
        if kind is McpServerConfig:  # one transport, as a valid server has (mostly)
            fields = fields.map(lambda raw: _one_transport(raw, mixed=bool(self.junk)))
        return fields


def _required(kind: type[Table]) -> list[str]:
    return [
        item.name
        for item in dataclasses.fields(kind)
        if item.init
        and item.default is dataclasses.MISSING
        and item.default_factory is dataclasses.MISSING
    ]


_STDIO = {"command", "args", "env", "env_vars", "cwd"}
_HTTP = {"url", "bearer_token_env_var", "http_headers", "env_http_headers"}


def _one_transport(raw: dict[str, Any], mixed: bool) -> dict[str, Any]:
    if mixed and len(raw) % 3 == 0:  # some mixed or transport-less, for the `_check`
        return raw
    drop = _HTTP if "command" in raw or len(raw) % 2 else _STDIO
    out = {k: v for k, v in raw.items() if k not in drop}
    if "command" not in out and "url" not in out:
        out["command" if drop is _HTTP else "url"] = "x"
    return out


def configs(junk: int, odd: bool) -> st.SearchStrategy[dict[str, Any]]:
    gen = Gen(junk, odd)
    where = st.fixed_dictionaries({k: st.just(v) for k, v in WHERE.items()})
    if odd:
        paths = st.sampled_from(["/h", PurePosixPath("/h"), None, Path("/h")])
        where = gen.mix(
            where,
            st.fixed_dictionaries(
                {
                    "codex_home": paths,
                    "config_file": st.just(Path("/c")),
                    "cwd": st.just(Path("/w")),
                }
            ),
        )
    features = st.fixed_dictionaries({k: st.booleans() for k in FEATURE_DEFAULTS})
    body = gen.table(Config).map(lambda t: {k: v for k, v in t.items() if k not in WHERE})
    resolved = st.fixed_dictionaries({"features": features})
    return st.builds(
        lambda w, b, r, p: {**b, **(r if len(b) % 2 else {}), **w, **p},
        where,
        body,
        resolved,
        st.fixed_dictionaries({}, optional={"profile": st.none() | st.text(max_size=4)}),
    )


# --- comparison ------------------------------------------------------------------------------


def assert_same(mine: Any, theirs: Any, where: str = "config") -> None:
    """Equal value and type at every depth (`==` alone takes 1 for 1.0 and True for 1)."""
    assert type(mine) is type(theirs), (where, mine, theirs)
    if isinstance(mine, Table):
        for item in dataclasses.fields(mine):  # every field, `_extra` included
            assert_same(
                getattr(mine, item.name), getattr(theirs, item.name), f"{where}.{item.name}"
            )
    elif isinstance(mine, dict):
        assert list(mine) == list(theirs), where
        for key in mine:
            assert_same(mine[key], theirs[key], f"{where}.{key}")
    elif isinstance(mine, list):
        assert len(mine) == len(theirs), where
        for n, (a, b) in enumerate(zip(mine, theirs, strict=True)):
            assert_same(a, b, f"{where}[{n}]")
    elif isinstance(mine, float) and math.isnan(mine):
        assert math.isnan(theirs), where
    else:
        assert mine == theirs, (where, mine, theirs)


def model_extras(table: Table, prefix: str = "") -> dict[str, Any]:
    out = {prefix: table.model_extra}
    for item in dataclasses.fields(table):
        value = getattr(table, item.name)
        if isinstance(value, Table):
            out.update(model_extras(value, f"{prefix}.{item.name}"))
        elif isinstance(value, dict):
            for key, child in value.items():
                if isinstance(child, Table):
                    out.update(model_extras(child, f"{prefix}.{item.name}.{key}"))
    return out


def check_against_pydantic(data: dict[str, Any]) -> tuple[Config | None, Config | None]:
    before = copy.deepcopy(data)
    mine = fast_config(data)
    assert_same(data, before, "input")  # the input is never changed
    try:  # pydantic's verdict (not its one-line rendering: pydantic_config's job)
        theirs: Config | None = adapter(Config).validate_python(data)
    except ValidationError:
        theirs = None
    else:
        keep_unknown_keys(theirs, data)
    if (
        currently_in_test_context()
    ):  # what the generated trees exercised (--hypothesis-show-statistics)
        event("pydantic: valid" if theirs is not None else "pydantic: invalid")
        event("fast: built" if mine is not None else "fast: declined")
        for name in ("mcp_servers", "model_providers", "profiles", "projects", "custom_tools"):
            if mine is not None and getattr(mine, name):
                event(f"fast: built non-empty {name}")
        if mine is not None and isinstance(mine.otel.exporter, dict):
            event("fast: built an otel exporter table")
        if mine is not None and "web_search_request" in data.get("tools", {}):
            event("fast: built [tools] through the alias")
    if theirs is None:
        assert mine is None, "the fast path accepted what pydantic refuses"
    if mine is not None:
        assert theirs is not None
        assert mine == theirs
        assert mine.as_dict() == theirs.as_dict()
        assert model_extras(mine) == model_extras(theirs)
        assert_same(mine, theirs)
        assert_same(mine.as_dict(), theirs.as_dict())
    return mine, theirs


SETTINGS = settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(configs(junk=3, odd=True))
def test_fast_path_agrees_with_pydantic_or_declines(data: dict[str, Any]) -> None:
    """Mostly invalid trees: every one pydantic refuses, the fast path declines."""
    check_against_pydantic(data)


@SETTINGS
@given(configs(junk=100, odd=True))
def test_fast_path_builds_what_pydantic_builds(data: dict[str, Any]) -> None:
    """Mostly valid trees, odd values included: what the fast path builds, pydantic builds."""
    check_against_pydantic(data)


@SETTINGS
@given(configs(junk=0, odd=False))
def test_fast_path_answers_valid_configs_itself(data: dict[str, Any]) -> None:
    """Well-typed trees (no int past 2**53 where a float belongs, no `_extra` key, spellings not
    members): the fast path answers every one pydantic accepts (the `_check`s and `Before`s
    still refuse some: an empty command line, an otel exporter table of two kinds)."""
    mine, theirs = check_against_pydantic(data)
    if theirs is not None:
        assert mine is not None


# --- chosen cases ------------------------------------------------------------------------------

FULL = {
    **WHERE,
    "profile": "work",
    "model": "o3",
    "model_reasoning_effort": "high",
    "approval_policy": "never",
    "sandbox_mode": "workspace-write",
    "sandbox_workspace_write": {"writable_roots": ["~/a", "/b"], "network_access": True},
    "shell_environment_policy": {"inherit": "core", "set": {"A": "1"}, "x": 1},
    "model_providers": {
        "mock": {"name": "Mock", "base_url": "http://127.0.0.1:1/v1", "wire_api": "responses"},
        "local": {"name": "L", "tool_call_mode": "json", "request_max_retries": 3},
    },
    "mcp_servers": {
        "stdio": {"command": "srv", "args": ["-v"], "cwd": "~/srv", "startup_timeout_sec": 5},
        "http": {"url": "http://127.0.0.1:2/mcp", "tool_timeout_sec": 1.5, "odd": True},
    },
    "custom_tools": {"t": {"command": ["~/bin/t", "x"], "parameters": {"type": "object"}}},
    "tool_hook_command": ["~/hook", "--flag"],
    "profiles": {"work": {"model": "o3", "features": {"undo": False}, "web_search": "live"}},
    "projects": {"/w": {"trust_level": "trusted"}},
    "features": {**FEATURE_DEFAULTS, "undo": False},
    "tools": {"web_search_request": True, "web_search": False, "view_image": False},
    "history": {"persistence": "none", "max_bytes": 10},
    "tui": {"notifications": ["agent-turn-complete"], "animations": False},
    "otel": {
        "exporter": {"otlp-http": {"endpoint": "http://x", "protocol": "json", "more": 1}},
        "trace_exporter": {"otlp-grpc": {"endpoint": "http://y", "tls": {"ca": "c"}}},
    },
    "notice": {"hide": True, "nested": {"a": [1]}},
    "compact_prompt": "  trim me  ",
    "log_dir": "~/logs",
    "unknown_top": {"a": 1},
}


def test_a_full_config_is_built_by_the_fast_path_as_pydantic_builds_it() -> None:
    mine, _ = check_against_pydantic(FULL)
    assert mine is not None
    assert mine.tools.web_search is True  # the alias wins over the name
    assert mine.sandbox_workspace_write.writable_roots[0] == Path.home() / "a"
    assert mine.tool_hook_command == [str(Path.home() / "hook"), "--flag"]
    assert mine.compact_prompt == "trim me"
    assert mine.mcp_servers["stdio"].startup_timeout_sec == 5.0
    assert type(mine.mcp_servers["stdio"].startup_timeout_sec) is float
    assert mine.mcp_servers["http"].model_extra == {"odd": True}
    assert mine.unknown_keys == ["unknown_top"]


@pytest.mark.parametrize(
    "change",
    [
        {"model": 5},  # an int where a str belongs
        {"hide_agent_reasoning": 1},  # an int where a bool belongs
        {"model_context_window": True},  # a bool where an int belongs
        {"model_context_window": 1.0},  # a float where an int belongs
        {"approval_policy": "sometimes"},
        {"mcp_servers": {"s": {"command": "x", "url": "http://y"}}},  # the _check
        {"mcp_servers": {"s": {"command": "x", "startup_timeout_sec": True}}},
        {"features": {"undo": True, "new_thing": 3}},  # Features._check
        {"otel": {"exporter": "elsewhere"}},  # an After
        {"otel": {"exporter": {"otlp-http": {"endpoint": "e", "protocol": "xml"}}}},
        {"tool_hook_command": []},  # a Before
        {"model_providers": {"p": {"base_url": "u"}}},  # a required key missing
        {"model_providers": {"p": {"name": "p", "tool_call_mode": "JSON"}}},  # a Literal
        {"tui": {"notifications": [1]}},  # no arm of the union fits
        {"notice": {1: "a"}},  # a key that is not a string
        {"codex_home": "/h"},  # a str where a Path belongs
        {"model": dt.date(1979, 5, 27)},
    ],
)
def test_invalid_values_are_left_to_pydantic(change: dict[str, Any]) -> None:
    data = {**WHERE, **change}
    assert check_against_pydantic(data) == (None, None)


@pytest.mark.parametrize(
    "change",
    [
        {"mcp_servers": {"s": {"command": "x", "startup_timeout_sec": 2**53 + 1}}},
        {"tui": {"_extra": {"a": 1}}},
        {"model": type("Sub", (str,), {})("o3")},
    ],
)
def test_valid_values_it_is_not_sure_of_are_left_to_pydantic(change: dict[str, Any]) -> None:
    mine, theirs = check_against_pydantic({**WHERE, **change})
    assert mine is None and theirs is not None


def test_nan_and_inf_are_floats_as_in_pydantic() -> None:
    for value in (math.nan, math.inf, -math.inf):
        check_against_pydantic(
            {**WHERE, "mcp_servers": {"s": {"command": "x", "tool_timeout_sec": value}}}
        )


def same_type(a: Any, b: Any) -> bool:
    """Equal types, where a `Before`/`After` made by each evaluation counts by its function."""
    if isinstance(a, Before | After):
        return type(a) is type(b) and a.fn is b.fn
    if get_origin(a) is Annotated:
        return (
            get_origin(b) is Annotated
            and same_type(a.__origin__, b.__origin__)
            and len(a.__metadata__) == len(b.__metadata__)
            and all(same_type(x, y) for x, y in zip(a.__metadata__, b.__metadata__, strict=True))
        )
    args_a, args_b = get_args(a), get_args(b)
    if args_a or args_b:
        return (
            get_origin(a) == get_origin(b)
            and len(args_a) == len(args_b)
            and all(same_type(x, y) for x, y in zip(args_a, args_b, strict=True))
        )
    return bool(a == b)


def test_the_field_types_resolve_as_typing_does() -> None:
    """The fast path evaluates each annotation string in its module: the same types as
    `typing.get_type_hints`, and every table of the schema compiles (none is always declined)."""
    from codex.config import fast_validate

    for kind in tables():
        hints = typing.get_type_hints(kind, include_extras=True)
        module = sys.modules[kind.__module__].__dict__
        for item in dataclasses.fields(kind):
            if item.init:
                assert same_type(eval(item.type, module), hints[item.name]), (kind, item.name)
        fast_validate.field_validators(kind)


def _python(code: str, cwd: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_loading_a_valid_config_never_imports_pydantic(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text(
        'model = "o3"\nprofile = "work"\n'
        '[model_providers.mock]\nname = "Mock"\nbase_url = "http://127.0.0.1:1/v1"\n'
        'wire_api = "responses"\nenv_key = "MOCK_KEY"\n'
        '[mcp_servers.s]\ncommand = "srv"\nargs = ["-v"]\nstartup_timeout_sec = 5\n'
        '[profiles.work]\napproval_policy = "never"\nfeatures = { undo = false }\n'
        f'[projects."{tmp_path}"]\ntrust_level = "trusted"\n'
        "[tools]\nweb_search_request = true\n"
        '[otel]\nexporter = { otlp-http = { endpoint = "http://x", protocol = "json" } }\n'
        "[features]\nunified_exec = true\n"
    )
    out = _python(
        "import sys\n"
        "from codex.config import ConfigOverrides, load_config\n"
        "assert 'pydantic' not in sys.modules and 'pydantic_core' not in sys.modules\n"
        f"overrides = ConfigOverrides(config_home={str(home)!r}, cli_overrides=('model=\"x\"',))\n"
        "c = load_config(overrides, managed_config_files=())\n"
        "print(c.model, c.approval_policy.value, c.sandbox_mode.value, c.features.undo,"
        " c.tools.web_search, sorted(m for m in sys.modules if m.startswith('pydantic')))\n",
        tmp_path,
    )
    assert out.split() == ["x", "never", "workspace-write", "False", "True", "[]"]
    assert not (home / "cache").exists()  # nothing for the validated-config cache to keep


def test_an_invalid_config_reports_the_error_pydantic_gives(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.toml").write_text('model = "o3"\n[tui]\nanimations = 1\n')
    out = _python(
        "from codex.config import ConfigOverrides, load_config\n"
        "from codex.errors import UsageError\n"
        "try:\n"
        f"    load_config(ConfigOverrides(config_home={str(home)!r}), managed_config_files=())\n"
        "except UsageError as err:\n"
        "    print(err)\n",
        tmp_path,
    )
    assert (
        out
        == f"{home / 'config.toml'}: tui.animations: expected a boolean (true or false), got 1\n"
    )
