"""`feedback/save`: write a feedback bundle (a ZIP) at the caller's path, as 0.169 does; nothing
is sent anywhere (feedback/upload, the network half, stays unsupported).

The bundle, as 0.169 lays it out (facts in tests/fixtures/feedback_save_official.json):
- `report.json`: a Sentry-style event (`event_id`, `level` "info" unless the classification
  is bug / bad_result / safety_check, `message` "[<Label>]: Codex session <thread>",
  `timestamp`, `exception` when a reason is given, `tags` sorted by name, the reserved ones
  winning over the caller's);
- `attachments/NNNN/<file>`: with `includeLogs`, `codex-logs.log` (the tail of our log file:
  0.169 attaches its log database's lines) and, for a named thread, `feedback-thread-index.json`
  and the thread's rollout; then the `extraLogFiles`, logs or not;
- `manifest.json`: the attachments with their content types.
It is written to a temporary file beside the target and linked into place, so the target is
whole when it appears and an existing file is never replaced (0600, as the caller owns it).
Without a thread the bundle names a fresh `no-active-thread-<uuid>`.

0.169 also attaches a `codex doctor` report and ~200 config tags; codex-py has no doctor and
tags the model and prompt hash only. `promptHash` is the SHA-256 of the thread's base
instructions (0.169 derives its hash from prompt metadata codex-py does not keep), null for a
thread with no rollout yet.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import time
import uuid
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.params import _describe, array, boolean, mapping, string
from codex.core.recorder import rollout_pending

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer

_LABELS = {
    "bug": "Bug",
    "bad_result": "Bad result",
    "good_result": "Good result",
    "safety_check": "Safety check",
}
_ERROR_LEVEL = ("bug", "bad_result", "safety_check")  # Sentry's default level: not written
_LOG_TAIL = 4 * 1024 * 1024  # how much of the log file a bundle carries
_TYPES = {
    ".json": "application/json",
    ".log": "text/plain",
    ".jsonl": "text/plain",
    ".txt": "text/plain",
}


def _failed(message: str) -> errors.RpcError:
    return errors.RpcError(errors.INTERNAL_ERROR, f"failed to save feedback: {message}")


def _os_error(exc: OSError) -> str:
    """An OSError in the words 0.169 (Rust std) uses: "<text> (os error N)"."""
    return f"{exc.strerror} (os error {exc.errno})"


def _content_type(name: str) -> str:
    return _TYPES.get(Path(name).suffix.lower(), "application/octet-stream")


def _rollout_of(server: AppServer, thread_id: str) -> Path | None:
    live = server.live.get(thread_id)
    if live is not None and live.path and Path(live.path).exists():
        return Path(live.path)
    found = server.index.find(thread_id)
    return Path(found[0]) if found is not None and Path(found[0]).exists() else None


def _prompt_hash(rollout: Path | None) -> str | None:
    """SHA-256 (hex) of the base instructions the thread's session_meta records."""
    if rollout is None:
        return None
    try:
        with open(rollout, "rb") as f:
            meta = json.loads(f.readline())
    except (OSError, ValueError):
        return None
    payload = meta.get("payload") if isinstance(meta, dict) else None
    base = payload.get("base_instructions") if isinstance(payload, dict) else None
    text = base.get("text") if isinstance(base, dict) else base
    if not isinstance(text, str):
        return None
    return hashlib.sha256(text.encode()).hexdigest()


def _log_tail(server: AppServer) -> bytes:
    """The end of the newest log file in our log directory (empty when there is none)."""
    from codex.config.paths import log_dir

    try:
        folder = log_dir(server.load_config())
        files = sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime)
    except (OSError, errors.RpcError):
        return b""
    if not files:
        return b""
    try:
        with open(files[-1], "rb") as f:
            f.seek(0, os.SEEK_END)
            f.seek(max(0, f.tell() - _LOG_TAIL))
            return f.read()
    except OSError:
        return b""


def _thread_index(thread_id: str, rollout: Path | None) -> bytes:
    index = {
        "rollout_archive_filename": None,
        "threads": [
            {
                "thread_id": thread_id,
                "rollout_filename": rollout.name if rollout is not None else None,
                "guardian_rollout_filename": None,
            }
        ],
        "retained_failure_thread_ids": [],
        "omitted_thread_ids": [],
        "unlisted_omitted_thread_count": 0,
        "process_discarded_review_records": 0,
        "notes": "The rollout files attached to this bundle, by thread; "
        "a null filename: the thread had no rollout on disk.",
    }
    return json.dumps(index, separators=(",", ":")).encode()


