/* codex-linux-sandbox: confine one command to a SandboxPolicy, then become it (execve).
 *
 * Pipeline, in this order (each step needs the privileges the previous ones still leave):
 *
 *   1. parse argv + the policy JSON; compute the writable roots and their read-only carve-outs
 *      (the same rules as codex.sandbox.policy.writable_roots, tested against each other);
 *   2. a session of our own (setsid; forking once if we lead a process group but not a
 *      session, i.e. a job an interactive shell started): the caller's terminal is not the
 *      command's controlling terminal, so no TIOCSTI into it, and /dev/tty is nothing (ENXIO).
 *      A process that already leads its own session (the agent starts every command so; a PTY
 *      command with its own pty as controlling terminal) keeps it: /dev/tty is that pty;
 *   3. prctl(PR_SET_NO_NEW_PRIVS): setuid bits and file capabilities stop working from here on;
 *   4. placeholders for missing protected names (a helper process; see "Protected names that
 *      do not exist yet"), the read-only mount layer (private mount namespace; see
 *      "Carve-outs" below), and a private devpts instance on /dev/pts: the host's terminals
 *      are not even visible; the command's own pty (exec_command tty=true) is bound on
 *      /dev/console so ttyname()/`tty` print a name for it, as bubblewrap's --dev does;
 *   5. drop every capability (bounding, ambient, effective, permitted, inheritable), so a
 *      sandboxed root is an ordinary user that happens to have uid 0;
 *   6. Landlock: read and execute everywhere, write only beneath writable roots and on the few
 *      devices a command needs (/dev/null, zero, full, random, urandom, tty, ptmx, and
 *      /dev/pts only when it is our private instance), using every filesystem right the
 *      kernel's ABI knows (refer v2, truncate v3, ioctl_dev v5), TCP bind/connect (v4) and
 *      abstract-socket/signal scoping (v6) when the network is off. Already-open descriptors
 *      (fd 0-2; a PTY command's pty slave) are not re-checked, so they keep working;
 *   7. seccomp-BPF: ptrace, process_vm_*, io_uring, namespaces, mounts, module loading, the
 *      keyring (add_key, request_key, keyctl) → EPERM; ioctl TIOCSTI/TIOCLINUX → EPERM (the
 *      request compared on its low 32 bits, as the kernel truncates it). With the network off
 *      (see "Unix sockets" below): socket() → EPERM for every family, socketpair() only
 *      AF_UNIX stream/seqpacket, connect/bind/listen → EPERM;
 *   8. chdir(command cwd) and execvp(COMMAND). Nothing else runs: no shell, no Python (in the
 *      fork case of step 2 the launcher only waits and passes the exit status or signal on).
 *
 * Unix sockets with the network off. Landlock (ABI <= 7) does not check connect() to a
 * pathname socket, so /var/run/docker.sock and friends would be a full escape. The rule: no
 * socket() at all, so nothing can connect, bind or listen; socketpair() stays for local IPC
 * (pipes to child processes, asyncio's self-pipe), but only stream and seqpacket pairs: a
 * datagram socket can sendmsg() to any pathname socket and seccomp cannot see that address.
 * An inherited fd 0-2 that is a network or datagram socket is refused before the exec.
 * Abstract sockets are covered twice (no socket(); Landlock ABI >= 6 scoping). The official
 * CLI 0.169 allows socket(AF_UNIX) and denies connect/bind/listen/sendto/getsockopt/...
 * instead; both refuse the escape, ours keeps send() on a socketpair working.
 *
 * Carve-outs (.git, the target of a `.git` file's `gitdir:`, .codex, .agents stay read-only
 * inside every writable root). Landlock is an allow-list whose rules grant rights to a whole
 * directory tree; there is no "deny" rule, so a rule on the root R also grants R/.git. Two ways
 * to subtract a subtree:
 *
 *   (a) mounts: in a private mount namespace, take detached clones of every writable root and
 *       carve-out (open_tree), mark the whole tree read-only (mount_setattr AT_RECURSIVE), then
 *       mount the root clones back read-write and the carve-out clones read-only on top of
 *       them. Landlock then grants all rights on R; any change inside R/.git hits a read-only
 *       mount (EROFS), and R/.git itself cannot be renamed or removed (a mount point: EBUSY).
 *       This also makes chmod/chown/utimes outside the roots fail, which Landlock (ABI <= 7)
 *       does not cover. Used when we may create a mount namespace: as root, or through an
 *       unprivileged user namespace.
 *   (b) enumeration (fallback when no mount namespace is possible): grant all rights on each
 *       child of R except the carve-outs (symlinked children are skipped, so they never grant
 *       their target), and nothing but read on R itself. Carve-outs are then fully protected,
 *       but R's top level is frozen: existing entries are writable, new top-level entries
 *       cannot be created or removed. Secure rather than convenient; `--explain` says which.
 *
 * Protected names that do not exist yet. A project root (the cwd, or a root the policy names;
 * not /tmp or $TMPDIR) without `.git`, `.codex` or `.agents` has nothing to mount over, and
 * creating one there must fail: a `.codex/config.toml` the next codex run would load, or a
 * `.git/config` with core.fsmonitor that the user's next `git status` would run unsandboxed
 * (so `git init` at the top of a workspace without .git needs approval/escalation, as in
 * 0.169, which protects a missing .git the same way). In mode (a), as the official CLI 0.169
 * does, each missing name becomes an empty placeholder directory in the user's tree for the
 * duration of the run, covered by a read-only mount like any carve-out: `mkdir .codex` gets
 * EEXIST, anything inside EROFS, a rename onto it EBUSY, and the root's top level keeps every
 * right (mkdir build, python -m venv .venv, node_modules, target/ all work). The placeholders
 * belong to a helper process (placeholder_helper) that the launcher forks twice before the
 * mount layer: it leaves the command's session and process group (the agent's kill of that
 * group, on timeout or interrupt, does not reach it; the command itself keeps its pid, group,
 * session, terminal and exit status: it is still this process, exec'd), stays in the
 * caller's mount namespace (an rmdir in the command's namespace would answer EBUSY). Steps:
 *   - before the fork the launcher takes a shared flock on a per-root lock file
 *     (/tmp/codex-sandbox-<uid>/<dev>-<ino>.lock, in a 0700 directory of ours, itself
 *     mounted read-only inside the sandbox so a command cannot delete the lock); the helper
 *     shares that open file, so it keeps the lock when the exec closes the launcher's copy;
 *   - once in its own mount namespace (so never in enumeration mode) the launcher creates the
 *     missing names and appends them to a record file (name, dev, ino) under an exclusive
 *     flock on that record, then mounts over them like any carve-out; it never waits for the
 *     helper;
 *   - the helper waits (pidfd) for the command, then for every process left in its mount
 *     namespace (background children keep the mounts, so they keep the protection);
 *   - then it asks for the exclusive lock without blocking: only the last sandbox out of that
 *     root gets it, and removes the recorded placeholders that are still the same empty
 *     directories. Since Linux 3.18 an rmdir lazily detaches mounts on that directory in
 *     other namespaces, so removing a placeholder while another sandbox of that root runs
 *     would unprotect it. A launch that finds a protected name as an empty directory (maybe
 *     another sandbox's placeholder) takes the shared lock too, for that reason.
 * Cleanup happens just after the command ends (asynchronously: a caller that looks at the
 * tree at once may still see the empty placeholders for a moment). A SIGKILL of the helper
 * (not reachable from inside the sandbox on Landlock ABI >= 6, which scopes signals) leaves
 * at most empty placeholder directories, removed by the next run in that root; it also drops
 * the helper's lock, so a later sandbox ending in that root may unprotect the still-running
 * command. The lock files (two small files per root) stay. Locks are per user: sandboxes of
 * two different users in the same root do not see each other's locks. Where a placeholder
 * cannot be made (the root is not writable by us, a dangling `.codex` symlink, no
 * pidfd_open before Linux 5.3), the root is "guarded" instead: R gets every right but
 * MAKE_DIR and MAKE_SYM, each existing child of R every right (so `mkdir .codex`,
 * `ln -s src .codex`, `mv src/x .codex` fail with EACCES; files at the top level stay
 * writable); a writable root that contains a guarded one (the cwd under /tmp) is granted the
 * same way down the path to it. In mode (b) nothing would hide a placeholder, so none is
 * made, and the roots with carve-outs are frozen as above. Known gap: a regular file named `.git` can still be created where a guarded
 * root has none (0.169's placeholder blocks it with EEXIST).
 *
 * Failures before the exec print ONE line and exit with a code from sandbox_linux.h; the
 * command is never run without the restrictions the policy asks for. */
