"""codex._dataclass.dataclass against dataclasses.dataclass: the same class from the same body.

Each case is a class body declared twice in a throwaway module, once under each decorator; the
two classes must agree on everything a caller can see: fields, params, signature, defaults,
annotations, doc, slots, match args, repr, equality, hashing, frozenness (errors and messages),
pickling, `dataclasses.replace`/`asdict`, argument errors, factories and `__post_init__`.
"""

from __future__ import annotations

import dataclasses
import inspect
import pickle
import re
import sys
import textwrap
import types
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path
from typing import Any

import pytest

from codex import _dataclass, _dataclass_init, _dataclass_templates

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"

CASES: dict[str, tuple[str, str, list[tuple[tuple[Any, ...], dict[str, Any]]]]] = {
    # name: (decorator arguments, class body, constructor calls to compare)
    "plain": ("", "a: int\nb: str", [((1, "x"), {}), ((), {"a": 2, "b": "y"})]),
    "defaults": ("", "a: int\nb: str = 'd'\nc: float = 1.5", [((1,), {}), ((1, "e", 2.0), {})]),
    "factory": (
        "",
        "a: int\nb: list = field(default_factory=list)\nc: dict = field(default_factory=dict)",
        [((1,), {}), ((1, [2]), {"c": {"k": 1}})],
    ),
    "slots": (
        "slots=True",
        "a: int\nb: list = field(default_factory=list)\nc: int = 3",
        [((1,), {}), ((1, [1], 4), {})],
    ),
    "frozen": ("frozen=True", "a: int\nb: tuple = ()", [((1,), {}), ((1, (2,)), {})]),
    "frozen_slots": (
        "frozen=True, slots=True",
        "a: int\nb: list = field(default_factory=list)\nc: str = field(default='z', repr=False)",
        [((1,), {}), ((1, [3], "q"), {})],
    ),
    "frozen_no_eq": ("frozen=True, eq=False", "a: int", [((1,), {})]),
    "kw_only": ("kw_only=True, slots=True", "a: int\nb: int = 2", [((), {"a": 1})]),
    "kw_only_marker": (
        "slots=True",
        "a: int\n_: KW_ONLY\nb: int\nc: list = field(default_factory=list)",
        [((1,), {"b": 2}), ((1,), {"b": 2, "c": [1]})],
    ),
    "field_kw_only": (
        "",
        "a: int = field(kw_only=True)\nb: int = 0",
        [((), {"a": 1}), ((5,), {"a": 1})],
    ),
    "init_false": (
        "slots=True",
        "a: int\nb: int = field(default=7, init=False)\nc: list = field(default_factory=list, "
        "init=False)\nd: int = field(init=False, repr=False, compare=False)",
        [((1,), {})],
    ),
    "init_false_no_slots": (
        "",
        "a: int\nb: int = field(default=7, init=False)\nc: list = field(default_factory=list, "
        "init=False)",
        [((1,), {})],
    ),
    "post_init_initvar": (
        "",
        "a: int\nscale: InitVar[int] = 2\nb: int = 0\n"
        "def __post_init__(self, scale):\n    self.b = self.a * scale",
        [((3,), {}), ((3, 5), {})],
    ),
    "post_init_slots_frozen": (
        "frozen=True, slots=True",
        "a: int\ndef __post_init__(self):\n    object.__setattr__(self, 'a', self.a + 1)",
        [((3,), {})],
    ),
    "classvar": ("slots=True", "K: ClassVar[int] = 4\na: int", [((1,), {})]),
    "compare_hash": (
        "frozen=True",
        "a: int\nb: int = field(compare=False)\nc: int = field(default=0, hash=False)\n"
        "d: int = field(default=0, compare=False, hash=True)",
        [((1, 2), {}), ((1, 3, 4, 5), {})],
    ),
    "no_repr_no_eq": ("repr=False, eq=False, slots=True", "a: int", [((1,), {})]),
    "no_fields": ("", "pass", [((), {})]),
    "no_fields_frozen_slots": ("frozen=True, slots=True", "pass", [((), {})]),
    "self_field": ("", "self: int\nother: int = 0", [((1,), {})]),
    "own_repr_and_init": (
        "slots=True",
        "a: int\ndef __repr__(self):\n    return 'mine'\ndef __init__(self, a=9):\n    self.a = a",
        [((), {})],
    ),
    "match_args_off": ("match_args=False", "a: int", [((1,), {})]),
    "no_init": ("init=False", "a: int = 1", [((), {})]),
    "undocumented": ("", "a: int\nb: str = 'x'", [((1,), {})]),
}


