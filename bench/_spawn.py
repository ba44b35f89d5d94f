"""Fork, exec and `os.wait4` the measured CLIs from a process that stays small.

Why a separate process: Linux folds the memory high-water mark of the mm a child had before
`execve` into that child's `ru_maxrss`. A child forked from the benchmark driver (which holds the
mock model server, 10 MB request bodies and rendered 20 MB streams) would report the driver's
size, not its own. This helper runs as `python -S -I`, imports only builtins, and forks with
`os.fork` (not vfork, which would charge the parent's peak), so every measured child starts
from a ~8 MB image; `bench/compare` measures and prints that floor (`/bin/true` run the same way).

The process that is `wait4`ed is the CLI itself (no shell, no node wrapper, no /usr/bin/time).
Its rusage covers the CLI and the descendants it reaped (git, bash, the sandbox launcher).

Protocol on stdin/stdout: 8-byte little-endian length + `marshal` blob, both ways.
Request: (timeout_s, [job, ...]) with job = {"argv", "env", "cwd", "stdout", "stderr"}; all jobs
start at once (concurrency) and the reply is (batch_wall_s, [(wall_s, maxrss_kib, exit_code,
cpu_s), ...]) in job order. A job still running after timeout_s is killed (exit code -9).
"""

import marshal
import os
import signal
import sys
import time


def _child(job):
    try:
        os.setpgid(0, 0)
        os.chdir(job["cwd"])
        fd = os.open(os.devnull, os.O_RDONLY)
        os.dup2(fd, 0)
        for target, path in ((1, job.get("stdout")), (2, job.get("stderr"))):
            fd = os.open(path or os.devnull, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(fd, target)
        os.execve(job["argv"][0], job["argv"], job["env"])
    finally:
        os._exit(127)


def run(timeout, jobs):
    running = {}
    results = [None] * len(jobs)
    batch_start = time.perf_counter()
    for i, job in enumerate(jobs):
        started = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            _child(job)
        running[pid] = (i, started)

    def kill_all(_signum, _frame):
        for pid in running:
            try:  # noqa: SIM105 (contextlib is one import too many here)
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass

    signal.signal(signal.SIGALRM, kill_all)
    signal.alarm(max(1, int(timeout)))
    try:
        while running:
            pid, status, usage = os.wait4(-1, 0)
            ended = time.perf_counter()
            if pid not in running:
                continue
            i, started = running.pop(pid)
            code = os.waitstatus_to_exitcode(status)
            cpu = usage.ru_utime + usage.ru_stime
            results[i] = (ended - started, usage.ru_maxrss, code, cpu)
    finally:
        signal.alarm(0)
    return time.perf_counter() - batch_start, results


def main():
    rd, wr = sys.stdin.buffer, sys.stdout.buffer
    while True:
        head = rd.read(8)
        if len(head) < 8:
            return
        timeout, jobs = marshal.loads(rd.read(int.from_bytes(head, "little")))
        out = marshal.dumps(run(timeout, jobs))
        wr.write(len(out).to_bytes(8, "little") + out)
        wr.flush()


if __name__ == "__main__":
    main()