#define _GNU_SOURCE
#include "sandbox_linux.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/**** Kernel interfaces newer than the build host's headers ****/

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#define SYS_io_uring_enter 426
#define SYS_io_uring_register 427
#endif
#ifndef SYS_open_tree
#define SYS_open_tree 428
#define SYS_move_mount 429
#define SYS_fsopen 430
#define SYS_fsconfig 431
#define SYS_fsmount 432
#define SYS_fspick 433
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

#define LL_CREATE_RULESET_VERSION (1U << 0)
#define LL_RULE_PATH_BENEATH 1
#define LL_FS_EXECUTE (1ULL << 0)
#define LL_FS_WRITE_FILE (1ULL << 1)
#define LL_FS_READ_FILE (1ULL << 2)
#define LL_FS_READ_DIR (1ULL << 3)
#define LL_FS_TRUNCATE (1ULL << 14)
#define LL_FS_IOCTL_DEV (1ULL << 15)
#define LL_NET_BIND_TCP (1ULL << 0)
#define LL_NET_CONNECT_TCP (1ULL << 1)
#define LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LL_SCOPE_SIGNAL (1ULL << 1)
#define LL_FS_READ (LL_FS_EXECUTE | LL_FS_READ_FILE | LL_FS_READ_DIR)
/* Rights that mean something on a non-directory (the kernel rejects the others there). */
#define LL_FS_FILE_RIGHTS \
    (LL_FS_EXECUTE | LL_FS_WRITE_FILE | LL_FS_READ_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV)

struct ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net; /* ABI 4 */
    uint64_t scoped;             /* ABI 6 */
};

struct ll_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
struct mount_attr {
    uint64_t attr_set;
    uint64_t attr_clr;
    uint64_t propagation;
    uint64_t userns_fd;
};
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

/**** Diagnostics ****/

static const char *const PROG = "codex-linux-sandbox";

static void die(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

static void die(int code, const char *fmt, ...)
{
    char line[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    dprintf(2, "%s: %s\n", PROG, line);
    _exit(code);
}

static void *xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        die(CODEX_SANDBOX_EXIT_USAGE, "out of memory");
    return p;
}

/**** Policy JSON: a strict little parser for the one object we accept ****/

enum policy_kind { POLICY_DANGER, POLICY_READ_ONLY, POLICY_WORKSPACE_WRITE, POLICY_EXTERNAL };

typedef struct {
    enum policy_kind kind;
    int network_access;
    int exclude_tmpdir_env_var;
    int exclude_slash_tmp;
    char **writable_roots;
    size_t n_writable_roots;
} policy_t;

typedef struct {
    const char *s;
    size_t pos, len;
    const char *error;
} json_t;

static void ws(json_t *j)
{
    while (j->pos < j->len && strchr(" \t\r\n", j->s[j->pos]) && j->s[j->pos])
        j->pos++;
}

static int eat(json_t *j, char c)
{
    ws(j);
    if (j->pos < j->len && j->s[j->pos] == c) {
        j->pos++;
        return 1;
    }
    return 0;
}

static int fail(json_t *j, const char *why)
{
    if (!j->error)
        j->error = why;
    return 0;
}

static int hex4(json_t *j, unsigned *out)
{
    if (j->len - j->pos < 4)
        return fail(j, "truncated \\u escape");
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        char c = j->s[j->pos++];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return fail(j, "bad \\u escape");
    }
    *out = v;
    return 1;
}

