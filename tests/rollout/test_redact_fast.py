"""The recorder's fast paths keep what reaches the file: the one-regex redaction screen finds a
line suspicious exactly when one of the credential prefixes is in it, the scrub of a batch of
lines equals the lines scrubbed one by one (the recorder scrubs once per flush), the scrub
equals the per-prefix reference on random and secret-bearing inputs, and the per-millisecond
timestamp cache stamps the current time."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from codex.rollout import recorder as recorder_mod
from codex.rollout.redact import _PATTERN, _SCREEN, _TRIGGERS, REDACTED, Redactor

# Pieces that make near-misses likely: every prefix, its parts, and the characters around them.
_PIECES = [
    *(t.decode() for t in _TRIGGERS),
    "sk",
    "s",
    "k-",
    "gh",
    "ghx_",
    "github_pa",
    "xo",
    "AKI",
    "ey",
    "Bearer",
    "earer ",
    "-",
    "_",
    " ",
    ".",
    '"',
    "\\",
    "\n",
    "é",
    "\u2028",
    "a" * 20,
    "A1b2C3d4E5f6G7h8I9j0",
    "0123456789" * 4,
]
_SECRETS = [
    "sk-" + "a1B2" * 6,
    "sk-proj-" + "x" * 30,
    "ghp_" + "Z9" * 18,
    "github_pat_" + "a_" * 25,
    "xoxb-" + "1234-" * 4,
    "AKIA" + "ABCDEFGHIJKLMNOP",
    "eyJ" + "h" * 10 + ".eyJ" + "p" * 10 + "." + "s" * 10,
    "Bearer " + "t0k3n" * 5,
]


def _reference_scrub(redactor: Redactor, line: bytes) -> bytes:
    """The scrub as it was before the screen: exact secrets, then each prefix tested alone."""
    for secret in redactor._exact:
        if secret in line:
            line = line.replace(secret, REDACTED)
    if not any(t in line for t in _TRIGGERS):
        return line
    return _PATTERN.sub(REDACTED, line)


def _random_text(rng: random.Random, secrets: bool) -> str:
    parts = []
    for _ in range(rng.randint(0, 12)):
        roll = rng.random()
        if secrets and roll < 0.15:
            parts.append(rng.choice(_SECRETS))
        elif roll < 0.6:
            parts.append(rng.choice(_PIECES))
        else:
            parts.append("".join(chr(rng.randint(32, 126)) for _ in range(rng.randint(1, 8))))
    return "".join(parts)


def _line(text: str) -> bytes:
    record = {"timestamp": "t", "type": "event_msg", "payload": {"message": text}}
    return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)


@pytest.mark.parametrize("seed", range(4))
def test_screen_agrees_with_the_prefixes_on_random_bytes(seed: int) -> None:
    rng = random.Random(seed)
    hits = 0
    for _ in range(5000):
        data = _random_text(rng, secrets=False).encode()
        expected = any(t in data for t in _TRIGGERS)
        assert (_SCREEN.search(data) is not None) == expected, data
        hits += expected
    assert 0 < hits < 5000  # both outcomes were exercised


@pytest.mark.parametrize("seed", range(4))
def test_scrub_equals_the_reference_on_random_and_secret_lines(seed: int) -> None:
    rng = random.Random(1000 + seed)
    redactor = Redactor(["my-provider-secret-value", 'quote"and\\slash'], from_env=False)
    redacted = 0
    for _ in range(3000):
        text = _random_text(rng, secrets=True)
        if rng.random() < 0.05:
            text += rng.choice(["my-provider-secret-value", 'quote"and\\slash'])
        line = _line(text)
        got = redactor.scrub(line)
        assert got == _reference_scrub(redactor, line), line
        orjson.loads(got)  # still one valid JSON line
        redacted += got != line
    assert redacted > 100


@pytest.mark.parametrize("seed", range(3))
def test_scrubbing_lines_together_equals_scrubbing_each(seed: int) -> None:
    rng = random.Random(2000 + seed)
    redactor = Redactor(["abcdefgh-secret", "sk-notreallyakey"], from_env=False)
    for _ in range(500):
        lines = [_line(_random_text(rng, secrets=True)) for _ in range(rng.randint(1, 12))]
        assert redactor.scrub(b"".join(lines)) == b"".join(redactor.scrub(x) for x in lines)


def test_every_secret_shape_is_caught_in_a_batch() -> None:
    redactor = Redactor(from_env=False)
    batch = b"".join(_line(f"before {s} after") for s in _SECRETS)
    out = redactor.scrub(batch)
    for secret in _SECRETS:
        assert orjson.dumps(secret)[1:-1] not in out, secret
    assert out.count(REDACTED) == len(_SECRETS)


def test_cached_timestamp_is_the_current_millisecond() -> None:
    def ms(stamp: str) -> int:
        parsed = datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
        return int(parsed.timestamp() * 1000 + 0.5)

    previous = 0
    for _ in range(2000):
        before = datetime.now(UTC)
        stamp = recorder_mod.utc_timestamp()
        after = datetime.now(UTC)
        assert len(stamp) == 24 and stamp.endswith("Z")
        got = ms(stamp)
        assert int(before.timestamp() * 1000) <= got <= int(after.timestamp() * 1000) + 1
        assert got >= previous  # never goes back with the cache
        previous = got
    when = datetime(2026, 12, 7, 5, 6, 7, 891_999, tzinfo=UTC)
    assert recorder_mod.utc_timestamp(when) == "2026-12-07T05:06:07.891Z"


def _native_screen() -> object:
    from codex._native import load_extension

    ext = load_extension("jsonl")
    if ext is None:
        pytest.skip("the C engines are not built here")
    return ext


@pytest.mark.parametrize("seed", range(4))
def test_native_screen_agrees_with_the_prefixes(seed: int) -> None:
    lib = _native_screen().lib  # type: ignore[attr-defined]
    rng = random.Random(3000 + seed)
    hits = 0
    for _ in range(5000):
        data = _random_text(rng, secrets=rng.random() < 0.2).encode()
        expected = any(t in data for t in _TRIGGERS)
        assert bool(lib.codex_jsonl_has_trigger(data, len(data))) == expected, data
        for cut in (len(data) // 2, max(len(data) - 1, 0)):  # a prefix cut inside a trigger
            part = data[:cut]
            want = any(t in part for t in _TRIGGERS)
            assert bool(lib.codex_jsonl_has_trigger(data, cut)) == want, part
        hits += expected
    assert 0 < hits < 5000


@pytest.mark.parametrize("native", ["1", "0"], ids=["c", "twin"])
def test_recorder_file_is_scrubbed_as_before(
    tmp_path: Path, native: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lines written through the screen-and-write call equal the reference scrub of each line."""
    from codex.rollout.recorder import RolloutRecorder, SessionMetaParams

    monkeypatch.setenv("CODEX_PY_NATIVE", native)
    meta = SessionMetaParams(cwd="/w", originator="t", cli_version="0", source="exec",
                             model_provider="mock")  # fmt: skip
    rec = RolloutRecorder.create(tmp_path, meta, secrets=["my-provider-secret-value"])
    rec.materialize()  # the writer exists once the file is made
    assert rec._writer is not None and rec._writer.native == (native == "1")
    rng = random.Random(99)
    texts = [_random_text(rng, secrets=True) for _ in range(300)]
    for i, text in enumerate(texts):
        rec.record_item("note", {"text": text + (" my-provider-secret-value" if i % 7 else "")})
        if i % 10 == 0:
            rec.flush()
    rec.close()
    lines = rec.path.read_bytes().splitlines(keepends=True)[1:]
    assert len(lines) == len(texts)
    redactor = Redactor(["my-provider-secret-value"])
    for i, (line, text) in enumerate(zip(lines, texts, strict=True)):
        record = orjson.loads(line)
        payload = {"text": text + (" my-provider-secret-value" if i % 7 else "")}
        expected = orjson.dumps(
            {"timestamp": record["timestamp"], "type": "note", "payload": payload},
            option=orjson.OPT_APPEND_NEWLINE,
        )
        assert line == _reference_scrub(redactor, expected)
