"""The C declarations of every native module: the one place cffi learns what csrc/ exports.

Read at build time by csrc/cffi_build.py (by path, without importing the package) and never at run
time, so nothing here may import anything.
"""

PROBE = """
typedef struct {
    int landlock_abi;
    int seccomp_filter;
    int seccomp_errno;
    int seccomp_mode;
    int no_new_privs;
    int is_linux;
} codex_probe_result;

void codex_probe(codex_probe_result *out);
"""

# module name -> (cdef, C source prepended to the generated wrapper)
MODULES: dict[str, tuple[str, str]] = {
    "probe": (PROBE, '#include "probe.h"'),
}