static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Parse a string; *out is a fresh NUL-terminated copy (NUL inside is refused: paths). */
static int json_string(json_t *j, char **out)
{
    ws(j);
    if (j->pos >= j->len || j->s[j->pos] != '"')
        return fail(j, "expected a string");
    j->pos++;
    char *buf = xmalloc(j->len - j->pos + 1);
    size_t n = 0;
    while (j->pos < j->len) {
        unsigned char c = (unsigned char)j->s[j->pos++];
        if (c == '"') {
            buf[n] = '\0';
            *out = buf;
            return 1;
        }
        if (c < 0x20) {
            free(buf);
            return fail(j, "control character in string");
        }
        if (c != '\\') {
            buf[n++] = (char)c;
            continue;
        }
        if (j->pos >= j->len)
            break;
        char e = j->s[j->pos++];
        unsigned cp;
        switch (e) {
        case '"': buf[n++] = '"'; break;
        case '\\': buf[n++] = '\\'; break;
        case '/': buf[n++] = '/'; break;
        case 'b': buf[n++] = '\b'; break;
        case 'f': buf[n++] = '\f'; break;
        case 'n': buf[n++] = '\n'; break;
        case 'r': buf[n++] = '\r'; break;
        case 't': buf[n++] = '\t'; break;
        case 'u':
            if (!hex4(j, &cp)) {
                free(buf);
                return 0;
            }
            if (cp >= 0xD800 && cp < 0xDC00) {
                unsigned lo;
                if (j->len - j->pos < 6 || j->s[j->pos] != '\\' || j->s[j->pos + 1] != 'u') {
                    free(buf);
                    return fail(j, "lone surrogate in string");
                }
                j->pos += 2;
                if (!hex4(j, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                    free(buf);
                    return fail(j, "bad surrogate pair in string");
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp < 0xE000) {
                free(buf);
                return fail(j, "lone surrogate in string");
            }
            if (cp == 0) {
                free(buf);
                return fail(j, "NUL in string");
            }
            n += put_utf8(buf + n, cp);
            break;
        default:
            free(buf);
            return fail(j, "bad escape in string");
        }
    }
    free(buf);
    return fail(j, "unterminated string");
}

static int json_literal(json_t *j, const char *word)
{
    ws(j);
    size_t n = strlen(word);
    if (j->len - j->pos >= n && memcmp(j->s + j->pos, word, n) == 0) {
        j->pos += n;
        return 1;
    }
    return 0;
}

static int json_skip_value(json_t *j, int depth);

static size_t digits(json_t *j)
{
    size_t start = j->pos;
    while (j->pos < j->len && j->s[j->pos] >= '0' && j->s[j->pos] <= '9')
        j->pos++;
    return j->pos - start;
}

/* -?digits(.digits)?([eE][+-]?digits)? */
static int json_number(json_t *j)
{
    if (j->pos < j->len && j->s[j->pos] == '-')
        j->pos++;
    if (!digits(j))
        return fail(j, "unexpected character");
    if (j->pos < j->len && j->s[j->pos] == '.') {
        j->pos++;
        if (!digits(j))
            return fail(j, "bad number");
    }
    if (j->pos < j->len && (j->s[j->pos] == 'e' || j->s[j->pos] == 'E')) {
        j->pos++;
        if (j->pos < j->len && (j->s[j->pos] == '+' || j->s[j->pos] == '-'))
            j->pos++;
        if (!digits(j))
            return fail(j, "bad number");
    }
    return 1;
}

static int json_bool(json_t *j, int *out)
{
    if (json_literal(j, "true")) {
        *out = 1;
        return 1;
    }
    if (json_literal(j, "false")) {
        *out = 0;
        return 1;
    }
    return fail(j, "expected true or false");
}

static int json_skip_value(json_t *j, int depth)
{
    if (depth > 32)
        return fail(j, "nesting too deep");
    ws(j);
    if (j->pos >= j->len)
        return fail(j, "unexpected end of input");
    char c = j->s[j->pos];
    if (c == '"') {
        char *s;
        if (!json_string(j, &s))
            return 0;
        free(s);
        return 1;
    }
    if (c == '{' || c == '[') {
        char close = c == '{' ? '}' : ']';
        j->pos++;
        if (eat(j, close))
            return 1;
        do {
            if (c == '{') {
                char *k;
                if (!json_string(j, &k))
                    return 0;
                free(k);
                if (!eat(j, ':'))
                    return fail(j, "expected ':'");
            }
            if (!json_skip_value(j, depth + 1))
                return 0;
        } while (eat(j, ','));
        return eat(j, close) ? 1 : fail(j, "expected ',' or a closing bracket");
    }
    if (json_literal(j, "true") || json_literal(j, "false") || json_literal(j, "null"))
        return 1;
    return json_number(j);
}

static int parse_policy(const char *text, policy_t *p, const char **error)
{
    json_t j = {text, 0, strlen(text), NULL};
    char *type = NULL;
    memset(p, 0, sizeof *p);
    if (!eat(&j, '{')) {
        *error = "the policy must be a JSON object";
        return 0;
    }
    if (!eat(&j, '}')) {
        do {
            char *key;
            if (!json_string(&j, &key) || !eat(&j, ':'))
                goto bad;
            int ok;
            if (strcmp(key, "type") == 0) {
                free(type);
                ok = json_string(&j, &type);
            } else if (strcmp(key, "network_access") == 0) {
                /* bool for read-only/workspace-write; "restricted"|"enabled" for external */
                ws(&j);
                if (j.pos < j.len && j.s[j.pos] == '"') {
                    char *v;
                    ok = json_string(&j, &v);
                    if (ok) {
                        p->network_access = strcmp(v, "enabled") == 0;
                        if (!p->network_access && strcmp(v, "restricted") != 0)
                            ok = fail(&j, "network_access must be true, false, "
                                          "\"restricted\" or \"enabled\"");
                        free(v);
                    }
                } else {
                    ok = json_bool(&j, &p->network_access);
                }
            } else if (strcmp(key, "exclude_tmpdir_env_var") == 0) {
                ok = json_bool(&j, &p->exclude_tmpdir_env_var);
            } else if (strcmp(key, "exclude_slash_tmp") == 0) {
                ok = json_bool(&j, &p->exclude_slash_tmp);
            } else if (strcmp(key, "writable_roots") == 0) {
                ok = eat(&j, '[') ? 1 : fail(&j, "writable_roots must be an array");
                if (ok && !eat(&j, ']')) {
                    do {
                        char *root;
                        ok = json_string(&j, &root);
                        if (!ok)
                            break;
                        p->writable_roots = realloc(p->writable_roots,
                                                    (p->n_writable_roots + 1) * sizeof(char *));
                        if (!p->writable_roots)
                            die(CODEX_SANDBOX_EXIT_USAGE, "out of memory");
                        p->writable_roots[p->n_writable_roots++] = root;
                    } while (eat(&j, ','));
                    if (ok && !eat(&j, ']'))
                        ok = fail(&j, "expected ',' or ']' in writable_roots");
                }
            } else {
                ok = json_skip_value(&j, 0);
            }
            free(key);
            if (!ok)
                goto bad;
        } while (eat(&j, ','));
        if (!eat(&j, '}')) {
            fail(&j, "expected ',' or '}'");
            goto bad;
        }
    }
    ws(&j);
    if (j.pos != j.len) {
        fail(&j, "trailing characters after the object");
        goto bad;
    }
    if (!type) {
        *error = "the policy has no \"type\"";
        return 0;
    }
    if (strcmp(type, "danger-full-access") == 0)
        p->kind = POLICY_DANGER, p->network_access = 1;
    else if (strcmp(type, "read-only") == 0)
        p->kind = POLICY_READ_ONLY;
    else if (strcmp(type, "workspace-write") == 0)
        p->kind = POLICY_WORKSPACE_WRITE;
    else if (strcmp(type, "external-sandbox") == 0)
        p->kind = POLICY_EXTERNAL;
    else {
        *error = "unknown policy type (expected read-only, workspace-write, "
                 "danger-full-access or external-sandbox)";
        free(type);
        return 0;
    }
    free(type);
    return 1;
bad:
    free(type);
    *error = j.error ? j.error : "malformed JSON";
    return 0;
}

/**** Writable roots and their read-only carve-outs ****/

typedef struct {
    char *path;
    char **read_only; /* carve-outs: absolute paths, may not exist (.codex in the cwd) */
    size_t n_read_only;
    int project;      /* the cwd or a writable root the policy names (not /tmp, $TMPDIR) */
} root_t;

typedef struct {
    root_t *items;
    size_t n;
} roots_t;

/* Lexically normalize an absolute path: collapse "//", "/./", "/x/../" (like Python's
 * os.path.normpath for absolute paths). Symlinks are not resolved: the kernel does that. */
static char *normalize(const char *base, const char *path)
{
    size_t need = strlen(path) + (base ? strlen(base) : 0) + 3;
    char *joined = xmalloc(need);
    if (path[0] == '/' || !base)
        snprintf(joined, need, "%s", path);
    else
        snprintf(joined, need, "%s/%s", base, path);
    char *out = xmalloc(need);
    size_t n = 0;
    const char *s = joined;
    while (*s) {
        while (*s == '/')
            s++;
        const char *e = s;
        while (*e && *e != '/')
            e++;
        size_t len = (size_t)(e - s);
        if (len == 0 || (len == 1 && s[0] == '.')) {
            /* skip */
        } else if (len == 2 && s[0] == '.' && s[1] == '.') {
            while (n > 0 && out[n - 1] != '/')
                n--;
            if (n > 0)
                n--;
        } else {
            out[n++] = '/';
            memcpy(out + n, s, len);
            n += len;
        }
        s = e;
    }
    if (n == 0)
        out[n++] = '/';
    out[n] = '\0';
    free(joined);
    return out;
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *out = xmalloc(n);
    snprintf(out, n, "%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", name);
    return out;
}

static void add_unique(char ***list, size_t *n, char *item)
{
    for (size_t i = 0; i < *n; i++) {
        if (strcmp((*list)[i], item) == 0) {
            free(item);
            return;
        }
    }
    *list = realloc(*list, (*n + 1) * sizeof(char *));
    if (!*list)
        die(CODEX_SANDBOX_EXIT_USAGE, "out of memory");
    (*list)[(*n)++] = item;
}

/* The directory a `.git` file points at ("gitdir: <path>", relative to the file's directory). */
static char *gitdir_target(const char *root, const char *dotgit)
{
    FILE *f = fopen(dotgit, "re");
    if (!f)
        return NULL;
    char line[PATH_MAX + 16];
    char *got = fgets(line, sizeof line, f);
    fclose(f);
    if (!got || strncmp(line, "gitdir:", 7) != 0)
        return NULL;
    char *v = line + 7;
    while (*v == ' ' || *v == '\t')
        v++;
    size_t len = strlen(v);
    while (len && strchr(" \t\r\n", v[len - 1]))
        v[--len] = '\0';
    if (!len)
        return NULL;
    char *target = normalize(root, v);
    struct stat st;
    if (stat(target, &st) != 0) {
        free(target);
        return NULL;
    }
    return target;
}

static void add_root(roots_t *roots, char *path, int project)
{
    for (size_t i = 0; i < roots->n; i++) {
        if (strcmp(roots->items[i].path, path) == 0) {
            roots->items[i].project |= project;
            free(path);
            return;
        }
    }
    roots->items = realloc(roots->items, (roots->n + 1) * sizeof(root_t));
    if (!roots->items)
        die(CODEX_SANDBOX_EXIT_USAGE, "out of memory");
    root_t *r = &roots->items[roots->n++];
    memset(r, 0, sizeof *r);
    r->path = path;
    r->project = project;
    struct stat st;
    /* A project root protects all three names whether or not they exist yet. */
    char *git = join(path, ".git");
    int git_exists = stat(git, &st) == 0;
    if (git_exists || project) {
        char *target = git_exists && S_ISREG(st.st_mode) ? gitdir_target(path, git) : NULL;
        add_unique(&r->read_only, &r->n_read_only, git);
        if (target)
            add_unique(&r->read_only, &r->n_read_only, target);
    } else {
        free(git);
    }
    char *agents = join(path, ".agents");
    if ((stat(agents, &st) == 0 && S_ISDIR(st.st_mode)) || project)
        add_unique(&r->read_only, &r->n_read_only, agents);
    else
        free(agents);
    char *codex = join(path, ".codex");
    if ((stat(codex, &st) == 0 && S_ISDIR(st.st_mode)) || project)
        add_unique(&r->read_only, &r->n_read_only, codex);
    else
        free(codex);
}

static roots_t compute_roots(const policy_t *p, const char *cwd)
{
    roots_t roots = {NULL, 0};
    if (p->kind != POLICY_WORKSPACE_WRITE)
        return roots;
    for (size_t i = 0; i < p->n_writable_roots; i++)
        add_root(&roots, normalize(cwd, p->writable_roots[i]), 1);
    add_root(&roots, normalize(NULL, cwd), 1);
    struct stat st;
    if (!p->exclude_slash_tmp && stat("/tmp", &st) == 0 && S_ISDIR(st.st_mode))
        add_root(&roots, normalize(NULL, "/tmp"), 0);
    const char *tmpdir = getenv("TMPDIR");
    if (!p->exclude_tmpdir_env_var && tmpdir && *tmpdir)
        add_root(&roots, normalize(cwd, tmpdir), 0);
    return roots;
}

/**** --explain: the plan as one JSON object (tests compare it with the Python side) ****/

static void put_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *c = (const unsigned char *)s; *c; c++) {
        if (*c == '"' || *c == '\\')
            fprintf(f, "\\%c", *c);
        else if (*c < 0x20)
            fprintf(f, "\\u%04x", *c);
        else
            fputc(*c, f);
    }
    fputc('"', f);
}

