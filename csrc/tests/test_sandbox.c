/* The launcher under ASan/UBSan (scripts/c-tests): adversarial argv and policy JSON must end in a
 * clean one-line refusal (exit 120), valid policies must explain themselves (exit 0), and a
 * sandboxed command must run (exit status passed through). Usage: test_sandbox LAUNCHER */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *launcher;
static int failures;

static int run(const char *const *args)
{
    char *argv[32];
    int n = 0;
    argv[n++] = (char *)launcher;
    for (; args[n - 1] && n < 31; n++)
        argv[n] = (char *)args[n - 1];
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        int devnull = open("/dev/null", O_WRONLY);
        dup2(devnull, 1);
        dup2(devnull, 2);
        execv(launcher, argv);
        _exit(99);
    }
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
}

static void expect(int want, const char *const *args)
{
    int got = run(args);
    if (got != want) {
        fprintf(stderr, "FAIL: want %d got %d for policy %s\n", want, got, args[3] ? args[3] : "");
        failures++;
    }
}

#define POLICY(json) \
    (const char *const[]) { "--sandbox-policy-cwd", "/", "--sandbox-policy", json, "--", "true", NULL }
#define EXPLAIN(json) \
    (const char *const[]) { "--sandbox-policy-cwd", "/tmp", "--sandbox-policy", json, "--explain", NULL }

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_sandbox LAUNCHER\n");
        return 2;
    }
    launcher = argv[1];
    static const char *const bad[] = {
        "", "{", "}", "[]", "null", "{\"type\"}", "{\"type\":}", "{\"type\":\"read-only\",}",
        "{\"type\":\"read-only\"", "{\"type\":\"x\"}", "{\"type\":1}", "{\"type\":\"read-only\"}}",
        "{\"type\":\"\\u12\"}", "{\"type\":\"\\ud800\"}", "{\"type\":\"\\udc00x\"}",
        "{\"type\":\"a\\u0000b\"}", "{\"type\":\"\\q\"}", "{\"type\":\"read-only\",\"x\":[[[[",
        "{\"type\":\"workspace-write\",\"writable_roots\":[1]}",
        "{\"type\":\"workspace-write\",\"writable_roots\":\"/\"}",
        "{\"type\":\"workspace-write\",\"network_access\":\"yes\"}",
        "{\"type\":\"read-only\",\"x\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}",
        "{\"type\":\"read-only\"\x01}", "\"read-only\"", "{\"type\":\"read-only\",\"n\":-}",
        NULL,
    };
    for (const char *const *b = bad; *b; b++)
        expect(120, POLICY(*b));
    static const char *const good[] = {
        "{\"type\":\"read-only\"}",
        "{\"type\":\"danger-full-access\"}",
        "{\"type\":\"external-sandbox\",\"network_access\":\"enabled\"}",
        "{\"type\":\"workspace-write\",\"writable_roots\":[\"/tmp/a\",\"rel/../x\",\"\\u00e9\\ud83d\\ude00\"],"
        "\"network_access\":true,\"exclude_tmpdir_env_var\":false,\"exclude_slash_tmp\":true,"
        "\"future\":{\"nested\":[1,2.5e3,true,null,\"s\"]}}",
        " { \"type\" : \"workspace-write\" } ",
        NULL,
    };
    for (const char *const *g = good; *g; g++)
        expect(0, EXPLAIN(*g));
    expect(0, POLICY("{\"type\":\"read-only\"}"));
    expect(120, (const char *const[]){"--sandbox-policy", "{}", NULL});
    expect(120, (const char *const[]){"--bogus", NULL});
    expect(120, (const char *const[]){"--sandbox-policy-cwd", NULL});
    expect(127, (const char *const[]){"--sandbox-policy-cwd", "/", "--sandbox-policy",
                                      "{\"type\":\"read-only\"}", "--", "/nonexistent/x", NULL});
    if (failures) {
        fprintf(stderr, "%d failure(s)\n", failures);
        return 1;
    }
    printf("sandbox launcher: ok\n");
    return 0;
}
