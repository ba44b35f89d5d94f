"""The task file: one JSON object per line, validated in full before any task runs, so a typo on
line 9,000 does not surface after 8,999 tasks already spent tokens."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codex.errors import UsageError

REQUIRED = ("id", "prompt")
OPTIONAL = ("cwd", "model", "sandbox", "output_schema", "images", "config", "resume")
SANDBOX_MODES = ("read-only", "workspace-write", "danger-full-access")


@dataclass(frozen=True, slots=True)
class Task:
    """One task line, typed. Absent optional fields fall back to the command line's defaults."""

    line: int
    id: str
    prompt: str
    cwd: str | None = None
    model: str | None = None
    sandbox: str | None = None
    output_schema: Any = None
    images: tuple[str, ...] = ()
    config: dict[str, Any] = field(default_factory=dict)
    resume: str | None = None


def _bad(path: str, line: int, why: str) -> UsageError:
    return UsageError(f"{path}:{line}: {why}")


def _optional_str(obj: dict[str, Any], key: str, path: str, line: int) -> str | None:
    value = obj.get(key)
    if value is not None and not isinstance(value, str):
        raise _bad(path, line, f'"{key}" must be a string')
    return value


def parse_line(raw: bytes, path: str, line: int) -> Task:
    import orjson

    try:
        obj = orjson.loads(raw)
    except orjson.JSONDecodeError as err:
        raise _bad(path, line, f"not valid JSON ({err})") from None
    if not isinstance(obj, dict):
        raise _bad(path, line, "a task must be a JSON object")
    unknown = sorted(set(obj) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise _bad(path, line, f'unknown field "{unknown[0]}"')
    task_id = obj.get("id")
    if isinstance(task_id, int) and not isinstance(task_id, bool):
        task_id = str(task_id)
    if not isinstance(task_id, str) or not task_id:
        raise _bad(path, line, '"id" must be a non-empty string')
    prompt = obj.get("prompt")
    if not isinstance(prompt, str) or not prompt:
        raise _bad(path, line, '"prompt" must be a non-empty string')
    sandbox = _optional_str(obj, "sandbox", path, line)
    if sandbox is not None and sandbox not in SANDBOX_MODES:
        raise _bad(path, line, f'"sandbox" must be one of {", ".join(SANDBOX_MODES)}')
    schema = obj.get("output_schema")
    if schema is not None and not isinstance(schema, dict):
        raise _bad(path, line, '"output_schema" must be a JSON object (a JSON Schema)')
    images = obj.get("images") or []
    if not isinstance(images, list) or not all(isinstance(i, str) for i in images):
        raise _bad(path, line, '"images" must be a list of file paths')
    config = obj.get("config") or {}
    if not isinstance(config, dict):
        raise _bad(path, line, '"config" must be an object of dotted keys')
    return Task(
        line=line,
        id=task_id,
        prompt=prompt,
        cwd=_optional_str(obj, "cwd", path, line),
        model=_optional_str(obj, "model", path, line),
        sandbox=sandbox,
        output_schema=schema,
        images=tuple(images),
        config=config,
        resume=_optional_str(obj, "resume", path, line),
    )


def load_tasks(path: str) -> list[Task]:
    """Every task of `path` (blank lines skipped); UsageError naming the line for a malformed
    line, an unknown field or a duplicate id."""
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise UsageError(f"cannot read task file {path}: {err.strerror or err}") from None
    tasks: list[Task] = []
    seen: dict[str, int] = {}
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if not raw.strip():
            continue
        task = parse_line(raw, path, number)
        if task.id in seen:
            raise _bad(path, number, f'duplicate id "{task.id}" (first on line {seen[task.id]})')
        seen[task.id] = number
        tasks.append(task)
    return tasks


def toml_value(value: Any) -> str:
    """A JSON value as the TOML literal a `-c key=value` override takes (JSON strings, numbers,
    booleans and arrays of them are valid TOML as written; objects become inline tables)."""
    import orjson

    if isinstance(value, dict):
        inner = ", ".join(f"{orjson.dumps(k).decode()} = {toml_value(v)}" for k, v in value.items())
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    return orjson.dumps(value).decode()