/**** Mount layer ****/

/* Where the placeholder helper keeps its per-root lock and record files ("" when unused). */
static char placeholder_lock_dir[64];
static void create_all_placeholders(void);

static int write_file(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t n = write(fd, text, strlen(text));
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* Enter a private mount namespace; as a non-root user, through a user namespace that maps our
 * own ids. Returns 0, or -1 (with errno) when this machine does not allow it. */
static int enter_mount_namespace(void)
{
    if (unshare(CLONE_NEWNS) == 0)
        return 0;
    if (errno != EPERM)
        return -1;
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
        return -1;
    char map[64];
    if (write_file("/proc/self/setgroups", "deny") != 0 && errno != ENOENT)
        return -1;
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)uid, (unsigned)uid);
    if (write_file("/proc/self/uid_map", map) != 0)
        return -1;
    snprintf(map, sizeof map, "%u %u 1\n", (unsigned)gid, (unsigned)gid);
    return write_file("/proc/self/gid_map", map);
}

static int by_depth(const void *a, const void *b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t dx = 0, dy = 0;
    for (; *x; x++)
        dx += *x == '/';
    for (; *y; y++)
        dy += *y == '/';
    return (dx > dy) - (dx < dy);
}

static int clone_tree(const char *path, int read_only)
{
    int fd = (int)syscall(SYS_open_tree, AT_FDCWD, path,
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
    if (fd < 0 || !read_only)
        return fd;
    struct mount_attr attr = {.attr_set = MOUNT_ATTR_RDONLY};
    if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof attr)) {
        close(fd);
        return -1;
    }
    return fd;
}

/* A detached clone of the terminal node the command has as fd 0, 1 or 2 (a PTY command's
 * pty slave), taken by the name it has in /dev/pts before our own instance covers that; -1 if
 * none. Only a node that is that very terminal (same device and inode) is taken. */
static int clone_own_tty(void)
{
    struct stat console;
    if (stat("/dev/console", &console) != 0)
        return -1;
    for (int fd = 0; fd <= 2; fd++) {
        char self[32], name[PATH_MAX];
        snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
        ssize_t n = isatty(fd) ? readlink(self, name, sizeof name - 1) : -1;
        if (n <= 0)
            continue;
        name[n] = '\0';
        struct stat a, b;
        if (strncmp(name, "/dev/pts/", 9) != 0 || fstat(fd, &a) != 0 || stat(name, &b) != 0 ||
            a.st_rdev != b.st_rdev || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
            continue;
        return clone_tree(name, 0);
    }
    return -1;
}

enum { MOUNTS_NONE = 0, MOUNTS_ACTIVE = 1, MOUNTS_WITH_DEVPTS = 2 };

/* Build the read-only view. Returns MOUNTS_ACTIVE (or MOUNTS_WITH_DEVPTS when /dev/pts is a
 * private devpts instance) if it is in place, MOUNTS_NONE if mount namespaces are not
 * available here (nothing was changed), and dies if it fails half way. */
static int apply_mount_layer(const roots_t *roots)
{
    if (enter_mount_namespace() != 0)
        return MOUNTS_NONE;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
        die(CODEX_SANDBOX_EXIT_MOUNTS, "cannot make the mount namespace private: %s",
            strerror(errno));
    create_all_placeholders(); /* only now: in enumeration mode nothing would hide them */
    /* Every path to re-mount, writable roots first, each group shallowest first. */
    size_t n = 0, cap = roots->n + 1;
    for (size_t i = 0; i < roots->n; i++)
        cap += roots->items[i].n_read_only;
    char **paths = xmalloc(cap * sizeof(char *));
    int *fds = xmalloc(cap * sizeof(int));
    struct stat st;
    for (size_t i = 0; i < roots->n; i++)
        if (stat(roots->items[i].path, &st) == 0)
            paths[n++] = roots->items[i].path;
    qsort(paths, n, sizeof(char *), by_depth);
    size_t n_writable = n;
    for (size_t i = 0; i < roots->n; i++)
        for (size_t k = 0; k < roots->items[i].n_read_only; k++)
            if (stat(roots->items[i].read_only[k], &st) == 0)
                paths[n++] = roots->items[i].read_only[k];
    /* The placeholder locks (see "Protected names that do not exist yet") live under /tmp, a
     * writable root: a command that could delete them could get its own placeholders removed
     * while it still runs. */
    if (placeholder_lock_dir[0] && stat(placeholder_lock_dir, &st) == 0)
        paths[n++] = placeholder_lock_dir;
    qsort(paths + n_writable, n - n_writable, sizeof(char *), by_depth);
    for (size_t i = 0; i < n; i++) {
        fds[i] = clone_tree(paths[i], i >= n_writable);
        if (fds[i] < 0)
            die(CODEX_SANDBOX_EXIT_MOUNTS, "cannot clone the mount at %s: %s", paths[i],
                strerror(errno));
    }
    struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
    if (syscall(SYS_mount_setattr, AT_FDCWD, "/", AT_RECURSIVE, &ro, sizeof ro) != 0)
        die(CODEX_SANDBOX_EXIT_MOUNTS, "cannot make / read-only: %s", strerror(errno));
    for (size_t i = 0; i < n; i++) {
        if (syscall(SYS_move_mount, fds[i], "", AT_FDCWD, paths[i], MOVE_MOUNT_F_EMPTY_PATH))
            die(CODEX_SANDBOX_EXIT_MOUNTS, "cannot mount %s: %s", paths[i], strerror(errno));
        close(fds[i]);
    }
    free(paths);
    free(fds);
    /* A devpts instance of our own on /dev/pts (as bubblewrap's --dev does): the host's
     * terminals, the caller's and every other user's, are not even visible, and a pty the
     * command makes through /dev/ptmx lives in it. Without /dev/pts the host's stays hidden
     * from write by Landlock alone. */
    int own_tty = clone_own_tty();
    if (mount("devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
              "newinstance,ptmxmode=0666,mode=0620") != 0) {
        if (own_tty >= 0)
            close(own_tty);
        return MOUNTS_ACTIVE;
    }
    /* The command's own terminal now has no name in /dev/pts; give it /dev/console, as
     * bubblewrap's --dev (the official CLI) does, so ttyname()/`tty` print one. The node is
     * not writable by path (Landlock), only through the descriptors the command has. */
    if (own_tty >= 0) {
        syscall(SYS_move_mount, own_tty, "", AT_FDCWD, "/dev/console", MOVE_MOUNT_F_EMPTY_PATH);
        close(own_tty); /* best effort: only a name is at stake */
    }
    return MOUNTS_WITH_DEVPTS;
}

/**** Capabilities ****/

static void drop_capabilities(void)
{
    int last = CAP_LAST_CAP;
    FILE *f = fopen("/proc/sys/kernel/cap_last_cap", "re");
    if (f) {
        if (fscanf(f, "%d", &last) != 1)
            last = CAP_LAST_CAP;
        fclose(f);
    }
    for (int cap = 0; cap <= last; cap++) {
        /* EINVAL: the kernel does not know this capability; EPERM: we lack CAP_SETPCAP,
         * which means the bounding set is not ours to change and our caps are already 0. */
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL && errno != EPERM)
            die(CODEX_SANDBOX_EXIT_PRIVS, "cannot drop capability %d: %s", cap, strerror(errno));
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
        die(CODEX_SANDBOX_EXIT_PRIVS, "cannot clear ambient capabilities: %s", strerror(errno));
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &hdr, data) != 0)
        die(CODEX_SANDBOX_EXIT_PRIVS, "cannot drop capabilities: %s", strerror(errno));
}

/**** Landlock ****/

static uint64_t fs_rights_for_abi(int abi)
{
    if (abi >= 5)
        return (1ULL << 16) - 1; /* + ioctl_dev */
    if (abi >= 3)
        return (1ULL << 15) - 1; /* + truncate */
    if (abi >= 2)
        return (1ULL << 14) - 1; /* + refer */
    return (1ULL << 13) - 1;
}

