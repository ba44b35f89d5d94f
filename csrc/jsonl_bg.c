/* Background fsync for jsonl writers (see jsonl_bg.h for why and the contract). */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* SCHED_BATCH */
#endif
#include "jsonl_bg.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jsonl_internal.h"

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_ready = PTHREAD_COND_INITIALIZER; /* the queue is not empty */
static pthread_cond_t went_idle = PTHREAD_COND_INITIALIZER;  /* a writer's fsync finished */
static codex_jsonl_writer *head, *tail; /* writers waiting for an fsync */

enum { PC_QUEUED, PC_RUNNING, PC_DONE };

struct codex_jsonl_precreate {
    struct codex_jsonl_precreate *next;
    unsigned generation; /* the pool (process) that queued it */
    int state;
    int dropped; /* abandoned while a worker creates it: the worker removes and frees it */
    int fd;      /* PC_DONE: the created file, or -1 */
    int err;     /* PC_DONE: errno of a failed creation */
    int mode;
    char path[];
};

static codex_jsonl_precreate *pc_head, *pc_tail; /* creations waiting for a worker */
static int workers;         /* threads in codex_jsonl_bg_work() in this process */
static long pending;        /* writers queued or running */
static long creating;       /* creations queued or running */
static int creator_busy;    /* a worker is creating a file: one at a time (see codex_jsonl_bg_work) */
static unsigned generation = 1; /* bumped in a forked child: the parent's flags mean nothing */

/**** fork ****/

static void before_fork(void) { pthread_mutex_lock(&lock); }

static void after_fork_parent(void) { pthread_mutex_unlock(&lock); }

static void after_fork_child(void)
{
    /* The only thread here is the one that forked, holding the lock (before_fork): no worker
     * exists, no fsync of the parent's is ours to finish or wait for. */
    head = tail = NULL;
    pc_head = pc_tail = NULL;
    workers = 0;
    pending = 0;
    creating = 0;
    creator_busy = 0;
    generation++;
    pthread_cond_init(&work_ready, NULL);
    pthread_cond_init(&went_idle, NULL);
    pthread_mutex_unlock(&lock);
}

/* Registered when the library is loaded, before any thread can hold the lock: registering on
 * first use (under the lock, or racing a fork from another thread) could leave a child with the
 * lock held by a thread it does not have. */
__attribute__((constructor)) static void install_fork_hooks(void)
{
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);
}

/**** queue (all under `lock`) ****/

/* A writer last touched by another process's pool (before a fork) is idle here. */
static void adopt_locked(codex_jsonl_writer *w)
{
    if (w->bg_generation != generation) {
        w->bg_generation = generation;
        w->bg_queued = 0;
        w->bg_running = 0;
        w->bg_error = 0; /* the parent's to report */
        w->bg_next = NULL;
    }
}

static void enqueue_locked(codex_jsonl_writer *w)
{
    w->bg_next = NULL;
    if (tail)
        tail->bg_next = w;
    else
        head = w;
    tail = w;
    w->bg_queued = 1;
}

/* Close a created file nobody took, and remove it while it is still empty (as it is unless
 * something else wrote to that path meanwhile: then it is not ours to remove). The size from
 * lseek, not fstat: see repair_tail in jsonl.c. */
static void remove_if_empty(int fd, const char *path)
{
    if (lseek(fd, 0, SEEK_END) == 0)
        unlink(path);
    close(fd);
}

/* One queued creation, the lock held on entry and on return. */
static void create_locked(void)
{
    codex_jsonl_precreate *p = pc_head;
    pc_head = p->next;
    if (!pc_head)
        pc_tail = NULL;
    p->state = PC_RUNNING;
    pthread_mutex_unlock(&lock);
    int fd = open(p->path, O_RDWR | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, (mode_t)p->mode);
    int err = fd < 0 ? errno : 0;
    pthread_mutex_lock(&lock);
    if (p->dropped) { /* its thread closed meanwhile: the file is empty and nobody's */
        pthread_mutex_unlock(&lock);
        if (fd >= 0)
            remove_if_empty(fd, p->path);
        free(p);
        pthread_mutex_lock(&lock);
        creating--; /* after the removal: drain() may return now */
        pthread_cond_broadcast(&went_idle);
        return;
    }
    creating--;
    p->state = PC_DONE;
    p->fd = fd;
    p->err = err;
    pthread_cond_broadcast(&went_idle);
}

/* One queued fsync, the lock held on entry and on return. */
static void sync_locked(void)
{
    codex_jsonl_writer *w = head;
    head = w->bg_next;
    if (!head)
        tail = NULL;
    w->bg_next = NULL;
    w->bg_queued = 0;
    w->bg_running = 1;
    unsigned long long target = w->bg_wanted;
    pthread_mutex_unlock(&lock);
    /* Reads only w->fd, which the owner never closes while w is queued or running. */
    int rc = codex_jsonl_sync(w);
    pthread_mutex_lock(&lock);
    w->bg_running = 0;
    w->bg_completed++;
    if (rc != 0 && w->bg_error == 0)
        w->bg_error = rc;
    if (w->bg_wanted != target && w->bg_error == 0) {
        enqueue_locked(w); /* written to while this fsync ran: once more (this worker loops) */
    } else {
        pending--;
        pthread_cond_broadcast(&went_idle);
    }
}

