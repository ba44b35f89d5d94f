"""A stand-in for an interactive shell on a terminal: started as the session leader of a pty,
it runs its arguments (after REPORT_FD) as a foreground job (own process group, given the
terminal, as job control does), takes the terminal back, then reports on REPORT_FD what is waiting
in its own input queue: anything there was pushed in by the job (TIOCSTI) and would run in a real
shell."""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys
import termios


def main() -> int:
    signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    report_fd = int(sys.argv[1])
    pid = os.fork()
    if pid == 0:
        os.setpgid(0, 0)
        os.tcsetpgrp(0, os.getpgrp())
        signal.signal(signal.SIGTTOU, signal.SIG_DFL)
        os.execvp(sys.argv[2], sys.argv[2:])
    with contextlib.suppress(PermissionError, ProcessLookupError):
        os.setpgid(pid, pid)  # the child may have done it first (or already exec'd)
    _, status = os.waitpid(pid, 0)
    os.tcsetpgrp(0, os.getpgrp())
    # Non-canonical, no wait: a pushed partial line shows up too (canonical mode hides it).
    attrs = termios.tcgetattr(0)
    attrs[3] &= ~(termios.ICANON | termios.ECHO)
    attrs[6][termios.VMIN] = 0
    attrs[6][termios.VTIME] = 0
    termios.tcsetattr(0, termios.TCSANOW, attrs)
    queued = b""
    while select.select([0], [], [], 0)[0]:
        chunk = os.read(0, 4096)
        if not chunk:
            break
        queued += chunk
    report = {"status": os.waitstatus_to_exitcode(status), "queued": queued.decode("latin-1")}
    os.write(report_fd, json.dumps(report).encode())
    return 0


if __name__ == "__main__":
    sys.exit(main())
