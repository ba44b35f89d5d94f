"""The `view_image` tool: a local image file goes back to the model inside the call's own
`function_call_output`, as the official CLI 0.169 sends it (issue 15, item 4):

    {"type": "function_call_output", "call_id": "…", "output": [
        {"type": "input_image", "image_url": "data:image/png;base64,…", "detail": "original"}]}

No separate user message, no text part. The image kind comes from the bytes (a PNG named `.jpg`
is sent as `image/png`), never from the file name. PNG, JPEG and WebP go as they are (any size,
as the official CLI sends them); a GIF goes as a PNG of its first frame (codex.tools.runtime.
gif_png), as the official CLI converts it. Other bytes (BMP too, as in the official CLI) are an
error text, as are a missing path and a directory (the official wording for each).
"""

from __future__ import annotations

import base64
from pathlib import Path

from codex.protocol.events import ViewImageToolCall
from codex.protocol.items import InputImage
from codex.tools.runtime.args import ArgumentError, parse_arguments
from codex.tools.runtime.context import ToolCall, ToolContext, ToolResult

# Larger files are refused rather than inflating every later request of the thread.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
UNSUPPORTED = "unable to process image: invalid or unsupported image data"
# The official CLI sends images at their original resolution from this tool.
DETAIL = "original"


def sniff_image_mime(data: bytes) -> str:
    """The MIME type of an image the Responses API accepts (PNG, JPEG, GIF, WebP), from its
    magic bytes; "" for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return ""


def _os_error(exc: OSError) -> str:
    # The official CLI prints Rust's io::Error: "<description> (os error N)".
    if exc.errno is not None and exc.strerror:
        return f"{exc.strerror} (os error {exc.errno})"
    return str(exc)


def load_image_item(path: Path) -> InputImage | str:
    """The content item for the image at `path`, or the error text the model reads instead."""
    try:
        meta = path.stat()
    except OSError as exc:
        return f"unable to locate image at `{path}`: {_os_error(exc)}"
    if not path.is_file():
        return f"image path `{path}` is not a file"
    if meta.st_size > MAX_IMAGE_BYTES:
        return f"unable to process image: {meta.st_size} bytes is over the {MAX_IMAGE_BYTES} limit"
    try:
        data = path.read_bytes()
    except OSError as exc:
        return f"unable to read image at `{path}`: {_os_error(exc)}"
    mime = sniff_image_mime(data)
    if not mime:
        return UNSUPPORTED
    if mime == "image/gif":
        from codex.tools.runtime.gif_png import GifError, gif_to_png

        try:
            data, mime = gif_to_png(data), "image/png"
        except GifError:
            return UNSUPPORTED
    url = f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
    return InputImage(url, detail=DETAIL)


async def handle_view_image(ctx: ToolContext, call: ToolCall, _intercept: object) -> ToolResult:
    data = parse_arguments(call.payload, ("path",))
    raw = data["path"]
    if not isinstance(raw, str):
        raise ArgumentError("failed to parse function arguments: `path` must be a string")
    path = Path(raw) if Path(raw).is_absolute() else ctx.cwd / raw
    item = load_image_item(path)
    if isinstance(item, str):
        return ToolResult(item, success=False)
    ctx.emit(ViewImageToolCall(call.call_id, str(path)))
    return ToolResult([item])
