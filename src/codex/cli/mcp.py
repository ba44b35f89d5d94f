"""`codex mcp …`: list, show, add and remove `[mcp_servers.<name>]` entries of config.toml, with the
official 0.169 CLI's words and layouts (tests/fixtures/mcp/cli.json holds them). Edits go through
codex.config.edits, so comments and the rest of the file survive. `login`/`logout`: OAuth for
HTTP servers, tokens in the credentials store (through codex.core.mcp_oauth)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from typing import Any

from codex.cli.context import CliContext
from codex.errors import CodexError, UsageError

_NAME = re.compile(r"^[A-Za-z0-9_\-:@/.]+$")


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="mcp_command", metavar="COMMAND", required=True)
    listing = sub.add_parser("list", help="List configured MCP servers")
    listing.add_argument("--json", action="store_true", help="Output the list as JSON")
    get = sub.add_parser("get", help="Show one MCP server")
    get.add_argument("name", metavar="NAME")
    get.add_argument("--json", action="store_true", help="Output the entry as JSON")
    add = sub.add_parser("add", help="Add a global MCP server entry")
    add.add_argument("name", metavar="NAME")
    # The name comes first and the options after it, then `-- COMMAND...`: argparse's subparsers
    # cannot mix those with a trailing command, so the rest is parsed by `_add_options`.
    add.add_argument(
        "rest",
        nargs=argparse.REMAINDER,
        metavar="[--env KEY=VALUE]... -- COMMAND... | --url URL [--bearer-token-env-var VAR]",
    )
    remove = sub.add_parser("remove", help="Remove a global MCP server entry")
    remove.add_argument("name", metavar="NAME")
    login = sub.add_parser("login", help="Authenticate with a streamable HTTP MCP server (OAuth)")
    login.add_argument(
        "name", metavar="NAME", help="Name of the MCP server to authenticate with oauth"
    )
    login.add_argument(
        "--no-browser",
        action="store_true",
        help="Print the authorization URL and accept the callback URL without opening a browser",
    )
    login.add_argument(
        "--scopes", metavar="SCOPE,SCOPE", help="Comma-separated list of OAuth scopes to request"
    )
    logout = sub.add_parser("logout", help="Remove the stored OAuth credentials of an MCP server")
    logout.add_argument("name", metavar="NAME", help="Name of the MCP server to deauthenticate")


def run(args: argparse.Namespace, ctx: CliContext) -> int:
    command = args.mcp_command
    if command == "list":
        return _list(ctx, as_json=args.json)
    if command == "get":
        return _get(ctx, args.name, as_json=args.json)
    if command == "add":
        return _add(ctx, args)
    if command == "remove":
        return _remove(ctx, args.name)
    if command == "login":
        return _login(ctx, args)
    return _logout(ctx, args.name)


def _login(ctx: CliContext, args: argparse.Namespace) -> int:
    """OAuth for an HTTP server (codex.core.mcp_oauth); words as the official 0.169."""
    from codex.core import mcp_oauth

    config = ctx.load_config()
    server = (config.mcp_servers or {}).get(args.name)
    if server is None:
        raise CodexError(f"No MCP server named '{args.name}' found.")
    if server.url is None:
        raise CodexError("OAuth login is only supported for streamable HTTP servers.")
    scopes = [s.strip() for s in (args.scopes or "").split(",") if s.strip()]
    mcp_oauth.login(config, args.name, server, scopes=scopes, open_browser=not args.no_browser)
    sys.stdout.write(f"Successfully logged in to MCP server '{args.name}'.\n")
    return 0


def _logout(ctx: CliContext, name: str) -> int:
    from codex.core import mcp_oauth

    config = ctx.load_config()
    server = (config.mcp_servers or {}).get(name)
    if server is None:
        raise CodexError(f"No MCP server named '{name}' found in configuration.")
    if server.url is None:
        raise CodexError("OAuth logout is only supported for streamable_http transports.")
    if mcp_oauth.logout(config, name, server.url):
        sys.stdout.write(f"Removed OAuth credentials for '{name}'.\n")
    else:
        sys.stdout.write(f"No OAuth credentials stored for '{name}'.\n")
    return 0


def _servers(ctx: CliContext) -> dict[str, Any]:
    return dict(sorted((ctx.load_config().mcp_servers or {}).items()))


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise CodexError(
            f"invalid server name '{name}' (use letters, numbers, '-', '_', ':', '@', '/', '.')"
        )


def _add(ctx: CliContext, args: argparse.Namespace) -> int:
    from codex.config.edits import ConfigEdits

    _check_name(args.name)
    args, command = _add_options(list(args.rest), args.name)
    entry: dict[str, Any] = {}
    if args.url is not None:
        if command or args.env:
            raise UsageError("--url cannot be combined with a command or --env")
        entry["url"] = args.url
        if args.bearer_token_env_var:
            entry["bearer_token_env_var"] = args.bearer_token_env_var
    else:
        if not command:
            raise UsageError("codex mcp add needs `-- COMMAND [ARGS...]` or --url URL")
        if args.bearer_token_env_var:
            raise UsageError("--bearer-token-env-var needs --url")
        entry["command"] = command[0]
        if command[1:]:
            entry["args"] = command[1:]
        env: dict[str, str] = {}
        for pair in args.env:
            key, sep, value = pair.partition("=")
            if not sep or not key:
                raise UsageError(f"environment entries must be in KEY=VALUE form: {pair}")
            env[key] = value
        if env:
            entry["env"] = env
    env_table = entry.pop("env", None)
    edits = ConfigEdits.for_overrides(ctx.overrides()).set_mcp_server(args.name, entry)
    if env_table:  # its own `[mcp_servers.<name>.env]` table, as the official writes it
        edits.set(("mcp_servers", args.name, "env"), env_table)
    edits.apply()
    sys.stdout.write(f"Added global MCP server '{args.name}'.\n")
    if args.url is not None and not args.bearer_token_env_var:
        from codex.core import mcp_oauth

        sys.stdout.flush()
        config = ctx.load_config()
        mcp_oauth.login_after_add(config, args.name, (config.mcp_servers or {})[args.name])
    return 0


def _add_options(rest: list[str], name: str) -> tuple[argparse.Namespace, list[str]]:
    """The options of `add` and the command after `--`."""
    command: list[str] = []
    if "--" in rest:
        at = rest.index("--")
        rest, command = rest[:at], rest[at + 1 :]
    parser = argparse.ArgumentParser(prog="codex mcp add", add_help=False)
    parser.add_argument("--env", action="append", default=[])
    parser.add_argument("--url")
    parser.add_argument("--bearer-token-env-var")
    options, extra = parser.parse_known_args(rest)
    if extra:
        if command or options.url is not None:
            raise UsageError(f"codex mcp add: unexpected arguments: {' '.join(extra)}")
        command = extra  # `codex mcp add NAME CMD ARGS` without `--`
    options.name = name
    return options, command


def _remove(ctx: CliContext, name: str) -> int:
    from codex.config.edits import ConfigEdits

    _check_name(name)
    if name not in _servers(ctx):
        sys.stdout.write(f"No MCP server named '{name}' found.\n")
        return 0
    ConfigEdits.for_overrides(ctx.overrides()).remove_mcp_server(name).apply()
    sys.stdout.write(f"Removed global MCP server '{name}'.\n")
    return 0


# ---- rendering ------------------------------------------------------------------------------


def _transport(server: Any) -> dict[str, Any]:
    if server.command is not None:
        return {
            "type": "stdio",
            "command": server.command,
            "args": list(server.args or []),
            "env": dict(sorted(server.env.items())) if server.env else None,
            "env_vars": list(server.env_vars or []),
            "cwd": str(server.cwd) if server.cwd else None,
        }
    return {
        "type": "streamable_http",
        "url": server.url,
        "bearer_token_env_var": server.bearer_token_env_var,
        "http_headers": dict(sorted(server.http_headers.items())) if server.http_headers else None,
        "env_http_headers": dict(sorted(server.env_http_headers.items()))
        if server.env_http_headers
        else None,
        "http_headers_helper": None,
    }


def _auth_status(server: Any, name: str = "", config: Any = None) -> str:
    if server.command is not None:
        return "unsupported"
    if server.bearer_token_env_var:
        return "bearer_token"
    if config is not None and server.url:
        from codex.core.mcp_oauth import has_tokens

        if has_tokens(config, name, server.url):
            return "o_auth"
    return "not_logged_in"


_AUTH_WORDS = {
    "unsupported": "Unsupported",
    "bearer_token": "Bearer token",
    "o_auth": "OAuth",
    "not_logged_in": "Not logged in",
}


def _startup(server: Any) -> float | None:
    if server.startup_timeout_sec is not None:
        return float(server.startup_timeout_sec)
    if server.startup_timeout_ms is not None:
        return server.startup_timeout_ms / 1000
    return None


def _tool_timeout(server: Any) -> float | None:
    return float(server.tool_timeout_sec) if server.tool_timeout_sec is not None else None


def _dump(value: Any) -> None:
    sys.stdout.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")


def _list(ctx: CliContext, *, as_json: bool) -> int:
    config = ctx.load_config()
    servers = dict(sorted((config.mcp_servers or {}).items()))
    if as_json:
        _dump(
            [
                {
                    "name": name,
                    "enabled": server.enabled,
                    "disabled_reason": None,
                    "transport": _transport(server),
                    "startup_timeout_sec": _startup(server),
                    "tool_timeout_sec": _tool_timeout(server),
                    "auth_status": _auth_status(server, name, config),
                }
                for name, server in servers.items()
            ]
        )
        return 0
    if not servers:
        sys.stdout.write(
            "No MCP servers configured yet. Try `codex mcp add my-tool -- my-command`.\n"
        )
        return 0
    stdio = [
        [
            name,
            s.command,
            " ".join(s.args) if s.args else "-",
            _masked_env(s.env),
            str(s.cwd) if s.cwd else "-",
            "enabled" if s.enabled else "disabled",
            _AUTH_WORDS[_auth_status(s, name, config)],
        ]
        for name, s in servers.items()
        if s.command is not None
    ]
    http = [
        [
            name,
            s.url or "",
            s.bearer_token_env_var or "-",
            "enabled" if s.enabled else "disabled",
            _AUTH_WORDS[_auth_status(s, name, config)],
        ]
        for name, s in servers.items()
        if s.command is None
    ]
    blocks = []
    if stdio:
        header = ["Name", "Command", "Args", "Env", "Cwd", "Status", "Auth"]
        blocks.append(_table(header, stdio))
    if http:
        blocks.append(_table(["Name", "Url", "Bearer Token Env Var", "Status", "Auth"], http))
    sys.stdout.write("\n".join(blocks))
    return 0


def _table(header: list[str], rows: list[list[str]]) -> str:
    """Columns padded to their widest cell (the last one too), two spaces apart."""
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    return "".join(line + "\n" for line in lines)


def _masked_env(env: dict[str, str] | None) -> str:
    if not env:
        return "-"
    return ", ".join(f"{key}=*****" for key in sorted(env))


def _get(ctx: CliContext, name: str, *, as_json: bool) -> int:
    server = _servers(ctx).get(name)
    if server is None:
        raise CodexError(f"No MCP server named '{name}' found.")
    if as_json:
        _dump(
            {
                "name": name,
                "enabled": server.enabled,
                "disabled_reason": None,
                "transport": _transport(server),
                "enabled_tools": server.enabled_tools,
                "disabled_tools": server.disabled_tools,
                "startup_timeout_sec": _startup(server),
                "tool_timeout_sec": _tool_timeout(server),
            }
        )
        return 0
    if not server.enabled:
        sys.stdout.write(f"{name} (disabled)\n")
        return 0
    lines = [name, "  enabled: true"]
    # The official's order: the tool filters right after `enabled`, then the transport.
    if server.enabled_tools is not None:
        lines.append(f"  enabled_tools: {', '.join(server.enabled_tools)}")
    if server.disabled_tools:
        lines.append(f"  disabled_tools: {', '.join(server.disabled_tools)}")
    if server.command is not None:
        lines += [
            "  transport: stdio",
            f"  command: {server.command}",
            f"  args: {' '.join(server.args) if server.args else '-'}",
            f"  cwd: {server.cwd or '-'}",
            f"  env: {_masked_env(server.env)}",
        ]
    else:
        lines += [
            "  transport: streamable_http",
            f"  url: {server.url}",
            f"  bearer_token_env_var: {server.bearer_token_env_var or '-'}",
            f"  http_headers: {_masked_env(server.http_headers)}",
            f"  env_http_headers: {_env_headers(server.env_http_headers)}",
            "  http_headers_helper: -",
        ]
    if (startup := _startup(server)) is not None:
        lines.append(f"  startup_timeout_sec: {_seconds(startup)}")
    if (tool := _tool_timeout(server)) is not None:
        lines.append(f"  tool_timeout_sec: {_seconds(tool)}")
    default_mode = (getattr(server, "model_extra", None) or {}).get("default_tools_approval_mode")
    if default_mode is not None:
        lines.append(f"  default_tools_approval_mode: {default_mode}")
    lines.append(f"  remove: codex mcp remove {name}")
    sys.stdout.write("".join(line + "\n" for line in lines))
    return 0


def _seconds(value: float) -> str:
    """A float as Rust's Display writes it: 5.0 -> "5", 7.5 -> "7.5"."""
    return str(int(value)) if value.is_integer() else repr(value)


def _env_headers(headers: dict[str, str] | None) -> str:
    if not headers:
        return "-"
    return ", ".join(f"{key}={value}" for key, value in sorted(headers.items()))
