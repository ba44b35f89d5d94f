"""Small handlers: `update_plan` (plan event) and `view_image` (local image → next request)."""

from __future__ import annotations

import base64
import mimetypes
from pathlib import Path

from codex.protocol.events import ViewImageToolCall
from codex.protocol.items import InputImage, InputText, Message
from codex.tools.runtime.args import ArgumentError, parse_arguments
from codex.tools.runtime.context import ToolCall, ToolContext, ToolResult

# Larger images are refused rather than inflating every later request.
MAX_IMAGE_BYTES = 20 * 1024 * 1024
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
        mime = _sniff_image(data)
    if not mime:
        raise ValueError(f"`{path}` is not a supported image")
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _sniff_image(data: bytes) -> str:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    return ""


async def handle_view_image(ctx: ToolContext, call: ToolCall, _intercept: object) -> ToolResult:
    data = parse_arguments(call.payload, ("path",))
    raw = data["path"]
    if not isinstance(raw, str):
        raise ArgumentError("failed to parse function arguments: `path` must be a string")
    path = Path(raw) if Path(raw).is_absolute() else ctx.cwd / raw
    try:
        meta = path.stat()
    except OSError as exc:
        return ToolResult(f"unable to locate image at `{path}`: {exc}", success=False)
    if not path.is_file() or meta is None:
        return ToolResult(f"image path `{path}` is not a file", success=False)
    try:
        content = [InputImage(image_data_url(path))]
    except (OSError, ValueError) as exc:
        content = [InputText(f"Codex could not read the local image at `{path}`: {exc}")]
    ctx.pending_input.append(Message("user", list(content)))
    ctx.emit(ViewImageToolCall(call.call_id, str(path)))
    return ToolResult("attached local image path")
