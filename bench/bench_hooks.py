"""What `tool_hook_command` costs per tool call, side by side with no hook.

Runs one Session against the loopback mock model server for N turns; every turn makes one
`exec_command` call (`true`) and then answers. Three configurations: no hook, `/bin/true` as
the hook (the floor: two fork/execs per call), and examples/hooks/log_tool_calls.py (a Python
hook appending JSONL). Reports the median and mean wall time per turn and the added time per
tool call relative to no hook. A second table runs the custom echo tool (a Python process) the
same way, so the hook cost can be compared with a real tool's own cost.

    .venv/bin/python bench/bench_hooks.py [--turns 40]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.core.harness import make_config, run_turn  # noqa: E402
from tests.support.mock_model_server import MockModelServer  # noqa: E402
from tests.support.model_stream import FunctionCall, Message, Turn  # noqa: E402

from codex.core import Session  # noqa: E402

LOGGER = ROOT / "examples" / "hooks" / "log_tool_calls.py"
ECHO = ROOT / "examples" / "custom_tools" / "echo_tool.py"


def measure(turns: int, extra: str, call: FunctionCall) -> list[float]:
    with tempfile.TemporaryDirectory() as tmp, MockModelServer() as server:
        for _ in range(turns):
            server.enqueue(Turn([call]), Turn([Message("ok")]))
        config = make_config(Path(tmp), server, extra=extra)
        times: list[float] = []

        async def main() -> None:
            async with Session(config) as s:
                await s.next_event()
                for i in range(turns):
                    start = time.perf_counter()
                    await run_turn(s, f"turn {i}")
                    times.append(time.perf_counter() - start)

        asyncio.run(main())
        return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=40)
    args = parser.parse_args()
    # The hook inherits our environment: keep its log out of ~/.codex.
    os.environ["CODEX_TOOL_LOG"] = str(Path(tempfile.mkdtemp()) / "log.jsonl")
    tool = (
        "[custom_tools.echo]\n"
        f'command = ["{sys.executable}", "{ECHO}"]\n'
        'parameters = { type = "object", properties = { text = { type = "string" } } }\n'
    )
    hooks = {
        "no hook": "",
        "/bin/true hook": 'tool_hook_command = ["/bin/true"]',
        "python logger hook": f'tool_hook_command = ["{sys.executable}", "{LOGGER}"]',
    }
    calls = {
        "exec_command `true`": FunctionCall("c", "exec_command", {"cmd": "true"}),
        "custom tool (python echo)": FunctionCall("c", "custom__echo", {"text": "x"}),
    }
    for call_name, call in calls.items():
        print(f"\n{call_name}: {args.turns} turns, one tool call each")
        print(f"{'configuration':<22}{'median ms':>11}{'mean ms':>10}{'added/call ms':>15}")
        base = None
        for name, extra in hooks.items():
            times = measure(args.turns, f"{extra}\n{tool}", call)
            median = statistics.median(times) * 1000
            base = median if base is None else base
            added = "" if median == base else f"{median - base:+.1f}"
            print(f"{name:<22}{median:>11.1f}{statistics.mean(times) * 1000:>10.1f}{added:>15}")


if __name__ == "__main__":
    main()
