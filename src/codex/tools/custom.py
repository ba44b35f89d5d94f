"""`[custom_tools.<name>]`: config-defined function tools backed by a command (the seed's §5.4).

Naming rule (the Responses API accepts only `^[a-zA-Z0-9_-]{1,64}$`): the tool offered to the
model is `custom__<name>` with every `.` in the config name turned into `_` (so the seed's
`custom.echo` becomes `custom__custom_echo` and `echo_demo` becomes `custom__echo_demo`). A name
with any other character, longer than 56 characters, or colliding with another mapped name is a
config error.

A call validates its arguments against the tool's JSON Schema (a violation goes back to the
model as an error output, nothing runs), then runs the argv under the session's sandbox and
approval policy through the same orchestrator and spawner as the shell tool, with
`CODEX_TOOL_ARGS_JSON`, `CODEX_TOOL_NAME`, `CODEX_TOOL_CALL_ID` and the tool's `env` added to the
session's shell environment. The model reads a JSON object with the exit code, stdout, stderr
and duration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from codex.errors import CodexError
from codex.protocol.events import Duration, ExecCommandBegin, ExecCommandEnd
from codex.tools.output import truncate_text
from codex.tools.runtime.context import ToolCall, ToolContext, ToolResult

API_PREFIX = "custom__"
_CONFIG_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,56}$")
_API_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")


def api_tool_name(config_name: str) -> str:
    """`custom__<name>` with dots as underscores; ValueError when the name cannot be mapped."""
    if not _CONFIG_NAME.match(config_name):
        raise ValueError(
            f"custom tool name {config_name!r} cannot be offered to the model: use 1-56 "
            "characters from A-Z a-z 0-9 _ - . (the tool is named custom__<name>, dots "
            "become underscores)"
        )
    name = API_PREFIX + config_name.replace(".", "_")
    assert _API_NAME.match(name)
    return name


@dataclass(frozen=True, slots=True)
class CustomTool:
    config_name: str
    api_name: str
    command: list[str]
    description: str
    parameters: dict[str, Any]
    env: dict[str, str]
    timeout_ms: int | None
    cwd: Path | None
    escalated: bool
    justification: str | None

    def spec(self) -> dict[str, Any]:
        """The function tool offered to the model (Responses shape)."""
        return {
            "type": "function",
            "name": self.api_name,
            "description": self.description or f"Runs the configured command `{self.command[0]}`.",
            "strict": False,
            "parameters": self.parameters,
        }


def load_custom_tools(config: Any) -> dict[str, CustomTool]:
    """The config's custom tools by API name; CodexError (one line) for a bad table."""
    tables: Mapping[str, Any] = getattr(config, "custom_tools", None) or {}
    tools: dict[str, CustomTool] = {}
    for name, table in tables.items():
        where = f"{getattr(config, 'config_file', 'config.toml')}: [custom_tools.{name}]"
        try:
            api_name = api_tool_name(name)
        except ValueError as exc:
            raise CodexError(f"{where}: {exc}") from None
        if api_name in tools:
            other = tools[api_name].config_name
            raise CodexError(
                f"{where}: maps to {api_name}, like [custom_tools.{other}]; rename one"
            )
        if not table.command:
            raise CodexError(f"{where}: `command` must name a program")
        schema = table.parameters_schema
        _check_schema(where, schema)
        tools[api_name] = CustomTool(
            config_name=name,
            api_name=api_name,
            command=list(table.command),
            description=table.description,
            parameters=schema,
            env=dict(table.env),
            timeout_ms=table.timeout_ms,
            cwd=Path(table.cwd) if table.cwd else None,
            escalated=bool(table.with_escalated_permissions),
            justification=table.justification,
        )
    return tools


def _check_schema(where: str, schema: dict[str, Any]) -> None:
    if schema.get("type", "object") != "object":
        raise CodexError(f"{where}: `parameters` must be a JSON Schema of type object")
    from jsonschema import SchemaError
    from jsonschema.validators import validator_for

    try:
        validator_for(schema).check_schema(schema)
    except SchemaError as exc:
        message = f"{where}: `parameters` is not a valid JSON Schema: {exc.message}"
        raise CodexError(message) from None


def schema_violation(schema: dict[str, Any], value: Any) -> str | None:
    """The first violation of `schema` by `value` as one line, or None when valid."""
    from jsonschema.validators import validator_for

    validator = validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))
    if not errors:
        return None
    error = errors[0]
    where = "/".join(str(p) for p in error.absolute_path)
    return f"{error.message} (at `{where}`)" if where else error.message


async def handle_custom_tool(ctx: ToolContext, call: ToolCall, tool: CustomTool) -> ToolResult:
    """Validate, then run the tool's command like a shell call; the model reads JSON."""
    from codex.tools.runtime.shell import (
        emit_command_failure,
        resolve_workdir,
        run_once_orchestrated,
    )

    raw = call.payload.strip() or "{}"
    try:
        args = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return ToolResult(f"failed to parse function arguments: {exc}", success=False)
    problem = schema_violation(tool.parameters, args)
    if problem is not None:
        return ToolResult(
            f"invalid arguments for {tool.api_name}: {problem}; nothing was run", success=False
        )
    argv = list(tool.command)
    workdir = resolve_workdir(ctx, str(tool.cwd) if tool.cwd else None)
    extra_env = {
        **tool.env,
        "CODEX_TOOL_ARGS_JSON": raw,
        "CODEX_TOOL_NAME": tool.config_name,
        "CODEX_TOOL_CALL_ID": call.call_id,
    }
    value, begun = await run_once_orchestrated(
        ctx,
        call,
        argv,
        workdir,
        timeout_ms=tool.timeout_ms,
        escalated=tool.escalated,
        justification=tool.justification,
        extra_env=extra_env,
    )
    if isinstance(value, str):
        emit_command_failure(ctx, call, argv, workdir, value, begun)
        return ToolResult(value, success=False)
    result = value
    body: dict[str, Any] = {
        "exit_code": result.exit_code,
        "stdout": truncate_text(result.stdout, ctx.truncation),
        "stderr": truncate_text(result.stderr, ctx.truncation),
        "duration_seconds": round(result.seconds, 3),
    }
    if result.timed_out:
        body["timed_out"] = True
    text = orjson.dumps(body).decode()
    _emit_end(
        ctx,
        call,
        argv,
        workdir,
        result.exit_code,
        result.seconds,
        result.stdout,
        result.stderr,
        text,
        begun,
    )
    return ToolResult(text, success=result.exit_code == 0)


def _emit_end(
    ctx: ToolContext,
    call: ToolCall,
    argv: list[str],
    cwd: Path,
    exit_code: int,
    seconds: float,
    stdout: str,
    stderr: str,
    formatted: str,
    begun: bool,
) -> None:
    if not begun:
        ctx.emit(ExecCommandBegin(call.call_id, ctx.turn_id, argv, str(cwd)))
    ctx.emit(
        ExecCommandEnd(
            call.call_id,
            ctx.turn_id,
            argv,
            str(cwd),
            exit_code,
            Duration.from_seconds(seconds),
            stdout=stdout,
            stderr=stderr,
            aggregated_output=stdout + stderr,
            formatted_output=formatted,
            status="completed"
            if exit_code == 0
            else ("declined" if "rejected" in formatted else "failed"),
        )
    )
