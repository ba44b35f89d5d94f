"""Handle what can go wrong: retry a turn while the server is overloaded (`retry_on_overload`),
tell request errors (`JsonRpcError` and its subclasses) from a turn that ran and failed (`run()`
raises RuntimeError with the turn's error, as the official SDK does), and exit accordingly.

    python examples/sdk_error_handling.py "Summarize the last commit."
"""

from __future__ import annotations

import os
import sys

from codex import (
    Codex,
    CodexConfig,
    JsonRpcError,
    ServerBusyError,
    retry_on_overload,
)


def main(prompt: str) -> int:
    config = CodexConfig(codex_home=os.environ.get("CODEX_SDK_HOME"))
    with Codex(config) as codex:
        thread = codex.thread_start()
        try:
            # Retried only for overloads (is_retryable_error); other errors surface at once.
            result = retry_on_overload(
                lambda: thread.run(prompt), max_attempts=3, initial_delay_s=0.25, max_delay_s=2.0
            )
        except ServerBusyError as exc:
            print(f"server still overloaded after 3 attempts: {exc.message}", file=sys.stderr)
            return 75  # EX_TEMPFAIL: worth trying later
        except JsonRpcError as exc:
            print(f"request refused ({exc.code}): {exc.message}", file=sys.stderr)
            return 2
        except RuntimeError as exc:  # the model (or its API) failed the turn
            print(f"turn failed: {exc}", file=sys.stderr)
            return 1
    print(result.final_response)
    return 0


if __name__ == "__main__":
    sys.exit(main(" ".join(sys.argv[1:]) or "Say hello."))
