"""Choose the model and the turn's parameters: list the models this CLI knows, pick one that
supports the reasoning effort you want, then set model, effort and summary per thread or per turn.

    python examples/sdk_model_select.py low "Suggest a name for a build tool."
"""

from __future__ import annotations

import os
import sys

from codex import Codex, CodexConfig, Model


def pick(models: list[Model], effort: str) -> Model:
    """The default model if it supports `effort`, else the first visible one that does."""

    def supports(model: Model) -> bool:
        return any(o.reasoning_effort == effort for o in model.supported_reasoning_efforts)

    visible = [m for m in models if not m.hidden]
    default = next((m for m in visible if m.is_default), None)
    if default is not None and supports(default):
        return default
    return next((m for m in visible if supports(m)), default or visible[0])


def main(effort: str, prompt: str) -> int:
    config = CodexConfig(codex_home=os.environ.get("CODEX_SDK_HOME"))
    with Codex(config) as codex:
        model = pick(codex.models().data, effort)
        print(f"model: {model.model} ({model.display_name}), effort: {effort}")
        thread = codex.thread_start(model=model.model)
        # Per-turn parameters override the thread's for this turn only.
        result = thread.run(prompt, effort=effort, summary="concise")
    print(result.final_response)
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], " ".join(sys.argv[2:]) or "Say hello."))