static int landlock_allow(int ruleset, const char *path, uint64_t rights, uint64_t handled,
                          int follow)
{
    int fd = open(path, O_PATH | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        return -1;
    }
    if (S_ISLNK(st.st_mode)) { /* never let a symlink grant rights on its target */
        close(fd);
        return 0;
    }
    struct ll_path_beneath_attr attr = {rights & handled, fd};
    if (!S_ISDIR(st.st_mode))
        attr.allowed_access &= LL_FS_FILE_RIGHTS;
    long rc = syscall(SYS_landlock_add_rule, ruleset, LL_RULE_PATH_BENEATH, &attr, 0U);
    int saved = errno;
    close(fd);
    errno = saved;
    return rc == 0 ? 0 : -1;
}

#define LL_FS_MAKE_DIR (1ULL << 7)
#define LL_FS_MAKE_SYM (1ULL << 12)

/* A project root (the cwd, or a root the policy names) where `.git` is missing, or `.codex` or
 * `.agents` is not a directory: there is nothing to mount over, so the name could be created
 * (see "Protected names that do not exist yet" in the header comment). */
static int missing_protected_name(const root_t *r)
{
    static const char *const names[] = {".git", ".codex", ".agents"};
    if (!r->project)
        return 0;
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        char *path = join(r->path, names[k]);
        struct stat st;
        int present =
            k == 0 ? lstat(path, &st) == 0 : stat(path, &st) == 0 && S_ISDIR(st.st_mode);
        free(path);
        if (!present)
            return 1;
    }
    return 0;
}

typedef struct {
    const roots_t *roots;
    char *careful; /* per root: its own top level must not get every right */
    int mounts;
    int ruleset;
    uint64_t all;
} grant_t;

static int is_root_path(const grant_t *g, const char *path)
{
    for (size_t i = 0; i < g->roots->n; i++)
        if (strcmp(g->roots->items[i].path, path) == 0)
            return 1;
    return 0;
}

static int is_any_carve_out(const grant_t *g, const char *path)
{
    for (size_t i = 0; i < g->roots->n; i++)
        for (size_t k = 0; k < g->roots->items[i].n_read_only; k++)
            if (strcmp(g->roots->items[i].read_only[k], path) == 0)
                return 1;
    return 0;
}

/* `dir` is a careful root, or lies on the way down to one: a rule granting every right on it
 * would reach that root's top level too (Landlock rights are inherited down the tree). */
static int needs_care(const grant_t *g, const char *dir)
{
    size_t n = strlen(dir);
    for (size_t i = 0; i < g->roots->n; i++) {
        const char *root = g->roots->items[i].path;
        if (!g->careful[i])
            continue;
        if (strcmp(root, dir) == 0)
            return 1;
        if (strncmp(root, dir, n) == 0 && (root[n] == '/' || strcmp(dir, "/") == 0))
            return 1;
    }
    return 0;
}

/* Grant write beneath `dir`. Where care is needed: in mount mode `dir` gets every right but
 * creating directories and symlinks (so no `.codex/` and no `.codex -> elsewhere`, made or
 * renamed in), in enumeration mode no write right at all; each child then gets its own grant,
 * skipping carve-outs and other roots (they get theirs). Symlinked children are never granted
 * (their target would be), except a root given as a symlink (`follow`). */
static int grant_beneath(const grant_t *g, const char *dir, int follow)
{
    if (!needs_care(g, dir))
        return landlock_allow(g->ruleset, dir, g->all, g->all, follow);
    struct stat st;
    if ((follow ? stat(dir, &st) : lstat(dir, &st)) != 0)
        return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
    if (!S_ISDIR(st.st_mode))
        return 0; /* a symlink on the way: granting nothing is the safe side */
    if (g->mounts &&
        landlock_allow(g->ruleset, dir, g->all & ~(LL_FS_MAKE_DIR | LL_FS_MAKE_SYM), g->all,
                       follow) != 0)
        return -1;
    DIR *d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -1;
    struct dirent *e;
    int rc = 0;
    while (rc == 0 && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char *child = join(dir, e->d_name);
        if (!is_any_carve_out(g, child) && !is_root_path(g, child))
            rc = grant_beneath(g, child, 0);
        free(child);
    }
    closedir(d);
    return rc;
}

/* Which roots need care: in mount mode the project roots missing a protected name; in
 * enumeration mode also every root with carve-outs (a rule on it would reach them). */
static char *careful_roots(const roots_t *roots, int mounts)
{
    char *careful = xmalloc(roots->n + 1);
    for (size_t i = 0; i < roots->n; i++)
        careful[i] = (char)(missing_protected_name(&roots->items[i]) ||
                            (!mounts && roots->items[i].n_read_only > 0));
    return careful;
}

/* The devices a command may write. /dev/tty is its own controlling terminal, if any (a PTY
 * command's pty; the caller's terminal is not: the command runs in a session of its own).
 * /dev/ptmx makes a new pty; /dev/pts is added only when it is our private devpts instance
 * (mount mode), never the host's, where every user terminal lives. Already-open descriptors
 * (fd 0-2, a PTY command's pty slave) are not re-checked by Landlock. */
static const char *const DEVICE_NODES[] = {
    "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty",
    "/dev/ptmx", NULL,
};

static void apply_landlock(const policy_t *p, const roots_t *roots, int mounts_active)
{
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LL_CREATE_RULESET_VERSION);
    if (abi < 1) {
        const char *why = errno == ENOSYS       ? "this kernel has no Landlock"
                          : errno == EOPNOTSUPP ? "Landlock is disabled at boot (lsm=)"
                                                : strerror(errno);
        die(CODEX_SANDBOX_EXIT_LANDLOCK,
            "cannot sandbox: %s; rerun with --sandbox danger-full-access to run without a "
            "sandbox, knowingly",
            why);
    }
    uint64_t all = fs_rights_for_abi((int)abi);
    struct ll_ruleset_attr attr = {.handled_access_fs = all};
    size_t attr_size = sizeof(uint64_t);
    if (abi >= 4) {
        attr_size = 2 * sizeof(uint64_t);
        if (!p->network_access)
            attr.handled_access_net = LL_NET_BIND_TCP | LL_NET_CONNECT_TCP;
    }
    if (abi >= 6) {
        attr_size = sizeof attr;
        attr.scoped = LL_SCOPE_SIGNAL | (p->network_access ? 0 : LL_SCOPE_ABSTRACT_UNIX_SOCKET);
    }
    int ruleset = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0U);
    if (ruleset < 0)
        die(CODEX_SANDBOX_EXIT_LANDLOCK, "cannot create a Landlock ruleset (ABI %ld): %s", abi,
            strerror(errno));
    int rc = landlock_allow(ruleset, "/", LL_FS_READ, all, 1);
    const uint64_t dev_rights = LL_FS_READ | LL_FS_WRITE_FILE | LL_FS_TRUNCATE | LL_FS_IOCTL_DEV;
    for (const char *const *dev = DEVICE_NODES; rc == 0 && *dev; dev++)
        rc = landlock_allow(ruleset, *dev, dev_rights, all, 1);
    if (rc == 0 && mounts_active == MOUNTS_WITH_DEVPTS)
        rc = landlock_allow(ruleset, "/dev/pts", dev_rights, all, 0);
    grant_t g = {roots, careful_roots(roots, mounts_active), mounts_active, ruleset, all};
    for (size_t i = 0; rc == 0 && i < roots->n; i++)
        rc = grant_beneath(&g, roots->items[i].path, 1);
    free(g.careful);
    if (rc != 0)
        die(CODEX_SANDBOX_EXIT_LANDLOCK, "cannot add a Landlock rule: %s", strerror(errno));
    if (syscall(SYS_landlock_restrict_self, ruleset, 0U) != 0)
        die(CODEX_SANDBOX_EXIT_LANDLOCK, "Landlock refused to restrict this process: %s",
            strerror(errno));
    close(ruleset);
}

/**** seccomp ****/

#if defined(__x86_64__)
#define CODEX_AUDIT_ARCH AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define CODEX_AUDIT_ARCH AUDIT_ARCH_AARCH64
#endif

#define NS_FLAGS                                                                              \
    (CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | \
     CLONE_NEWCGROUP | CLONE_NEWTIME)
#define ARG0_LO offsetof(struct seccomp_data, args[0])

typedef struct {
    struct sock_filter ins[256];
    unsigned short n;
} bpf_t;

static void emit(bpf_t *b, struct sock_filter ins)
{
    if (b->n >= sizeof b->ins / sizeof b->ins[0])
        die(CODEX_SANDBOX_EXIT_SECCOMP, "internal error: seccomp filter too long");
    b->ins[b->n++] = ins;
}

