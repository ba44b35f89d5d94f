"""Small handlers: `update_plan` (plan event); `image_data_url` for images the user attaches
(the `view_image` tool lives in codex.tools.runtime.view_image)."""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path

from codex.tools.runtime.context import ToolCall, ToolContext, ToolResult
from codex.tools.runtime.view_image import MAX_IMAGE_BYTES, sniff_image_mime

_IMAGE_MIME_PREFIX = "image/"


async def handle_update_plan(ctx: ToolContext, call: ToolCall, _intercept: object) -> ToolResult:
    from codex.tools.plan import PlanArgumentError, parse_update_plan

    try:
        update = parse_update_plan(call.payload)
    except PlanArgumentError as exc:
        return ToolResult(str(exc), success=False)
    ctx.emit(update)
    return ToolResult("Plan updated")


def image_data_url(path: Path) -> str:
    """A `data:` URL for a local image (raises OSError / ValueError with a readable message)."""
    size = path.stat().st_size
    if size > MAX_IMAGE_BYTES:
        raise ValueError(f"image at `{path}` is too large ({size} bytes; limit {MAX_IMAGE_BYTES})")
    mime = mimetypes.guess_type(path.name)[0] or ""
    data = path.read_bytes()
    if not mime.startswith(_IMAGE_MIME_PREFIX):
        mime = sniff_image_mime(data)
    if not mime:
        raise ValueError(f"`{path}` is not a supported image")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"