int codex_jsonl_bg_workers(void)
{
    pthread_mutex_lock(&lock);
    int n = workers;
    pthread_mutex_unlock(&lock);
    return n;
}

void codex_jsonl_bg_work(void)
{
#if defined(__linux__) && defined(SCHED_BATCH)
    /* Background work: a worker woken for an fsync or a creation must not preempt the thread
     * that woke it (the event loop) on its core, only take what CPU is spare (SCHED_BATCH: the
     * same share, no wakeup preemption; measured +3% warm one-turn threads). pthread's call,
     * not sched_setscheduler(0, ...): that is per thread on glibc but a stub on musl. Failure
     * (a seccomp filter, say) leaves the default policy, which also works. */
    struct sched_param batch = {0};
    (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &batch);
#endif
    pthread_mutex_lock(&lock);
    workers++;
    pthread_cond_broadcast(&went_idle); /* codex_jsonl_bg_await_workers */
    for (;;) {
        /* Creations first (a turn's first request waits on one), but one at a time: on a
         * file system where creating is slow it is CPU time in the kernel, and several at once
         * would take the cores the event loop needs; a turn whose creation has not started by
         * its first flush makes the file itself. */
        while (!(pc_head && !creator_busy) && !head)
            pthread_cond_wait(&work_ready, &lock);
        if (pc_head && !creator_busy) {
            creator_busy = 1;
            create_locked();
            creator_busy = 0; /* and round again: this worker takes the next creation itself */
        } else {
            sync_locked();
        }
    }
}

/* An absolute CLOCK_REALTIME deadline (pthread_cond_timedwait's clock everywhere). */
static struct timespec deadline_after(long timeout_ms)
{
    struct timespec at;
    clock_gettime(CLOCK_REALTIME, &at);
    at.tv_sec += timeout_ms / 1000;
    at.tv_nsec += (timeout_ms % 1000) * 1000000L;
    if (at.tv_nsec >= 1000000000L) {
        at.tv_sec++;
        at.tv_nsec -= 1000000000L;
    }
    return at;
}

/* One wait on `went_idle` (held lock), up to `at` unless `timeout_ms` < 0 (no limit): 0 once the
 * deadline has passed, so each caller's loop re-checks its own condition and stops there. */
static int wait_idle_locked(const struct timespec *at, long timeout_ms)
{
    if (timeout_ms < 0) {
        pthread_cond_wait(&went_idle, &lock);
        return 1;
    }
    return pthread_cond_timedwait(&went_idle, &lock, at) != ETIMEDOUT;
}

/**** public API ****/

int codex_jsonl_bg_await_workers(int n, long timeout_ms)
{
    struct timespec at = deadline_after(timeout_ms < 0 ? 0 : timeout_ms);
    pthread_mutex_lock(&lock);
    while (workers < n) {
        if (!wait_idle_locked(&at, timeout_ms))
            break;
    }
    int enough = workers >= n;
    pthread_mutex_unlock(&lock);
    return enough;
}

int codex_jsonl_bg_request(codex_jsonl_writer *w)
{
    pthread_mutex_lock(&lock);
    adopt_locked(w);
    if (w->bg_error != 0) {
        int rc = w->bg_error;
        w->bg_error = 0;
        pthread_mutex_unlock(&lock);
        return rc;
    }
    w->bg_wanted++;
    if (w->bg_queued || w->bg_running) { /* the queued or running fsync covers it */
        pthread_mutex_unlock(&lock);
        return 0;
    }
    if (workers == 0) {
        pthread_mutex_unlock(&lock); /* no worker lent (yet): durable the slow way */
        return codex_jsonl_sync(w);
    }
    pending++;
    enqueue_locked(w);
    pthread_mutex_unlock(&lock);
    /* After unlocking: a worker woken under the lock would only block on it at once. */
    pthread_cond_signal(&work_ready);
    return 0;
}

int codex_jsonl_bg_wait(codex_jsonl_writer *w, long timeout_ms)
{
    struct timespec at = deadline_after(timeout_ms < 0 ? 0 : timeout_ms);
    pthread_mutex_lock(&lock);
    adopt_locked(w);
    while (w->bg_queued || w->bg_running) {
        if (!wait_idle_locked(&at, timeout_ms))
            break;
    }
    int idle = !(w->bg_queued || w->bg_running);
    pthread_mutex_unlock(&lock);
    return idle;
}

int codex_jsonl_bg_idle(codex_jsonl_writer *w)
{
    pthread_mutex_lock(&lock);
    adopt_locked(w);
    int idle = !(w->bg_queued || w->bg_running) && w->bg_error == 0;
    pthread_mutex_unlock(&lock);
    return idle;
}

