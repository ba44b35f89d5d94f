/* codex-linux-sandbox: run one command under a SandboxPolicy (Landlock + mounts + seccomp).
 *
 * Command line (the classic upstream form, plus our own diagnostics):
 *
 *   codex-linux-sandbox --sandbox-policy-cwd DIR --sandbox-policy JSON
 *                       [--command-cwd DIR] [--die-with-parent] [--explain]
 *                       -- COMMAND [ARGS...]
 *
 * On success the process becomes COMMAND (execve); there is no shell and no Python in between,
 * so the exit status is COMMAND's own. Before the exec, failures exit with one of the codes
 * below and print exactly one line "codex-linux-sandbox: ..." on stderr. */
#ifndef CODEX_SANDBOX_LINUX_H
#define CODEX_SANDBOX_LINUX_H

enum codex_sandbox_exit {
    CODEX_SANDBOX_EXIT_USAGE = 120,        /* bad arguments or policy JSON */
    CODEX_SANDBOX_EXIT_LANDLOCK = 121,     /* Landlock missing, too old, or refused the ruleset */
    CODEX_SANDBOX_EXIT_SECCOMP = 122,      /* seccomp filters unavailable or refused */
    CODEX_SANDBOX_EXIT_PRIVS = 123,        /* no_new_privs / capability drop failed */
    CODEX_SANDBOX_EXIT_MOUNTS = 125,       /* the read-only mount layer failed half way */
    CODEX_SANDBOX_EXIT_CANNOT_EXEC = 126,  /* COMMAND exists but could not be executed */
    CODEX_SANDBOX_EXIT_NOT_FOUND = 127,    /* COMMAND not found */
};

#endif
