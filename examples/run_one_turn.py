"""Run one turn against the configured model provider and print its events, using only
`codex.api`: the smallest front end there is.

    python examples/run_one_turn.py "What is in this folder?"
    python examples/run_one_turn.py --config-home ./home -c model=gpt-5.5 "hello"

Each event prints as one line (its type and, for messages and commands, what they say); the
final answer and the usage follow. The session is recorded like any other (`--ephemeral`: not).
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from codex.api import ConfigOverrides, Event, FrontEnd, load_config, open_session

# Who we are to the provider and in the rollout's session_meta.
EXAMPLE = FrontEnd(originator="codex_example", source="cli", approval_policy="never")


def describe(event: Event) -> str:
    """One line for an event: its type, then whatever text it carries."""
    data = event.msg.to_dict()
    detail = data.get("message") or data.get("command") or data.get("last_agent_message") or ""
    return f"{data['type']}: {detail}" if detail else str(data["type"])


async def run(prompt: str, overrides: ConfigOverrides, ephemeral: bool) -> int:
    config = load_config(overrides, cwd=Path.cwd())
    async with open_session(config, EXAMPLE, ephemeral=ephemeral) as session:
        handle = await session.run_turn(prompt)
        async for event in handle.events():
            print(describe(event), flush=True)
    result = handle.result
    assert result is not None
    print(f"answer: {result.last_agent_message}")
    if result.usage is not None:
        print(f"tokens: {result.usage.total_tokens}")
    return 1 if result.error is not None else 0


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prompt")
    parser.add_argument("--config-home", help="the CODEX_HOME to use")
    parser.add_argument("-c", dest="overrides", action="append", default=[], help="key=value")
    parser.add_argument("--ephemeral", action="store_true", help="record no rollout")
    args = parser.parse_args(argv)
    overrides = ConfigOverrides(config_home=args.config_home, cli_overrides=tuple(args.overrides))
    return asyncio.run(run(args.prompt, overrides, args.ephemeral))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