# Cases declared after module-level code (bases, aliases), or without postponed annotations:
# name -> (preamble, bases of C, `from __future__ import annotations`).
SETTINGS: dict[str, tuple[str, str, bool]] = {
    "aliases": (
        "import typing\nimport dataclasses as dc\nfrom typing import ClassVar as CV\n",
        "",
        True,
    ),
    "subclass": (
        "@dataclass(slots=True)\nclass Base:\n    a: int\n    b: int = 2\n",
        "(Base)",
        True,
    ),
    "subclass_plain": ("@dataclass\nclass Base:\n    a: int\n", "(Base)", True),
    "subclass_frozen": ("@dataclass(frozen=True)\nclass Base:\n    a: int\n", "(Base)", True),
    "real_types": ("", "", False),
}
CASES.update(
    {
        "aliases": (
            "slots=True",
            "a: int\nK: CV[int] = 3\nJ: typing.ClassVar[int] = 4\nb: typing.Any = None\n"
            "x: dc.InitVar[int] = 1\ndef __post_init__(self, x):\n    self.a += x",
            [((1,), {}), ((1, 2, 3), {})],
        ),
        "subclass": ("slots=True", "c: int = 3", [((1,), {}), ((1, 4, 5), {})]),
        "subclass_plain": ("", "b: list = field(default_factory=list)", [((1,), {})]),
        "subclass_frozen": ("frozen=True", "b: int = 0", [((1,), {})]),
        "real_types": (
            "frozen=True, slots=True",
            "a: int\nb: list = field(default_factory=list)\nK: ClassVar[int] = 1\n"
            "x: InitVar[int] = 0\n_: KW_ONLY\nc: int = 2\n"
            "def __post_init__(self, x):\n    pass",
            [((1,), {}), ((1, [2], 3), {"c": 4})],
        ),
    }
)
# Class bodies both refuse, with the same error.
REFUSED = {
    "mutable_default": "a: list = []",
    "no_annotation": "a: int\nb = field(default=1)",
    "kw_only_twice": "a: int\n_: KW_ONLY\n__: KW_ONLY\nb: int = 1",
    "default_order": "a: int = 1\nb: int",
    "classvar_factory": "K: ClassVar[list] = field(default_factory=list)",
}


def _make(name: str, decorator: Any, args: str, body: str, documented: bool) -> type:
    module = types.ModuleType(f"_fastdc_{name}")
    sys.modules[module.__name__] = module
    doc = '    """Doc."""\n' if documented else ""
    preamble, bases, future = SETTINGS.get(name, ("", "", True))
    source = (
        ("from __future__ import annotations\n" if future else "")
        + "from dataclasses import field, KW_ONLY, InitVar\n"
        "from typing import ClassVar\n"
        f"{preamble}"
        f"@dataclass({args})\nclass C{bases}:\n{doc}{textwrap.indent(body, '    ')}\n"
    )
    module.__dict__["dataclass"] = decorator
    exec(compile(source, module.__name__, "exec"), module.__dict__)
    return module.__dict__["C"]  # type: ignore[no-any-return]


def _outcome(call: Any) -> tuple[str, Any]:
    try:
        return "ok", re.sub(" at 0x[0-9a-f]+", "", repr(call()))
    except Exception as error:  # the type and message are what is compared
        return type(error).__name__, str(error)