static void deny(bpf_t *b, long nr, int err)
{
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1));
    emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (uint32_t)err));
}

/* nr with any of `bits` set in arg0 gets EPERM; otherwise allowed. */
static void deny_arg0_bits(bpf_t *b, long nr, uint32_t bits)
{
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 4));
    emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO));
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, bits, 0, 1));
    emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
    emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

#define ARG1_LO offsetof(struct seccomp_data, args[1])

/* ioctl(fd, TIOCSTI|TIOCLINUX, ...) gets EPERM; compares the low 32 bits of the request. */
static void deny_ioctls(bpf_t *b)
{
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_ioctl, 0, 5));
    emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG1_LO));
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCSTI, 1, 0));
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, TIOCLINUX, 0, 1));
    emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
    emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

/* socketpair(AF_UNIX, SOCK_STREAM|SOCK_SEQPACKET [| flags], ...) is allowed, anything else
 * gets EPERM. Connected stream and seqpacket sockets ignore or refuse a destination address;
 * a datagram socket would take one. */
static void allow_unix_pair_only(bpf_t *b)
{
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socketpair, 0, 8));
    emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LO));
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_UNIX, 0, 4));
    emit(b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG1_LO));
    emit(b, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf)); /* SOCK_TYPE_MASK */
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCK_STREAM, 2, 0));
    emit(b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCK_SEQPACKET, 1, 0));
    emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
    emit(b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
}

static void apply_seccomp(const policy_t *p)
{
#ifndef CODEX_AUDIT_ARCH
    die(CODEX_SANDBOX_EXIT_SECCOMP, "cannot sandbox: no seccomp filter for this CPU architecture");
#else
    bpf_t b = {.n = 0};
    /* A syscall made through another ABI (int 0x80 on x86_64) has other numbers: kill it. */
    emit(&b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, arch)));
    emit(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, CODEX_AUDIT_ARCH, 1, 0));
    emit(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    emit(&b, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
                                          offsetof(struct seccomp_data, nr)));
#if defined(__x86_64__)
    /* x32 syscalls are the same calls under numbers | 0x40000000. */
    emit(&b, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 0x40000000U, 0, 1));
    emit(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM));
#endif
    static const long always_denied[] = {
        SYS_ptrace,        SYS_process_vm_readv, SYS_process_vm_writev, SYS_io_uring_setup,
        SYS_io_uring_enter, SYS_io_uring_register, SYS_setns,          SYS_mount,
        SYS_umount2,       SYS_pivot_root,       SYS_open_tree,         SYS_move_mount,
        SYS_fsopen,        SYS_fsconfig,         SYS_fsmount,           SYS_fspick,
        SYS_mount_setattr, SYS_init_module,      SYS_finit_module,      SYS_delete_module,
        SYS_kexec_load,    SYS_kexec_file_load,  SYS_bpf,               SYS_open_by_handle_at,
        SYS_pidfd_getfd,   SYS_add_key,          SYS_request_key,       SYS_keyctl,
    };
    for (size_t i = 0; i < sizeof always_denied / sizeof always_denied[0]; i++)
        deny(&b, always_denied[i], EPERM);
    /* No new namespaces: clone3 hides its flags in memory, so it answers ENOSYS and libc
     * falls back to clone, whose flags we can read. */
    deny(&b, SYS_clone3, ENOSYS);
    deny_arg0_bits(&b, SYS_unshare, NS_FLAGS);
    deny_arg0_bits(&b, SYS_clone, NS_FLAGS);
    /* Pushing input into a terminal (TIOCSTI; TIOCLINUX's selection paste does the same on a
     * virtual console). The kernel truncates an ioctl request to 32 bits, so only the low
     * word is compared: setting high bits cannot slip past. */
    deny_ioctls(&b);
    if (!p->network_access) {
        /* No socket() at all, AF_UNIX included: a pathname socket outside the sandbox
         * (/var/run/docker.sock) is reached with connect(), which Landlock does not check.
         * socketpair() stays for local IPC, stream and seqpacket only: a datagram pair
         * could sendmsg() to any pathname socket. connect/bind/listen are refused too, for
         * a socket inherited as fd 0-2. */
        deny(&b, SYS_socket, EPERM);
        allow_unix_pair_only(&b);
        deny(&b, SYS_connect, EPERM);
        deny(&b, SYS_bind, EPERM);
        deny(&b, SYS_listen, EPERM);
    }
    emit(&b, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    struct sock_fprog prog = {b.n, b.ins};
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0U, &prog);
    if (rc != 0 && errno == ENOSYS) /* kernels before 3.17 only have the prctl form */
        rc = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
    if (rc != 0)
        die(CODEX_SANDBOX_EXIT_SECCOMP,
            "cannot sandbox: seccomp filters are unavailable (%s); rerun with --sandbox "
            "danger-full-access to run without a sandbox, knowingly",
            strerror(errno));
#endif
}

/**** A session of our own ****/

static volatile sig_atomic_t relay_child;

static void relay_signal(int sig)
{
    if (relay_child > 0)
        kill(-relay_child, sig);
}

/* The fork case of new_session(): this parent only passes signals on to the command's
 * process group and ends the way the command ended (exit status, or the same signal). */
static void relay_until_exit(pid_t child) __attribute__((noreturn));

static void relay_until_exit(pid_t child)
{
    static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2};
    relay_child = child;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = relay_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
        sigaction(forwarded[i], &sa, NULL);
    int status;
    while (waitpid(child, &status, 0) < 0) {
        if (errno != EINTR)
            die(CODEX_SANDBOX_EXIT_PRIVS, "lost the sandboxed command: %s", strerror(errno));
    }
    if (WIFEXITED(status))
        _exit(WEXITSTATUS(status));
    int sig = WTERMSIG(status);
    signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    kill(getpid(), sig);
    _exit(128 + sig);
}

/* Step 0: the command gets a session of its own, so the caller's terminal is not its
 * controlling terminal: no TIOCSTI/TIOCLINUX into it (also refused by seccomp), no job-control
 * signals to the caller's shell, and /dev/tty opens nothing (ENXIO) or, for a PTY command,
 * that command's own pty. setsid() fails in a process group leader:
 *   - already a session leader (the agent starts every command with setsid, a PTY command
 *     with its own pty as controlling terminal): nothing to do;
 *   - a group leader only (a job an interactive shell started: `codex sandbox` typed at a
 *     prompt): fork; the child makes the session and goes on to become the command, this
 *     process waits and passes the exit status on (relay_until_exit). */
static void new_session(void)
{
    if (setsid() >= 0 || getsid(0) == getpid())
        return;
    pid_t parent = getpid();
    pid_t child = fork();
    if (child < 0)
        die(CODEX_SANDBOX_EXIT_PRIVS, "cannot start the command in a new session: %s",
            strerror(errno));
    if (child > 0)
        relay_until_exit(child);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || getppid() != parent)
        die(CODEX_SANDBOX_EXIT_PRIVS, "the launcher is gone; not starting");
    if (setsid() < 0)
        die(CODEX_SANDBOX_EXIT_PRIVS, "cannot start a new session: %s", strerror(errno));
}

/**** Inherited descriptors ****/

/* With the network off, a network socket inherited as fd 0-2 would bypass the socket() filter;
 * every other descriptor is closed at exec. */
static void check_inherited_fds(const policy_t *p)
{
    if (syscall(SYS_close_range, 3U, ~0U, 4U /* CLOSE_RANGE_CLOEXEC */) != 0) {
        for (int fd = 3; fd < 1024; fd++)
            fcntl(fd, F_SETFD, FD_CLOEXEC);
    }
    if (p->network_access)
        return;
    for (int fd = 0; fd <= 2; fd++) {
        struct stat st;
        int domain;
        socklen_t len = sizeof domain;
        if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode) ||
            getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) != 0)
            continue;
        if (domain != AF_UNIX)
            die(CODEX_SANDBOX_EXIT_USAGE,
                "fd %d is a network socket but the policy forbids network access", fd);
        /* A datagram socket can sendmsg() to any pathname socket; seccomp cannot see the
         * address in msghdr. */
        int type = 0;
        len = sizeof type;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) == 0 && type == SOCK_DGRAM)
            die(CODEX_SANDBOX_EXIT_USAGE,
                "fd %d is a datagram socket but the policy forbids network access", fd);
    }
}

/**** Placeholders for protected names that do not exist yet (mount mode) ****/

static const char *const PROTECTED_NAMES[] = {".git", ".codex", ".agents"};
#define N_PROTECTED (sizeof PROTECTED_NAMES / sizeof PROTECTED_NAMES[0])

