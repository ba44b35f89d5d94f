"""Send an image with the text of a turn: a local file (`LocalImageInput`, read and sent inline)
or a URL (`ImageInput`, an https: or data: URL), next to a `TextInput`.

    python examples/sdk_image_and_text.py screenshot.png "What does this screen show?"
    python examples/sdk_image_and_text.py https://example.com/cat.png "Which animal is this?"
"""

from __future__ import annotations

import os
import sys

from codex import Codex, CodexConfig, ImageInput, LocalImageInput, TextInput


def main(image: str, prompt: str) -> int:
    picture = ImageInput(image) if image.startswith(("https:", "http:", "data:")) else None
    if picture is None:
        if not os.path.isfile(image):
            print(f"no such image file: {image}", file=sys.stderr)
            return 2
        picture = LocalImageInput(os.path.abspath(image))
    config = CodexConfig(codex_home=os.environ.get("CODEX_SDK_HOME"))
    with Codex(config) as codex:
        # Text and image items of one user message, in order (the official SDK's `Input`).
        result = codex.thread_start().run([TextInput(prompt), picture])
    print(result.final_response)
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], " ".join(sys.argv[2:]) or "Describe this image."))
