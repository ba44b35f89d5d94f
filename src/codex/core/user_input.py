"""A turn's input (the `UserInput`/`UserTurn` op's parts) as the user message the model gets."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codex.protocol import ops
from codex.protocol.items import InputImage, InputText, Message

__all__ = ["steered_message", "user_message"]


def user_message(inputs: list[Any]) -> tuple[Message, str, list[str]]:
    """The user message a turn's input parts make, with its text (the parts joined by new
    lines: what hooks and notify see) and the images it names. A local image that cannot be
    read becomes a text part saying so: the turn still runs, and the model is told why."""
    content: list[Any] = []
    texts: list[str] = []
    images: list[str] = []
    for part in inputs:
        if isinstance(part, ops.InputText):
            content.append(InputText(part.text))
            texts.append(part.text)
        elif isinstance(part, ops.InputImageUrl):
            content.append(InputImage(part.image_url))
            images.append(part.image_url)
        elif isinstance(part, ops.InputLocalImage):
            from codex.tools.runtime.misc import image_data_url  # lazy: only with images

            path = Path(part.path)
            try:
                content.append(InputImage(image_data_url(path)))
            except (OSError, ValueError) as exc:
                content.append(
                    InputText(f"Codex could not read the local image at `{path}`: {exc}")
                )
            images.append(str(path))
    return Message("user", content), "\n".join(texts), images


def steered_message(inputs: list[Any], text: str, images: list[str]) -> Any:
    """The `UserMessage` event of input that joins a running turn (turn/steer), or None when
    it holds nothing to show. 0.169 makes it a user message item of that turn when the input
    is accepted, skill parts included, as it does for a turn's own input."""
    from codex.protocol.events import UserMessage

    skills = [
        {"type": "skill", "name": p.name, "path": p.path}
        for p in inputs
        if isinstance(p, ops.InputSkill)
    ]
    if not (text or images or skills):
        return None
    return UserMessage(text, images=images or None, skills=skills or None)