/* The write end of the pipe on which the command side tells the helper which mount namespace
 * to wait for (-1: no helper). */
static int placeholder_ns_fd = -1;

/* Whether a placeholder helper must run for root r: a protected name is missing (we create
 * it), or is an empty directory, which may be another sandbox's placeholder: then we too must
 * hold the root's lock while we run, or that sandbox's cleanup would remove it under us. */
static int placeholder_root(const root_t *r)
{
    if (!r->project)
        return 0;
    for (size_t k = 0; k < N_PROTECTED; k++) {
        char *path = join(r->path, PROTECTED_NAMES[k]);
        struct stat st;
        int wanted = 0;
        if (lstat(path, &st) != 0) {
            wanted = errno == ENOENT;
        } else if (S_ISDIR(st.st_mode)) {
            DIR *d = opendir(path);
            struct dirent *e;
            wanted = d != NULL;
            while (wanted && (e = readdir(d)) != NULL)
                wanted = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
            if (d)
                closedir(d);
        }
        free(path);
        if (wanted)
            return 1;
    }
    return 0;
}

/* A directory only we can write (0700, ours, not a symlink), or -1. */
static int open_lock_dir(void)
{
    if (mkdir(placeholder_lock_dir, 0700) != 0 && errno != EEXIST)
        return -1;
    int fd = open(placeholder_lock_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;
    if (fd >= 0 && (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 077))) {
        close(fd);
        fd = -1;
    }
    return fd;
}

typedef struct {
    const char *root;
    int lock;   /* shared while a sandbox of ours runs in this root; exclusive to clean up */
    int record; /* flock'd exclusively while creating; holds "name dev ino" lines */
} ph_root_t;

/* Create the missing names of one root as empty directories and note each in the record. */
static void create_placeholders(ph_root_t *p)
{
    if (flock(p->record, LOCK_EX) != 0)
        return;
    for (size_t k = 0; k < N_PROTECTED; k++) {
        char *path = join(p->root, PROTECTED_NAMES[k]);
        struct stat st;
        if (mkdir(path, 0755) == 0 && lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
            char line[128];
            int n = snprintf(line, sizeof line, "%s %llu %llu\n", PROTECTED_NAMES[k],
                             (unsigned long long)st.st_dev, (unsigned long long)st.st_ino);
            if (lseek(p->record, 0, SEEK_END) < 0 || write(p->record, line, (size_t)n) != n)
                rmdir(path); /* unrecorded, it would never be cleaned up */
        }
        free(path);
    }
    flock(p->record, LOCK_UN);
}

/* Last one out (the exclusive lock granted at once): remove the recorded placeholders that
 * are still the empty directories we made, then forget them. */
static void remove_placeholders(ph_root_t *p)
{
    if (flock(p->lock, LOCK_EX | LOCK_NB) != 0 || flock(p->record, LOCK_EX) != 0)
        return;
    char buf[4096];
    ssize_t len = pread(p->record, buf, sizeof buf - 1, 0);
    buf[len > 0 ? len : 0] = '\0';
    for (char *line = buf, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        char name[16];
        unsigned long long dev, ino;
        if (sscanf(line, "%15s %llu %llu", name, &dev, &ino) != 3)
            continue;
        for (size_t k = 0; k < N_PROTECTED; k++) {
            if (strcmp(name, PROTECTED_NAMES[k]) != 0)
                continue;
            char *path = join(p->root, name);
            struct stat st;
            if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && st.st_dev == dev &&
                st.st_ino == ino)
                rmdir(path); /* ENOTEMPTY: someone outside put files there; keep them */
            free(path);
        }
    }
    if (ftruncate(p->record, 0) != 0)
        return;
}

/* Every process still in mount namespace (dev, ino): a command's background children keep
 * its mounts, so the placeholders must stay until they are gone too. Returns how many pidfds
 * were put in `fds` (at most `cap`), 0 when none is left. */
static size_t namespace_members(unsigned long long dev, unsigned long long ino, struct pollfd *fds,
                                size_t cap)
{
    DIR *proc = opendir("/proc");
    size_t n = 0;
    struct dirent *e;
    while (proc && n < cap && (e = readdir(proc)) != NULL) {
        char *end;
        long pid = strtol(e->d_name, &end, 10);
        if (*end || pid <= 0)
            continue;
        char path[64];
        struct stat st;
        snprintf(path, sizeof path, "/proc/%ld/ns/mnt", pid);
        if (stat(path, &st) != 0 || st.st_dev != dev || st.st_ino != ino)
            continue;
        int fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0U);
        if (fd >= 0)
            fds[n++] = (struct pollfd){.fd = fd, .events = POLLIN};
    }
    if (proc)
        closedir(proc);
    return n;
}

static void wait_readable(struct pollfd *fds, size_t n)
{
    while (poll(fds, (nfds_t)n, -1) < 0 && errno == EINTR)
        ;
}

/* The launcher's side: the roots it holds locks for (shared with the helper: the same open
 * file descriptions, so the helper keeps the locks after the exec closes ours). */
static ph_root_t *ph_roots;
static size_t ph_count;
static pid_t ph_middle = -1;

/* Close every descriptor but 0-2 and those in keep[] (sorted ascending), above 1024 too. */
static void close_all_but(const int *keep, size_t n)
{
    unsigned from = 3;
    for (size_t i = 0; i <= n; i++) {
        unsigned to = i < n ? (unsigned)keep[i] - 1 : ~0U;
        if (i < n && (unsigned)keep[i] < from) {
            continue;
        }
        if (from <= to && syscall(SYS_close_range, from, to, 0U) != 0)
            for (unsigned fd = from; fd <= to && fd < 1024; fd++)
                close((int)fd);
        if (i < n)
            from = (unsigned)keep[i] + 1;
    }
}

static int by_value(const void *a, const void *b)
{
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

/* The helper: outside the command's session and process group (the agent's kill of that
 * group does not reach it), in the caller's mount namespace (where an rmdir is possible), with
 * no descriptor of the caller's but the locks, the command's pidfd and a pipe. It holds each
 * root's lock shared for as long as the command or anything it left behind runs. */
static void placeholder_helper(int pidfd, int ns) __attribute__((noreturn));

static void placeholder_helper(int pidfd, int ns)
{
    setsid();
    prctl(PR_SET_NAME, "codex-sbx-clean", 0, 0, 0); /* what ps shows: not the command */
    static const int quiet[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE, SIGTSTP, SIGTTIN,
                                SIGTTOU, SIGUSR1, SIGUSR2};
    for (size_t i = 0; i < sizeof quiet / sizeof quiet[0]; i++)
        signal(quiet[i], SIG_IGN);
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd <= 2 && null >= 0; fd++)
        dup2(null, fd);
    /* Nothing of the caller's may stay open here (a pipe the agent reads to EOF would wait
     * for this helper). */
    int *keep = xmalloc((2 * ph_count + 2) * sizeof(int));
    size_t n_keep = 0;
    keep[n_keep++] = pidfd;
    keep[n_keep++] = ns;
    for (size_t i = 0; i < ph_count; i++) {
        keep[n_keep++] = ph_roots[i].lock;
        keep[n_keep++] = ph_roots[i].record;
    }
    qsort(keep, n_keep, sizeof(int), by_value);
    close_all_but(keep, n_keep);
    char buf[64] = "";
    size_t got = 0;
    ssize_t r;
    while (got < sizeof buf - 1 &&
           ((r = read(ns, buf + got, sizeof buf - 1 - got)) > 0 || (r < 0 && errno == EINTR)))
        got += r > 0 ? (size_t)r : 0;
    buf[got] = '\0';
    close(ns);
    struct pollfd one = {.fd = pidfd, .events = POLLIN};
    wait_readable(&one, 1);
    unsigned long long dev, ino;
    if (sscanf(buf, "%llu %llu", &dev, &ino) == 2) {
        struct pollfd members[64];
        size_t m;
        while ((m = namespace_members(dev, ino, members, 64)) > 0) {
            wait_readable(members, m);
            for (size_t i = 0; i < m; i++)
                close(members[i].fd);
        }
    }
    for (size_t i = 0; i < ph_count; i++)
        remove_placeholders(&ph_roots[i]);
    _exit(0);
}

/* Before the mount layer, in the caller's namespaces: where a project root lacks .git, .codex
 * or .agents (or has one as an empty directory, maybe another sandbox's placeholder), take
 * that root's lock shared and start the helper that will hold it and clean up. The command
 * keeps its pid, process group, session and exit status; nothing here waits for the helper. */
