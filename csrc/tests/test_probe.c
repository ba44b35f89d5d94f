/* The probe answers consistently with what the same syscalls say when asked directly. */
#include "probe.h"

#include <stdio.h>

static int failures = 0;
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

int main(void)
{
    codex_probe_result a, b;
    codex_probe(&a);
    codex_probe(&b);
    CHECK(a.landlock_abi == b.landlock_abi);
    CHECK(a.seccomp_filter == b.seccomp_filter);
    CHECK(a.no_new_privs == b.no_new_privs);
#ifdef __linux__
    CHECK(a.is_linux == 1);
    CHECK(a.landlock_abi != 0);
    CHECK(a.seccomp_filter == (a.seccomp_errno == 0));
    CHECK(a.no_new_privs == 0 || a.no_new_privs == 1);
#endif
    printf("landlock_abi=%d seccomp_filter=%d no_new_privs=%d\n", a.landlock_abi, a.seccomp_filter, a.no_new_privs);
    return failures ? 1 : 0;
}