def _surface(cls: type) -> dict[str, Any]:
    fields = cls.__dataclass_fields__  # type: ignore[attr-defined]
    params = cls.__dataclass_params__  # type: ignore[attr-defined]
    init = cls.__dict__.get("__init__")
    return {
        "fields": [
            (
                f.name,
                f.type,
                f.default,
                f.default_factory,
                f.init,
                f.repr,
                f.compare,
                f.hash,
                f.kw_only,
                f._field_type.name,
            )
            for f in fields.values()
        ],
        "params": {name: getattr(params, name) for name in params.__slots__},
        "signature": str(inspect.signature(cls)),
        "doc": cls.__doc__,
        "slots": cls.__dict__.get("__slots__"),
        "match_args": cls.__dict__.get("__match_args__", "-"),
        "hash_attr": getattr(cls.__dict__.get("__hash__", "-"), "__qualname__", "none-or-absent")
        + repr(cls.__dict__.get("__hash__", "-") in (None, "-")),
        "methods": sorted(
            (name, getattr(value, "__qualname__", None), getattr(value, "__module__", None))
            for name, value in cls.__dict__.items()
            if callable(value) and name.startswith("__") and name != "__class_getitem__"
        ),
        "init": init
        and (init.__defaults__, init.__kwdefaults__, init.__annotations__, init.__name__),
        "init_vars": init and init.__code__.co_varnames,
        "mro": [c.__name__ for c in cls.__mro__],
        "getstate": "__getstate__" in cls.__dict__,
    }


def _behaviour(cls: type, calls: list[tuple[tuple[Any, ...], dict[str, Any]]]) -> list[Any]:
    seen: list[Any] = []
    made = [cls(*a, **k) for a, k in calls]
    for (a, k), obj in zip(calls, made, strict=True):
        names = cls.__dataclass_fields__  # type: ignore[attr-defined]
        state = {n: _outcome(lambda n=n, obj=obj: getattr(obj, n)) for n in names}
        seen.append(state)
        seen.append(_outcome(lambda obj=obj: obj))
        seen.append(_outcome(lambda obj=obj: hash(obj) == hash(obj)))
        by_value = type(obj).__hash__ not in (None, object.__hash__)
        seen.append(_outcome(lambda obj=obj, v=by_value: hash(obj) if v else type(obj).__hash__))
        seen.append([obj == other for other in made] + [obj == 1, obj != obj])
        seen.append(_outcome(lambda obj=obj: repr(pickle.loads(pickle.dumps(obj)))))
        seen.append(_outcome(lambda obj=obj: pickle.loads(pickle.dumps(obj)) == obj))
        seen.append(_outcome(lambda obj=obj: repr(dataclasses.replace(obj))))
        seen.append(_outcome(lambda obj=obj: dataclasses.asdict(obj)))
        for mutate in (
            lambda o: setattr(o, "a", 5),
            lambda o: delattr(o, "a"),
            lambda o: setattr(o, "zz", 1),
            lambda o: delattr(o, "zz"),
        ):
            fresh = cls(*a, **k)
            done = _outcome(lambda f=fresh, m=mutate: m(f))  # type: ignore[misc]
            seen.append((done, _outcome(lambda f=fresh: repr(f))))
    # Argument errors: too many, unknown keyword, missing.
    seen.append(_outcome(lambda: cls(*range(9))))
    seen.append(_outcome(lambda: cls(nope=1)))
    seen.append(_outcome(lambda: cls()))
    # Factories give a fresh value per instance.
    first, second = cls(*calls[0][0], **calls[0][1]), cls(*calls[0][0], **calls[0][1])
    seen.append(
        [
            getattr(first, n, None) is getattr(second, n, None)
            for n, f in cls.__dataclass_fields__.items()  # type: ignore[attr-defined]
            if f.default_factory is not dataclasses.MISSING
        ]
    )
    return seen