int codex_jsonl_bg_take_error(codex_jsonl_writer *w)
{
    pthread_mutex_lock(&lock);
    int rc = w->bg_error;
    w->bg_error = 0;
    pthread_mutex_unlock(&lock);
    return rc;
}

long long codex_jsonl_bg_completed(codex_jsonl_writer *w)
{
    pthread_mutex_lock(&lock);
    long long n = w->bg_completed;
    pthread_mutex_unlock(&lock);
    return n;
}

int codex_jsonl_bg_drain(long timeout_ms, int cancel_creations)
{
    struct timespec at = deadline_after(timeout_ms < 0 ? 0 : timeout_ms);
    pthread_mutex_lock(&lock);
    /* At exit, creations nobody has started are cancelled, not run: a file made now would be
     * one no turn takes. Their owners find them done, with no file. */
    while (cancel_creations && pc_head) {
        codex_jsonl_precreate *p = pc_head;
        pc_head = p->next;
        p->next = NULL;
        p->state = PC_DONE;
        p->fd = -1;
        p->err = ECANCELED;
        creating--;
    }
    if (!pc_head)
        pc_tail = NULL; /* (a drain that cancels nothing keeps the queue, and its tail, whole) */
    while (pending > 0 || creating > 0) {
        if (!wait_idle_locked(&at, timeout_ms))
            break;
    }
    int done = pending == 0 && creating == 0;
    pthread_mutex_unlock(&lock);
    return done;
}

/**** creating files ahead ****/

/* Take `p` out of the creation queue (it is there: PC_QUEUED in this generation). */
static void unqueue_locked(codex_jsonl_precreate *p)
{
    codex_jsonl_precreate *prev = NULL;
    for (codex_jsonl_precreate *q = pc_head; q; prev = q, q = q->next) {
        if (q == p) {
            if (prev)
                prev->next = q->next;
            else
                pc_head = q->next;
            if (pc_tail == q)
                pc_tail = prev;
            creating--;
            pthread_cond_broadcast(&went_idle);
            return;
        }
    }
}

/* A handle a forked child inherited: its creation is the parent's (never removed here), but a
 * descriptor the parent's worker had already opened is a copy this process must close. */
static void forget_parents(codex_jsonl_precreate *p)
{
    if (p->state == PC_DONE && p->fd >= 0)
        close(p->fd);
    free(p);
}

codex_jsonl_precreate *codex_jsonl_precreate_start(const char *path, int mode)
{
    size_t n = strlen(path) + 1;
    codex_jsonl_precreate *p = malloc(sizeof *p + n);
    if (!p)
        return NULL;
    memcpy(p->path, path, n);
    p->next = NULL;
    p->state = PC_QUEUED;
    p->dropped = 0;
    p->fd = -1;
    p->err = 0;
    p->mode = mode;
    pthread_mutex_lock(&lock);
    if (workers == 0) {
        pthread_mutex_unlock(&lock);
        free(p);
        return NULL;
    }
    p->generation = generation;
    creating++;
    if (pc_tail)
        pc_tail->next = p;
    else
        pc_head = p;
    pc_tail = p;
    /* While a worker creates a file it takes the next one itself when done: waking another
     * now would only have it find the creator busy and sleep again, a futex round trip that
     * a hundred threads started at once paid each, on the loop's core (perf sched). */
    int wake = !creator_busy;
    pthread_mutex_unlock(&lock);
    if (wake)
        pthread_cond_signal(&work_ready);
    return p;
}

codex_jsonl_writer *codex_jsonl_precreate_take(codex_jsonl_precreate *p, int fsync_policy,
                                               size_t buf_cap)
{
    pthread_mutex_lock(&lock);
    if (p->generation != generation) {
        pthread_mutex_unlock(&lock);
        forget_parents(p);
        errno = EAGAIN;
        return NULL;
    }
    if (p->state == PC_QUEUED) { /* not started: opening it here costs no more than waiting */
        unqueue_locked(p);
        pthread_mutex_unlock(&lock);
        free(p);
        errno = EAGAIN;
        return NULL;
    }
    while (p->state == PC_RUNNING)
        pthread_cond_wait(&went_idle, &lock);
    int fd = p->fd, err = p->err;
    pthread_mutex_unlock(&lock);
    free(p);
    if (fd < 0) {
        errno = err;
        return NULL;
    }
    return codex_jsonl_from_new_fd(fd, fsync_policy, buf_cap);
}

void codex_jsonl_precreate_drop(codex_jsonl_precreate *p)
{
    pthread_mutex_lock(&lock);
    if (p->generation != generation) {
        pthread_mutex_unlock(&lock);
        forget_parents(p);
        return;
    }
    if (p->state == PC_RUNNING) {
        p->dropped = 1; /* the worker removes the file and frees the handle */
        pthread_mutex_unlock(&lock);
        return;
    }
    if (p->state == PC_QUEUED)
        unqueue_locked(p);
    int made = p->state == PC_DONE && p->fd >= 0;
    pthread_mutex_unlock(&lock);
    if (made)
        remove_if_empty(p->fd, p->path);
    free(p);
}
