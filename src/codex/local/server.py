"""The embedded model server, run as a child process: `python -m codex.local.server --model GGUF`.

xllamacpp's `Server` loads the model and serves llama.cpp's OpenAI-compatible HTTP API from its
own threads inside whatever process creates it. Keeping that out of the agent process means the
agent never holds the model's memory or llama.cpp's threads, and stopping is a plain signal.

Protocol with the parent (codex.local.runtime): once the model is loaded and the socket listens,
one JSON line `{"address": "http://127.0.0.1:PORT", "load_seconds": S}` goes to stdout. The child
then waits for EOF on stdin and exits. It also asks the kernel for SIGKILL when its parent dies
(PR_SET_PDEATHSIG), so even a SIGKILLed codex leaves no server behind. SIGINT is ignored: a
Ctrl-C on the terminal reaches the whole process group, and the parent decides when to stop.
It must never import codex's agent packages (keep it a thin shell around xllamacpp).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time

PR_SET_PDEATHSIG = 1


def die_with_parent(parent_pid: int) -> None:
    """SIGKILL this process when the parent exits (Linux); no-op elsewhere."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    # The parent may have died before prctl took effect.
    if parent_pid and os.getppid() != parent_pid:
        os._exit(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codex.local.server")
    parser.add_argument("--model", required=True, help="GGUF file")
    parser.add_argument("--alias", default=None, help="Model id /v1/models reports")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--ctx", type=int, default=8192, help="Context window (tokens)")
    parser.add_argument("--threads", type=int, default=0, help="0: all CPUs, at most 8")
    parser.add_argument("--temp", type=float, default=0.0, help="Default sampling temperature")
    parser.add_argument("--dry-last-n", type=int, default=256, help="DRY penalty window (tokens)")
    parser.add_argument("--parent-pid", type=int, default=0)
    args = parser.parse_args(argv)

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(args.parent_pid)
    began = time.monotonic()
    import xllamacpp

    params = xllamacpp.CommonParams()
    params.model.path = args.model
    if args.alias:
        params.model_alias = {args.alias}
    params.hostnames = [args.host]
    params.port = args.port
    params.n_ctx = args.ctx
    params.n_parallel = 1
    threads = args.threads or min(os.cpu_count() or 1, 8)
    params.cpuparams.n_threads = threads
    params.cpuparams_batch.n_threads = threads
    # Greedy by default: small models wander at higher temperatures, and runs repeat exactly.
    params.sampling.temp = args.temp
    # Greedy decoding of a 135M model loops: on one phrase ("john-john-john-...") and on whole
    # sentences ("The answer is 3. The answer is 4. ... The answer is 18. The answer is 3. ...",
    # a ~100-token loop that ran to the output cap). DRY penalises extending any sequence of 3+
    # tokens already in the window, and its window must hold such a loop (llama.cpp's default,
    # 64 tokens, does not), yet stay short: it also covers the prompt, and a command or path
    # must be copied from it verbatim. No classic repetition penalty, for the same reason: at
    # 1.1 (with DRY over 1,024 tokens) the model asked to run `echo hello` ran `hello`.
    params.sampling.dry_multiplier = 0.8
    params.sampling.dry_penalty_last_n = args.dry_last_n
    params.sampling.penalty_repeat = 1.0
    server = xllamacpp.Server(params)
    line = {"address": server.listening_address, "load_seconds": time.monotonic() - began}
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except OSError:
        pass
    # Skip interpreter teardown: llama.cpp's threads and the model go with the process.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
