"""A real MCP server (the `mcp` SDK's MCPServer) for the client tests, over stdio or streamable
HTTP: tools (echo, an image, structured content, an error, a slow one), a resource, and modes that
crash at start or never answer `initialize`.

    python -m tests.mcp.peers.stdio_server [--http PORT] [--mode normal|crash|hang]
"""

from __future__ import annotations

import argparse
import base64
import os
import sys

# one red pixel
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--http", type=int, default=0)
    parser.add_argument("--mode", default="normal")
    args = parser.parse_args()
    print(f"peer starting pid={os.getpid()} mode={args.mode}", file=sys.stderr, flush=True)
    if args.mode == "crash":
        sys.exit(3)
    if args.mode == "hang":
        # Read the requests, answer none (a server stuck before `initialize` completes).
        while sys.stdin.buffer.readline():
            pass
        return
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.utilities.types import Image
    from mcp.types import ToolAnnotations

    server = MCPServer("peer")

    @server.tool(description="Echoes its text back.")
    def echo(text: str) -> str:
        return f"echo: {text}"

    @server.tool(description="Returns a one-pixel PNG and a caption.")
    def picture():  # type: ignore[no-untyped-def]  # unannotated: plain content, no structure
        return ["a red pixel", Image(data=PNG, format="png")]

    @server.tool(description="Adds two numbers; structured result.")
    def add(a: int, b: int) -> dict[str, int]:
        return {"sum": a + b}

    @server.tool(description="Always fails.")
    def broken() -> str:
        raise ValueError("this tool is broken")

    @server.tool(description="Sleeps for the given seconds.")
    async def slow(seconds: float) -> str:
        # asynchronous: a sleeping call must not hold up the server's other calls
        import anyio

        await anyio.sleep(seconds)
        return "woke up"

    @server.tool(name="write-file.v2", description="A tool whose name needs sanitising.")
    def write_file(path: str) -> str:
        return f"would write {path}"

    @server.tool(
        description="Creates the file at path (destructive: needs approval).",
        annotations=ToolAnnotations(destructiveHint=True),
    )
    def touch(path: str) -> str:
        with open(path, "w") as f:
            f.write("touched")
        return f"touched {path}"

    @server.tool(
        description="Says whether path exists (read-only: no approval).",
        annotations=ToolAnnotations(readOnlyHint=True),
    )
    def peek(path: str) -> str:
        return "exists" if os.path.exists(path) else "missing"

    @server.resource("memo://notes", description="A short note.")
    def notes() -> str:
        return "remember the milk"

    if args.http:
        server.run("streamable-http", host="127.0.0.1", port=args.http)
    else:
        server.run("stdio")


if __name__ == "__main__":
    main()
