"""Record the official 0.169 CLI's answers to the `codex mcp …` scenario (tests/mcp/cli_cases.py)
into tests/fixtures/mcp/cli.json:  python -m tests.mcp.capture"""

from __future__ import annotations

import json
import subprocess
import tempfile
from pathlib import Path

from tests.mcp.cli_cases import run_scenario
from tests.support.official import official_binary

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mcp" / "cli.json"


def main() -> None:
    binary = official_binary()
    if binary is None:
        raise SystemExit("the official binary is not installed")

    def run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(binary), *argv], env=env, capture_output=True, text=True, check=False
        )

    with tempfile.TemporaryDirectory() as tmp:
        steps = run_scenario(run, Path(tmp) / "home")
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    FIXTURE.write_text(json.dumps(steps, indent=1) + "\n")
    print(f"wrote {FIXTURE}")


if __name__ == "__main__":
    main()