def _report(
    classification: str,
    thread_id: str,
    reason: str | None,
    tags: dict[str, str],
) -> bytes:
    message = f"[{_LABELS.get(classification, 'Other')}]: Codex session {thread_id}"
    report: dict[str, Any] = {"event_id": uuid.uuid4().hex}
    if classification not in _ERROR_LEVEL:
        report["level"] = "info"
    report["message"] = message
    report["timestamp"] = time.time()
    if reason is not None:
        report["exception"] = {"values": [{"type": message, "value": reason}]}
    report["tags"] = dict(sorted(tags.items()))
    return json.dumps(report, separators=(",", ":")).encode()


def _bundle(report: bytes, attachments: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    stamp = time.localtime()[:6]
    manifest = []
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:

        def put(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            z.writestr(info, data)

        put("report.json", report)
        for n, (filename, data) in enumerate(attachments):
            entry = f"attachments/{n:04d}/{filename}"
            put(entry, data)
            manifest.append(
                {"entry": entry, "filename": filename, "contentType": _content_type(filename)}
            )
        put("manifest.json", json.dumps(manifest, separators=(",", ":")).encode())
    return buffer.getvalue()


def _write_new(target: Path, data: bytes) -> None:
    """Write `data` to `target`, which must not exist: a 0600 temporary file beside it, then
    a hard link into place (which fails, rather than replaces, if the target appeared)."""
    import secrets

    if target.exists():
        raise _failed("feedback save path already exists")
    temp = target.parent / f".tmp{secrets.token_hex(3)}"
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise _failed(f'{_os_error(exc)} at path "{temp}"') from None
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        try:
            os.link(temp, target)
        except FileExistsError:
            raise _failed("feedback save path already exists") from None
        except OSError as exc:
            raise _failed(f'{_os_error(exc)} at path "{target}"') from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _tags(p: dict[str, Any]) -> dict[str, str]:
    raw = mapping(p, "tags") or {}
    for value in raw.values():
        if not isinstance(value, str):
            raise errors.invalid_params(f"invalid type: {_describe(value)}, expected a string")
    return dict(raw)


async def feedback_save(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex import __version__
    from codex.protocol.ids import is_uuid, uuid7

    classification = string(p, "classification")
    save_path = string(p, "savePath")
    given_thread = string(p, "threadId", required=False)
    include_logs = boolean(p, "includeLogs")
    reason = string(p, "reason", required=False)
    user_tags = _tags(p)
    extra_files = [str(x) for x in array(p, "extraLogFiles", required=False) or []]
    if not os.path.isabs(save_path):
        raise errors.invalid_request("feedback savePath must be an absolute host path")
    if given_thread is not None and not is_uuid(given_thread):
        raise errors.invalid_request(f"invalid thread id: {given_thread}")
    thread_id = given_thread or f"no-active-thread-{uuid7()}"
    rollout = _rollout_of(server, given_thread) if given_thread else None
    prompt_hash = _prompt_hash(rollout)

    tags = dict(user_tags)
    if reason is not None:
        tags["reason"] = reason
    live = server.live.get(given_thread) if given_thread else None
    if live is not None and not rollout_pending(live.session.recorder):
        tags["model"] = str(live.session.settings.model)
    elif given_thread is not None and live is None:
        # 0.169 tags a thread it has not loaded from the config, and a loaded thread from
        # what its turns recorded: none before the first one.
        tags["model"] = str(server.load_config().model)
    if prompt_hash is not None:  # only a named thread's rollout gives one
        tags["prompt_hash"] = prompt_hash
    # The reserved tags win over the caller's.
    tags.update(
        classification=classification,
        cli_version=__version__,
        session_source="vscode",
        thread_id=thread_id,
    )

    attachments: list[tuple[str, bytes]] = []
    if include_logs:
        attachments.append(("codex-logs.log", _log_tail(server)))
        if given_thread is not None:
            attachments.append(("feedback-thread-index.json", _thread_index(thread_id, rollout)))
            if rollout is not None:
                attachments.append((rollout.name, rollout.read_bytes()))
    for name in extra_files:
        try:
            attachments.append((Path(name).name, Path(name).read_bytes()))
        except OSError as exc:
            raise _failed(f"failed to read selected attachment {name}: {_os_error(exc)}") from None

    data = _bundle(_report(classification, thread_id, reason, tags), attachments)
    _write_new(Path(save_path), data)
    return {"savedPath": save_path, "threadId": thread_id, "promptHash": prompt_hash}
