"""`codex app-server`: the JSON-RPC server IDEs and the Python SDK drive (`--listen
stdio://` or `ws://IP:PORT`), and its schema generators. Argument wiring only; the work is
in `codex.app_server` (imported when the command runs)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse

    from codex.cli.context import CliContext


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--listen",
        default="stdio://",
        metavar="URL",
        help="Transport endpoint: stdio:// (default) or ws://IP:PORT",
    )
    sub = parser.add_subparsers(dest="app_server_command", metavar="COMMAND")
    for name, what in (
        ("generate-json-schema", "Generate JSON Schema for the app server protocol"),
        ("generate-ts", "Generate TypeScript bindings for the app server protocol"),
    ):
        gen = sub.add_parser(name, help=what, description=what)
        gen.add_argument("-o", "--out", required=True, metavar="DIR", help="Output directory")
        gen.add_argument(
            "--experimental", action="store_true", help="Include experimental methods and fields"
        )
        if name == "generate-ts":
            gen.add_argument("-p", "--prettier", metavar="BIN", help="Ignored (kept for parity)")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    command = getattr(args, "app_server_command", None)
    if command is not None:
        from pathlib import Path

        from codex.app_server.schema import write_json_schema, write_typescript

        out = Path(args.out)
        if command == "generate-json-schema":
            write_json_schema(out)
        else:
            write_typescript(out)
        return 0
    from codex.app_server.main import serve

    return serve(ctx.overrides(), args.listen)
