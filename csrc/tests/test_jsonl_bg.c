/* jsonl background fsync: coalescing, waiting, error reporting, a forked child, drain. */
#include "jsonl.h"
#include "jsonl_bg.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures = 0;

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}
#define CHECK(cond) do { if (!(cond)) { fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond); failures++; } } while (0)

#define WRITERS 40
#define ROUNDS 25

struct owner {
    codex_jsonl_writer *w;
    int requests;
};

/* One owner thread per writer, as core has one event loop per writer: append, flush, ask. */
static void *own(void *arg)
{
    struct owner *o = arg;
    for (int i = 0; i < ROUNDS; i++) {
        CHECK(codex_jsonl_append(o->w, "{\"a\":1}\n", 8) == 0);
        CHECK(codex_jsonl_flush(o->w) == 0);
        CHECK(codex_jsonl_bg_request(o->w) == 0);
        o->requests++;
    }
    return NULL;
}

/* The pool's workers are threads lent by the caller (the Python wrapper lends daemon threads). */
static void *lend(void *arg)
{
    (void)arg;
    codex_jsonl_bg_work();
    return NULL;
}

static void lend_workers(int n)
{
    int before = codex_jsonl_bg_workers();
    for (int i = 0; i < n; i++) {
        pthread_t t;
        CHECK(pthread_create(&t, NULL, lend, NULL) == 0);
        pthread_detach(t);
    }
    CHECK(codex_jsonl_bg_await_workers(before + n, 30000) == 1); /* each counts once it runs */
}