@pytest.mark.skipif(not _dataclass.FAST, reason="fast path only on CPython 3.11/3.12")
@pytest.mark.parametrize("documented", [True, False])
@pytest.mark.parametrize("case", sorted(CASES))
def test_same_class_as_stdlib(case: str, documented: bool) -> None:
    args, body, calls = CASES[case]
    seen = []
    for decorator in (dataclasses.dataclass, _dataclass.dataclass):
        made = _make(case, decorator, args, body, documented)
        seen.append((_surface(made), _behaviour(made, calls)))
    assert seen[1][0] == seen[0][0]
    assert seen[1][1] == seen[0][1]


@pytest.mark.skipif(not _dataclass.FAST, reason="fast path only on CPython 3.11/3.12")
def test_one_template_per_shape() -> None:
    """Two classes of one shape share a template (the stdlib compiles an `__init__` for each);
    the two `__init__`s differ only in names."""
    made = [
        _make(
            name,
            _dataclass.dataclass,
            "slots=True",
            f"{a}: int\n{b}: list = field(default_factory=list)\n{c}: int = 0",
            True,
        )
        for name, (a, b, c) in {"shape1": "abc", "shape2": "xyz"}.items()
    ]
    first, second = (cls.__init__.__code__ for cls in made)
    assert first.co_code == second.co_code
    assert first.co_names == ("a", "b", "c") and second.co_names == ("x", "y", "z")
    shape = (3, 0, ((0, 0), (1, 1), (0, 2)), False, None)
    assert shape in _dataclass_init.used


def test_pregenerated_templates_are_what_the_script_writes() -> None:
    """codex._dataclass_templates holds exactly what scripts/dataclass-templates writes for its
    shapes (a shape it lacks is compiled at run time; a stale template would be wrong)."""
    path = str(ROOT / "scripts/dataclass-templates")
    spec = spec_from_loader("dc_script", SourceFileLoader("dc_script", path))
    assert spec is not None and spec.loader is not None
    script = module_from_spec(spec)
    spec.loader.exec_module(script)
    assert _dataclass_templates.FORMAT == _dataclass_init.FORMAT
    shapes = list(_dataclass_templates.TEMPLATES)
    assert len(shapes) > 30
    assert script.render(shapes) == (SRC / "codex/_dataclass_templates.py").read_text()


def test_inheritance_and_fallbacks_match() -> None:
    """A child of a dataclass, and options left to the stdlib (order, unsafe_hash, a frozen
    child): the same classes either way."""
    for args, body in [
        ("order=True", "a: int"),
        ("unsafe_hash=True", "a: int"),
        ("weakref_slot=True, slots=True", "a: int"),
    ]:
        seen = []
        for decorator in (dataclasses.dataclass, _dataclass.dataclass):
            made = _make("fallback", decorator, args, body, True)
            seen.append((_surface(made), _behaviour(made, [((1,), {})])))
        assert seen[1] == seen[0]
    for decorator in (dataclasses.dataclass, _dataclass.dataclass):
        base = decorator(slots=True)(type("Base", (), {"__annotations__": {"a": "int"}}))
        child = decorator(slots=True)(
            type("Child", (base,), {"__annotations__": {"b": "int"}, "b": 2})
        )
        assert str(inspect.signature(child)) == "(a: 'int', b: 'int' = 2) -> None"
        assert repr(child(1)) == "Child(a=1, b=2)"
        frozen_base = decorator(frozen=True)(type("FB", (), {"__annotations__": {"a": "int"}}))
        with pytest.raises(TypeError, match="cannot inherit non-frozen dataclass from a frozen"):
            decorator(type("FC", (frozen_base,), {"__annotations__": {"b": "int"}}))


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_alike(case: str) -> None:
    seen = [
        _outcome(lambda d=decorator: _make(case, d, "slots=True", REFUSED[case], True))
        for decorator in (dataclasses.dataclass, _dataclass.dataclass)
    ]
    assert seen[0][0] != "ok"
    assert seen[1] == seen[0]