static void start_placeholders(const roots_t *roots)
{
    int wanted = 0;
    for (size_t i = 0; i < roots->n; i++)
        wanted |= placeholder_root(&roots->items[i]);
    if (!wanted)
        return;
    snprintf(placeholder_lock_dir, sizeof placeholder_lock_dir, "/tmp/codex-sandbox-%u",
             (unsigned)geteuid());
    int pidfd = (int)syscall(SYS_pidfd_open, getpid(), 0U);
    int dir = pidfd >= 0 ? open_lock_dir() : -1;
    int ns[2];
    if (dir < 0 || pipe2(ns, O_CLOEXEC) != 0) {
        if (pidfd >= 0)
            close(pidfd);
        if (dir >= 0)
            close(dir);
        return;
    }
    fcntl(pidfd, F_SETFD, FD_CLOEXEC);
    ph_roots = xmalloc((roots->n + 1) * sizeof *ph_roots);
    for (size_t i = 0; i < roots->n; i++) {
        struct stat st;
        if (!placeholder_root(&roots->items[i]) || stat(roots->items[i].path, &st))
            continue;
        char name[96];
        snprintf(name, sizeof name, "%llu-%llu.lock", (unsigned long long)st.st_dev,
                 (unsigned long long)st.st_ino);
        int lock = openat(dir, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        snprintf(name, sizeof name, "%llu-%llu.record", (unsigned long long)st.st_dev,
                 (unsigned long long)st.st_ino);
        int record = openat(dir, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (lock < 0 || record < 0 || flock(lock, LOCK_SH) != 0) {
            if (lock >= 0)
                close(lock);
            if (record >= 0)
                close(record);
            continue;
        }
        ph_roots[ph_count++] = (ph_root_t){roots->items[i].path, lock, record};
    }
    close(dir);
    ph_middle = fork();
    if (ph_middle == 0) {
        /* Twice, so the helper is nobody's child we know of: the command never sees a child
         * it did not start (a shell's wait, make's), and the helper outlives this branch. */
        if (fork() == 0) {
            close(ns[1]);
            placeholder_helper(pidfd, ns[0]);
        }
        _exit(0);
    }
    close(ns[0]);
    close(pidfd);
    if (ph_middle < 0) { /* no helper: no placeholders (and no locks held for nothing) */
        for (size_t i = 0; i < ph_count; i++) {
            close(ph_roots[i].lock);
            close(ph_roots[i].record);
        }
        ph_count = 0;
        close(ns[1]);
        return;
    }
    placeholder_ns_fd = ns[1];
}

/* In the mount namespace, before the mount layer looks at what exists: make the missing
 * names (the helper, started before, will remove them). */
static void create_all_placeholders(void)
{
    for (size_t i = 0; i < ph_count; i++)
        create_placeholders(&ph_roots[i]);
}

/* After the mount layer: tell the helper which mount namespace to outwait (none in
 * enumeration mode: EOF), and reap the intermediate process. */
static void announce_namespace(int mounts)
{
    if (placeholder_ns_fd < 0)
        return;
    struct stat st;
    if (mounts && stat("/proc/self/ns/mnt", &st) == 0)
        dprintf(placeholder_ns_fd, "%llu %llu\n", (unsigned long long)st.st_dev,
                (unsigned long long)st.st_ino);
    close(placeholder_ns_fd);
    placeholder_ns_fd = -1;
    while (waitpid(ph_middle, NULL, 0) < 0 && errno == EINTR)
        ;
}

/**** main ****/

static void usage(const char *why)
{
    die(CODEX_SANDBOX_EXIT_USAGE,
        "%s (usage: codex-linux-sandbox --sandbox-policy-cwd DIR --sandbox-policy JSON "
        "[--command-cwd DIR] [--die-with-parent] [--explain] -- COMMAND [ARGS...])",
        why);
}

static void explain(const policy_t *p, const roots_t *roots, const char *kind, const char *mode)
{
    printf("{\"policy\":\"%s\",\"network_access\":%s,\"carve_outs\":\"%s\",\"writable_roots\":[",
           kind, p->network_access ? "true" : "false", mode);
    for (size_t i = 0; i < roots->n; i++) {
        printf("%s{\"root\":", i ? "," : "");
        put_json_string(stdout, roots->items[i].path);
        printf(",\"read_only_subpaths\":[");
        for (size_t k = 0; k < roots->items[i].n_read_only; k++) {
            if (k)
                putchar(',');
            put_json_string(stdout, roots->items[i].read_only[k]);
        }
        printf("]}");
    }
    printf("],\"guarded_roots\":[");
    for (size_t i = 0, shown = 0; i < roots->n; i++) {
        if (!missing_protected_name(&roots->items[i]))
            continue;
        if (shown++)
            putchar(',');
        put_json_string(stdout, roots->items[i].path);
    }
    printf("]}\n");
}

int main(int argc, char **argv)
{
    const char *policy_json = NULL, *policy_cwd = NULL, *command_cwd = NULL;
    int do_explain = 0, die_with_parent = 0, i;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        }
        if (strcmp(a, "--explain") == 0) {
            do_explain = 1;
            continue;
        }
        if (strcmp(a, "--die-with-parent") == 0) {
            die_with_parent = 1;
            continue;
        }
        const char **slot = strcmp(a, "--sandbox-policy") == 0       ? &policy_json
                            : strcmp(a, "--sandbox-policy-cwd") == 0 ? &policy_cwd
                            : strcmp(a, "--command-cwd") == 0        ? &command_cwd
                                                                      : NULL;
        if (!slot) {
            char why[256];
            snprintf(why, sizeof why, "unknown argument %.200s", a);
            usage(why);
        }
        if (i + 1 >= argc)
            usage("an option is missing its value");
        *slot = argv[++i];
    }
    if (!policy_json)
        usage("--sandbox-policy is required");
    if (!policy_cwd)
        usage("--sandbox-policy-cwd is required");
    if (policy_cwd[0] != '/')
        usage("--sandbox-policy-cwd must be an absolute path");
    if (i >= argc && !do_explain)
        usage("no command given after --");
    if (die_with_parent) {
        /* Kill the command when whoever started it dies (the agent), like upstream's
         * parent-death signal. If that parent is already gone, do not start at all. */
        pid_t parent = getppid();
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0 || parent == 1 || getppid() != parent)
            die(CODEX_SANDBOX_EXIT_PRIVS, "the parent process is gone; not starting");
    }
    policy_t policy;
    const char *error = NULL;
    if (!parse_policy(policy_json, &policy, &error))
        die(CODEX_SANDBOX_EXIT_USAGE, "bad --sandbox-policy: %s", error);
    char *cwd = normalize(NULL, policy_cwd);
    roots_t roots = compute_roots(&policy, cwd);
    static const char *const kinds[] = {"danger-full-access", "read-only", "workspace-write",
                                        "external-sandbox"};
    int sandboxed = policy.kind == POLICY_READ_ONLY || policy.kind == POLICY_WORKSPACE_WRITE;
    /* This program never frees: it becomes the command (execve) or exits; --explain exits
     * with _exit like every other path, so leak checkers see the same lifetime. */
    if (do_explain && !sandboxed) {
        explain(&policy, &roots, kinds[policy.kind], "none");
        fflush(stdout);
        _exit(0);
    }
    if (sandboxed) {
        if (!do_explain)
            new_session();
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
            die(CODEX_SANDBOX_EXIT_PRIVS, "cannot set no_new_privs: %s", strerror(errno));
        if (!do_explain && policy.kind == POLICY_WORKSPACE_WRITE)
            start_placeholders(&roots);
        int mounts = apply_mount_layer(&roots);
        announce_namespace(mounts);
        if (do_explain) {
            explain(&policy, &roots, kinds[policy.kind], mounts ? "mounts" : "enumeration");
            fflush(stdout);
            _exit(0);
        }
        check_inherited_fds(&policy);
        drop_capabilities();
        apply_landlock(&policy, &roots, mounts);
        apply_seccomp(&policy);
    }
    const char *dir = command_cwd ? command_cwd : policy_cwd;
    if (chdir(dir) != 0)
        die(CODEX_SANDBOX_EXIT_USAGE, "cannot enter the command cwd %s: %s", dir,
            strerror(errno));
    execvp(argv[i], argv + i);
    int err = errno;
    die(err == ENOENT ? CODEX_SANDBOX_EXIT_NOT_FOUND : CODEX_SANDBOX_EXIT_CANNOT_EXEC,
        "cannot run %s: %s", argv[i], strerror(err));
}