int main(void)
{
    /* Without a worker, a request syncs right here and a creation is not queued. */
    {
        char one[] = "/tmp/codex-test-jsonl-bg-one-XXXXXX";
        int fd = mkstemp(one);
        CHECK(fd >= 0);
        close(fd);
        codex_jsonl_writer *w0 = codex_jsonl_open(one, CODEX_JSONL_FSYNC_TURN_END, 0, 0600, NULL);
        CHECK(w0 != NULL);
        CHECK(codex_jsonl_bg_request(w0) == 0);
        CHECK(codex_jsonl_bg_idle(w0) == 1 && codex_jsonl_bg_completed(w0) == 0);
        CHECK(codex_jsonl_precreate_start("/tmp/never-made", 0600) == NULL);
        CHECK(codex_jsonl_close_synced(w0) == 0);
        unlink(one);
    }
    lend_workers(4);

    char dir[] = "/tmp/codex-test-jsonl-bg-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char path[256];

    /* Many writers, each asking from its own thread: every request is covered by an fsync
     * that started after it, requests coalesce (never more fsyncs than requests), and every
     * writer ends idle. */
    struct owner owners[WRITERS];
    pthread_t threads[WRITERS];
    for (int i = 0; i < WRITERS; i++) {
        snprintf(path, sizeof path, "%s/r%d.jsonl", dir, i);
        owners[i].w = codex_jsonl_open(path, CODEX_JSONL_FSYNC_TURN_END, 0, 0600, NULL);
        owners[i].requests = 0;
        CHECK(owners[i].w != NULL);
        CHECK(codex_jsonl_bg_idle(owners[i].w) == 1);
        CHECK(codex_jsonl_bg_completed(owners[i].w) == 0);
    }
    for (int i = 0; i < WRITERS; i++)
        CHECK(pthread_create(&threads[i], NULL, own, &owners[i]) == 0);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(threads[i], NULL);
    CHECK(codex_jsonl_bg_drain(30000, 0) == 1);
    for (int i = 0; i < WRITERS; i++) {
        CHECK(codex_jsonl_bg_wait(owners[i].w, 0) == 1);
        CHECK(codex_jsonl_bg_idle(owners[i].w) == 1);
        long long done = codex_jsonl_bg_completed(owners[i].w);
        CHECK(done >= 1 && done <= owners[i].requests);
        CHECK(codex_jsonl_close_synced(owners[i].w) == 0);
        snprintf(path, sizeof path, "%s/r%d.jsonl", dir, i);
        unlink(path);
    }

    /* A failed fsync (a descriptor that cannot be synced) is reported once, by the next
     * request or by take_error, and the writer is not idle until it is. */
    codex_jsonl_writer *bad = codex_jsonl_open("/dev/null", CODEX_JSONL_FSYNC_TURN_END, 0, 0600, NULL);
    CHECK(bad != NULL);
    CHECK(codex_jsonl_bg_request(bad) == 0);
    CHECK(codex_jsonl_bg_wait(bad, -1) == 1);
    CHECK(codex_jsonl_bg_idle(bad) == 0);
    CHECK(codex_jsonl_bg_request(bad) == -EINVAL); /* reported, nothing queued */
    CHECK(codex_jsonl_bg_idle(bad) == 1);
    CHECK(codex_jsonl_bg_request(bad) == 0);
    CHECK(codex_jsonl_bg_wait(bad, 30000) == 1);
    CHECK(codex_jsonl_bg_take_error(bad) == -EINVAL);
    CHECK(codex_jsonl_bg_take_error(bad) == 0);
    CHECK(codex_jsonl_close_synced(bad) == 0);

    /* A forked child neither waits for its parent's fsyncs nor lacks workers of its own. */
    snprintf(path, sizeof path, "%s/fork.jsonl", dir);
    codex_jsonl_writer *w = codex_jsonl_open(path, CODEX_JSONL_FSYNC_TURN_END, 0, 0600, NULL);
    CHECK(w != NULL);
    CHECK(codex_jsonl_append(w, "{}\n", 3) == 0);
    CHECK(codex_jsonl_flush(w) == 0);
    CHECK(codex_jsonl_bg_request(w) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        int step = 0;
        if (codex_jsonl_bg_wait(w, 0) != 1)
            step = 1;
        else if (codex_jsonl_precreate_start("/tmp/never-made", 0600) != NULL) /* no workers */
            step = 2;
        lend_workers(2);
        if (!step && codex_jsonl_bg_request(w) != 0)
            step = 3;
        else if (!step && codex_jsonl_bg_wait(w, 30000) != 1)
            step = 4;
        else if (!step && codex_jsonl_bg_drain(30000, 0) != 1)
            step = 5;
        else if (!step && codex_jsonl_bg_completed(w) < 1)
            step = 6;
        _exit(step);
    }
    int status = -1;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        fprintf(stderr, "child: status %d\n", status);
    CHECK(codex_jsonl_bg_wait(w, 30000) == 1);
    CHECK(codex_jsonl_bg_completed(w) >= 1);
    CHECK(codex_jsonl_close_synced(w) == 0);
    unlink(path);
    CHECK(codex_jsonl_bg_drain(0, 0) == 1);

    /* Creating ahead: a taken creation is an open, empty writer of the new file. */
    snprintf(path, sizeof path, "%s/ahead.jsonl", dir);
    codex_jsonl_precreate *p = codex_jsonl_precreate_start(path, 0600);
    CHECK(p != NULL);
    CHECK(codex_jsonl_bg_drain(30000, 0) == 1); /* made by now */
    CHECK(exists(path));
    w = codex_jsonl_precreate_take(p, CODEX_JSONL_FSYNC_TURN_END, 0);
    CHECK(w != NULL);
    CHECK(codex_jsonl_append(w, "{\"x\":1}\n", 8) == 0);
    CHECK(codex_jsonl_close(w) == 0);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 8 && (st.st_mode & 0777) == 0600);
    /* A file that exists already is never opened by a creation: EEXIST, the caller opens it. */
    p = codex_jsonl_precreate_start(path, 0600);
    CHECK(p != NULL);
    CHECK(codex_jsonl_bg_drain(30000, 0) == 1);
    errno = 0;
    CHECK(codex_jsonl_precreate_take(p, CODEX_JSONL_FSYNC_TURN_END, 0) == NULL && errno == EEXIST);
    CHECK(stat(path, &st) == 0 && st.st_size == 8);
    unlink(path);

    /* Many at once, taken in order: each is either made (a writer) or cancelled unstarted
     * (EAGAIN, and then no file exists), never lost or left half-made. */
    enum { MANY = 200 };
    static codex_jsonl_precreate *many[MANY];
    for (int i = 0; i < MANY; i++) {
        snprintf(path, sizeof path, "%s/m%d.jsonl", dir, i);
        many[i] = codex_jsonl_precreate_start(path, 0600);
        CHECK(many[i] != NULL);
    }
    int made = 0, cancelled = 0;
    for (int i = 0; i < MANY; i++) {
        snprintf(path, sizeof path, "%s/m%d.jsonl", dir, i);
        errno = 0;
        codex_jsonl_writer *m = codex_jsonl_precreate_take(many[i], CODEX_JSONL_FSYNC_NEVER, 0);
        if (m) {
            made++;
            CHECK(exists(path));
            CHECK(codex_jsonl_close(m) == 0);
        } else {
            cancelled++;
            CHECK(errno == EAGAIN);
            CHECK(!exists(path));
        }
        unlink(path);
    }
    /* How many the workers got to first depends on scheduling (none, on a loaded machine):
     * either outcome is right, and every one is accounted for. */
    CHECK(made + cancelled == MANY);

    /* Dropped: a creation never taken leaves no file, whether it was cancelled, in progress,
     * or done before the drop. */
    for (int i = 0; i < MANY; i++) {
        snprintf(path, sizeof path, "%s/d%d.jsonl", dir, i);
        many[i] = codex_jsonl_precreate_start(path, 0600);
        CHECK(many[i] != NULL);
    }
    for (int i = 0; i < MANY; i++)
        codex_jsonl_precreate_drop(many[i]);
    snprintf(path, sizeof path, "%s/done.jsonl", dir);
    p = codex_jsonl_precreate_start(path, 0600);
    CHECK(codex_jsonl_bg_drain(30000, 0) == 1);
    CHECK(exists(path));
    codex_jsonl_precreate_drop(p);
    CHECK(!exists(path));
    CHECK(codex_jsonl_bg_drain(30000, 0) == 1);
    for (int i = 0; i < MANY; i++) {
        snprintf(path, sizeof path, "%s/d%d.jsonl", dir, i);
        CHECK(!exists(path));
    }

    /* At exit: creations not started are cancelled, never made (how many the one creator got
     * to before the drain depends on scheduling; each is either made or cancelled with no file). */
    for (int i = 0; i < MANY; i++) {
        snprintf(path, sizeof path, "%s/x%d.jsonl", dir, i);
        many[i] = codex_jsonl_precreate_start(path, 0600);
    }
    CHECK(codex_jsonl_bg_drain(30000, 1) == 1);
    for (int i = 0; i < MANY; i++) {
        snprintf(path, sizeof path, "%s/x%d.jsonl", dir, i);
        errno = 0;
        codex_jsonl_writer *m = codex_jsonl_precreate_take(many[i], CODEX_JSONL_FSYNC_NEVER, 0);
        if (m) {
            CHECK(codex_jsonl_close(m) == 0);
        } else {
            CHECK(errno == ECANCELED && !exists(path));
        }
        unlink(path);
    }

    rmdir(dir);
    if (failures)
        fprintf(stderr, "%d failure(s)\n", failures);
    return failures ? 1 : 0;
}
