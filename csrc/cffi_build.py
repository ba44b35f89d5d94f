"""Emit the cffi (API mode, out-of-line) wrapper for one native module.

Called by CMake: `python cffi_build.py <module> <output.c>`. The wrapper is compiled together with
the module's own C sources into `codex._native._<module>`.
"""

import runpy
import sys
from pathlib import Path

from cffi import FFI

CDEFS = Path(__file__).resolve().parent.parent / "src" / "codex" / "_native" / "_cdefs.py"


def main(module: str, output: str) -> None:
    modules = runpy.run_path(str(CDEFS))["MODULES"]
    if module not in modules:
        sys.exit(f"cffi_build: no cdef for module {module!r} in {CDEFS}")
    cdef, source = modules[module]
    ffi = FFI()
    ffi.cdef(cdef)
    ffi.set_source(f"codex._native._{module}", source)
    ffi.emit_c_code(output)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: cffi_build.py <module> <output.c>")
    main(sys.argv[1], sys.argv[2])
