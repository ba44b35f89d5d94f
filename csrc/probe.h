/* Sandbox capability probe: what this kernel lets an unprivileged process confine itself with. */
#ifndef CODEX_PROBE_H
#define CODEX_PROBE_H

typedef struct {
    int landlock_abi;       /* > 0: the ABI version; otherwise -errno of the failed query */
    int seccomp_filter;     /* 1: SECCOMP_RET_ERRNO filters can be installed; 0: they cannot */
    int seccomp_errno;      /* errno of the failed seccomp query, 0 when available */
    int seccomp_mode;       /* current mode of this thread (0 none, 1 strict, 2 filter), -errno if unknown */
    int no_new_privs;       /* 1 or 0, -errno if unknown */
    int is_linux;           /* 0 on platforms without these facilities */
} codex_probe_result;

/* Fill *out. Never fails; every field carries its own outcome. */
void codex_probe(codex_probe_result *out);

#endif
