"""The published JSON Schema is generated from the event types and matches the official streams."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from tests.support.official import SAMPLES as OFFICIAL_SAMPLES

from codex.exec import schema

REPO = Path(__file__).resolve().parents[2]
SAMPLES = OFFICIAL_SAMPLES / "exec-json"


def test_checked_in_schema_matches_the_types() -> None:
    published = (REPO / "docs" / "exec-events.schema.json").read_text()
    assert published == schema.render(), (
        "docs/exec-events.schema.json drifted: run "
        "`python -m codex.exec.schema > docs/exec-events.schema.json`"
    )


def _sample_lines() -> list[tuple[str, bytes]]:
    return [
        (f"{path.name}:{n}", line)
        for path in sorted(SAMPLES.glob("*.jsonl"))
        for n, line in enumerate(path.read_bytes().splitlines(), 1)
        if line.strip()
    ]


def test_every_official_line_validates_against_our_schema() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(schema.build_schema())
    failures = []
    lines = _sample_lines()
    assert lines
    for where, line in lines:
        event = orjson.loads(line)
        errors = list(validator.iter_errors(event))
        if errors:
            failures.append(f"{where}: {errors[0].message}")
    assert not failures, "\n".join(failures)


def test_schema_rejects_a_turn_completed_without_usage() -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(schema.build_schema())
    assert not validator.is_valid({"type": "turn.completed"})
    assert not validator.is_valid({"type": "item.completed", "item": {"id": "x", "type": "nope"}})
    assert validator.is_valid({"type": "turn.started"})
