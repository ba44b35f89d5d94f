"""`-c key=value` parsing and application, as upstream's config_override.rs does it."""

from __future__ import annotations

import pytest

from codex.config.overrides import apply_override, parse_override, parse_value
from codex.errors import UsageError


@pytest.mark.parametrize(
    ("raw", "path", "value"),
    [
        ("model=o3", ("model",), "o3"),  # bare word: not TOML, so a string
        ('model="o3"', ("model",), "o3"),
        ("model='o3'", ("model",), "o3"),
        ("  model  =  o3  ", ("model",), "o3"),
        ("x=[1, 2]", ("x",), [1, 2]),
        ('x=["a", "b"]', ("x",), ["a", "b"]),
        ("x={a = 1, b = 2}", ("x",), {"a": 1, "b": 2}),
        ("a.b.c=1", ("a", "b", "c"), 1),
        ("flag=true", ("flag",), True),
        ("n=1.5", ("n",), 1.5),
        ("url=http://h/?a=b&c=d", ("url",), "http://h/?a=b&c=d"),  # split on the first '='
        ('k="a=b"', ("k",), "a=b"),
        ("k=", ("k",), ""),
        ('k="unterminated', ("k",), "unterminated"),  # fallback strips quotes
        ("k=two words", ("k",), "two words"),
        ("k=[1, 2", ("k",), "[1, 2"),
    ],
)
def test_parse_override(raw: str, path: tuple[str, ...], value: object) -> None:
    override = parse_override(raw)
    assert override.path == path
    assert override.value == value
    assert type(override.value) is type(value)


def test_missing_equals_is_an_error() -> None:
    with pytest.raises(UsageError, match=r"Invalid override \(missing '='\): model"):
        parse_override("model")


@pytest.mark.parametrize("raw", ["=o3", "  =o3"])
def test_empty_key_is_an_error(raw: str) -> None:
    with pytest.raises(UsageError, match="Empty key in override"):
        parse_override(raw)


def test_value_is_parsed_as_a_toml_value_not_a_document() -> None:
    assert parse_value("1979-05-27").isoformat() == "1979-05-27"
    assert parse_value("a = 1") == "a = 1"  # not a value: kept as text


def test_apply_creates_tables_and_replaces_non_tables() -> None:
    tree: dict[str, object] = {"a": 1, "t": {"keep": True}}
    apply_override(tree, ("a", "b", "c"), 2)
    apply_override(tree, ("t", "new"), "x")
    apply_override(tree, ("fresh", "leaf"), [1])
    assert tree == {"a": {"b": {"c": 2}}, "t": {"keep": True, "new": "x"}, "fresh": {"leaf": [1]}}


def test_apply_replaces_a_whole_table_with_a_value() -> None:
    tree: dict[str, object] = {"t": {"x": 1, "y": 2}}
    apply_override(tree, ("t",), {"z": 3})
    assert tree == {"t": {"z": 3}}
