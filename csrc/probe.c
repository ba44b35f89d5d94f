/* Sandbox capability probe.
 *
 * Asks the kernel, without changing anything about this process, which confinement primitives an
 * unprivileged process may use: the Landlock ABI version, whether seccomp filters returning errno
 * are supported, and the current seccomp and no_new_privs state (inherited from whoever started us:
 * an outer sandbox or container may already have set them). */
#include "probe.h"

#include <errno.h>

#ifdef __linux__
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef SECCOMP_GET_ACTION_AVAIL
#define SECCOMP_GET_ACTION_AVAIL 2
#endif

static int landlock_abi(void)
{
    long abi = syscall(SYS_landlock_create_ruleset, (void *)0, (size_t)0,
                       (unsigned int)LANDLOCK_CREATE_RULESET_VERSION);
    return abi < 0 ? -errno : (int)abi;
}

static void seccomp_state(codex_probe_result *out)
{
#ifdef SYS_seccomp
    unsigned int action = SECCOMP_RET_ERRNO;
    if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0U, &action) == 0) {
        out->seccomp_filter = 1;
        out->seccomp_errno = 0;
    } else {
        out->seccomp_filter = 0;
        out->seccomp_errno = errno;
    }
#else
    out->seccomp_filter = 0;
    out->seccomp_errno = ENOSYS;
#endif
    int mode = prctl(PR_GET_SECCOMP, 0, 0, 0, 0);
    out->seccomp_mode = mode < 0 ? -errno : mode;
}

void codex_probe(codex_probe_result *out)
{
    out->is_linux = 1;
    out->landlock_abi = landlock_abi();
    seccomp_state(out);
    int nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
    out->no_new_privs = nnp < 0 ? -errno : nnp;
}

#else /* not Linux */

void codex_probe(codex_probe_result *out)
{
    out->is_linux = 0;
    out->landlock_abi = -ENOSYS;
    out->seccomp_filter = 0;
    out->seccomp_errno = ENOSYS;
    out->seccomp_mode = -ENOSYS;
    out->no_new_privs = -ENOSYS;
}

#endif
