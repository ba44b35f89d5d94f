"""A private tmux server with one client attached through a pty, so `tmux display-message -p
'#{client_termname}'` run by a process that inherits its `TMUX` answers the client's `TERM`: what
terminal detection asks tmux about (tests/fixtures/terminal_token_official.json)."""

from __future__ import annotations

import os
import pty
import select
import shutil
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def attached_tmux(socket: Path, client_term: str) -> Iterator[dict[str, str]]:
    """Yield the `TMUX`/`TMUX_PANE`/`TERM_PROGRAM*` a process inside the session would inherit,
    while a client whose TERM is `client_term` is attached. Needs tmux (callers skip without)."""
    tmux = shutil.which("tmux")
    assert tmux is not None
    base = [tmux, "-S", str(socket), "-f", "/dev/null"]
    subprocess.run([*base, "new-session", "-d", "-s", "t", "sleep 600"], check=True)
    pid, fd = pty.fork()
    if pid == 0:  # the attached client: a terminal of type `client_term`
        os.environ["TERM"] = client_term
        os.execv(tmux, [*base, "attach", "-t", "t"])
    try:
        # Read the client's drawing until the server lists it (select blocks: no timed sleeps).
        while not subprocess.run(
            [*base, "list-clients"], capture_output=True, text=True, check=False
        ).stdout.strip():
            ready, _, _ = select.select([fd], [], [], 5)
            if ready:
                try:
                    os.read(fd, 65536)
                except OSError:
                    break
        info = subprocess.run(
            [*base, "display-message", "-p", "-t", "t", "#{pid}|#{version}"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        server_pid, version = info.split("|")
        yield {
            "TMUX": f"{socket},{server_pid},0",
            "TMUX_PANE": "%0",
            "TERM_PROGRAM": "tmux",
            "TERM_PROGRAM_VERSION": version,
        }
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True, check=False)
        os.close(fd)
        os.waitpid(pid, 0)
