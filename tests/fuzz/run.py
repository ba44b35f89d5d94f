"""Run one atheris target: `python -m tests.fuzz.run TARGET [libFuzzer flags] [corpus dirs]`.

Every codex function loaded once the target is imported gets atheris' coverage
instrumentation, patched in place (`instrument_func`). Not `instrument_imports`: codex is often
installed editable, and scikit-build-core's editable loader runs the original bytecode past
atheris' import hook, so the whole run would be blind (0 coverage, found the hard way).
scripts/fuzz and tests/fuzz/test_fuzz_short.py start this as a subprocess. The C engines behind
the cffi targets are not instrumented here (their twins are, and they mirror the C branch for
branch); csrc/fuzz covers the C itself.
"""

from __future__ import annotations

import gc
import importlib
import sys
import types
from types import ModuleType

TARGETS = ("sse", "jsonl", "diff", "apply_patch", "execpolicy", "rollout")


def instrument_codex(atheris: ModuleType) -> int:
    """Instrument every loaded function of the codex package; returns how many."""
    funcs = [
        obj
        for obj in gc.get_objects()
        if isinstance(obj, types.FunctionType) and (obj.__module__ or "").startswith("codex")
    ]
    for func in funcs:
        atheris.instrument_func(func)
    return len(funcs)


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[1] not in TARGETS:
        print(f"usage: python -m tests.fuzz.run {{{','.join(TARGETS)}}} [libFuzzer flags]")
        return 2
    import atheris

    module = importlib.import_module(f"tests.fuzz.fuzz_{argv[1]}")
    instrument_codex(atheris)
    atheris.Setup([argv[0], *argv[2:]], module.one_input)
    atheris.Fuzz()
    return 0  # not reached: libFuzzer exits the process


if __name__ == "__main__":
    sys.exit(main(sys.argv))
