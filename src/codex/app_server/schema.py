"""placeholder"""

from pathlib import Path


def write_json_schema(out: Path) -> None:
    raise NotImplementedError


def write_typescript(out: Path) -> None:
    raise NotImplementedError
