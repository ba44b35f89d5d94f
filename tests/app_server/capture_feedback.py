"""What 0.169's `feedback/save` writes (facts for test_feedback_save.py):
`python -m tests.app_server.capture_feedback` (needs the anchor, tests/support/official.py)
rewrites tests/fixtures/feedback_save_official.json.

feedback/save is local: it writes a ZIP bundle at the caller's absolute `savePath` and sends
nothing anywhere. One scenario, run the same way against either binary (`feedback_facts`):
without a thread, with a thread that never ran, with one that ran, with logs and extra files,
and the refusals. Each bundle is reduced to comparable facts: its entries, the report's keys,
level, message and stable tags, the manifest, the thread index's threads, file modes.

0.169 also attaches `codex-doctor-report.json` (and `doctor_*` tags) and ~200 config tags
(`feature.*`, `auth_*`, ...) to a report that names a thread; codex-py has no doctor and keeps
a few tags, so those are left out of the facts (DOCTOR and STABLE_TAGS below).
"""

from __future__ import annotations

import json
import re
import stat
import sys
import zipfile
from pathlib import Path
from typing import Any

from tests.app_server.rpc_client import RpcClient
from tests.support.model_stream import Message, Turn
from tests.support.official_drive import STAMP, UUID, app_server_argv, capture_main, scratch

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "feedback_save_official.json"
DOCTOR = "codex-doctor-report.json"
STABLE_TAGS = ("classification", "cli_version", "session_source", "thread_id", "reason", "k")


class Saver:
    def __init__(self, client: RpcClient, out: Path) -> None:
        self.client = client
        self.out = out
        self.count = 0
        self.names: dict[str, str] = {}

    def norm(self, text: str) -> str:
        for value, name in self.names.items():
            text = text.replace(value, name)
        text = re.sub(r"no-active-thread-" + UUID.pattern, "no-active-thread-<uuid>", text)
        text = re.sub(r"\.tmp[A-Za-z0-9]{6}", ".tmp<random>", text)
        return STAMP.sub("<stamp>", text)

    def save(self, params: dict[str, Any], name: str | None = None) -> dict[str, Any]:
        self.count += 1
        path = self.out / (name or f"{self.count}.zip")
        request = {"savePath": str(path), **params}
        reply, _ = self.client.response(self.client.start("feedback/save", request))
        if "error" in reply:
            error = reply["error"]
            return {"error": {"code": error["code"], "message": self.norm(error["message"])}}
        result = reply["result"]
        facts: dict[str, Any] = {
            "reply_keys": list(result),
            "savedPath": self.norm(result["savedPath"]),
            "threadId": self.norm(result["threadId"]),
            "promptHash": _hash_fact(result["promptHash"]),
            "file_mode": oct(stat.S_IMODE(path.stat().st_mode)),
        }
        facts.update(self.bundle(path))
        return facts

    def bundle(self, path: Path) -> dict[str, Any]:
        with zipfile.ZipFile(path) as z:
            infos = [i for i in z.infolist() if not i.filename.endswith(DOCTOR)]
            report = json.loads(z.read("report.json"))
            manifest = [m for m in json.loads(z.read("manifest.json")) if m["filename"] != DOCTOR]
            index = next((json.loads(z.read(i)) for i in z.namelist() if "thread-index" in i), None)
            extra = {
                i.filename.rsplit("/", 1)[-1]: z.read(i).decode(errors="replace")
                for i in infos
                if i.filename.endswith((".txt", "extra.log"))
            }
        tags = report["tags"]
        facts: dict[str, Any] = {
            # Attachment numbers shift where the doctor report is left out: kept by name only.
            "entries": [self.norm(_name(i.filename)) for i in infos],
            "compression": sorted({i.compress_type for i in infos}),
            "entry_modes": sorted({oct(i.external_attr >> 16) for i in infos}),
            "report_keys": list(report),
            "event_id_is_hex32": bool(re.fullmatch(r"[0-9a-f]{32}", report["event_id"])),
            "timestamp_is_float": isinstance(report["timestamp"], float),
            "level": report.get("level"),
            "message": self.norm(report["message"]),
            "exception": _norm_json(self, report.get("exception")),
            "tags": {k: self.norm(v) for k, v in tags.items() if k in STABLE_TAGS},
            "tags_sorted": list(tags) == sorted(tags),
            "has_model_tag": "model" in tags,
            "prompt_hash_tag": _hash_fact(tags.get("prompt_hash")),
            "manifest": [
                {**m, "entry": self.norm(_name(m["entry"])), "filename": self.norm(m["filename"])}
                for m in manifest
            ],
            "extra_contents": extra,
        }
        if index is not None:
            facts["thread_index"] = {
                "keys": list(index),
                "threads": _norm_json(self, index["threads"]),
                "rest": {k: v for k, v in index.items() if k not in ("threads", "notes")},
            }
        return facts


def _name(entry: str) -> str:
    return re.sub(r"^attachments/\d{4}/", "attachments/<n>/", entry)


def _norm_json(saver: Saver, value: Any) -> Any:
    if value is None:
        return None
    return json.loads(saver.norm(json.dumps(value)))


def _hash_fact(value: Any) -> Any:
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{64}", value):
        return "<sha256 hex>"
    return value


def feedback_facts(argv: list[str]) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    with scratch(reply=Turn([Message("ok")])) as sc:
        tmp, repo = str(sc.root), sc.repo
        out = Path(tmp) / "out"
        out.mkdir()
        extra_log = Path(tmp) / "extra.log"
        extra_log.write_text("extra log line\n")
        extras = {
            "json": Path(tmp) / "x.json",
            "bin": Path(tmp) / "x.bin",
            "txt": Path(tmp) / "n.txt",
        }
        extras["json"].write_text("{}")
        extras["bin"].write_bytes(b"\0\1")
        extras["txt"].write_text("note\n")
        with sc.serve(argv) as client:
            s = Saver(client, out)
            s.names[tmp] = "<tmp>"
            for classification in ("bug", "bad_result", "good_result", "safety_check", "", "Bug"):
                facts[f"no_thread_{classification or 'empty'}"] = s.save(
                    {"classification": classification}
                )
            facts["reason_and_tags"] = s.save(
                {
                    "classification": "bug",
                    "reason": "it broke",
                    "tags": {"k": "v", "classification": "zzz", "thread_id": "t"},
                }
            )
            facts["empty_reason"] = s.save({"classification": "bug", "reason": ""})
            facts["logs_no_thread"] = s.save(
                {
                    "classification": "bug",
                    "includeLogs": True,
                    "extraLogFiles": [str(p) for p in extras.values()],
                }
            )
            facts["extra_files_without_logs"] = s.save(
                {"classification": "bug", "extraLogFiles": [str(extra_log)]}
            )
            thread = client.call("thread/start", {"cwd": str(repo)})["thread"]
            s.names[thread["id"]] = "<thread>"
            facts["never_run_thread"] = s.save(
                {"classification": "bug", "threadId": thread["id"], "includeLogs": True}
            )
            client.turn(thread["id"], "hello")
            facts["ran_thread_with_logs"] = s.save(
                {
                    "classification": "bad_result",
                    "threadId": thread["id"],
                    "includeLogs": True,
                    "reason": "it broke",
                    "extraLogFiles": [str(extra_log)],
                }
            )
            facts["ran_thread_without_logs"] = s.save(
                {"classification": "good_result", "threadId": thread["id"]}
            )
            unknown = "00000000-0000-0000-0000-000000000000"
            facts["unknown_thread"] = s.save({"classification": "bug", "threadId": unknown})
            errors: dict[str, Any] = {}
            errors["existing_path"] = s.save({"classification": "bug"}, name="1.zip")
            reply, _ = client.response(
                client.start("feedback/save", {"classification": "bug", "savePath": "rel.zip"})
            )
            errors["relative_path"] = reply["error"]
            errors["missing_directory"] = s.save({"classification": "bug"}, name="nodir/x.zip")
            errors["missing_classification"] = s.save({})
            bad_id = s.save({"classification": "bug", "threadId": "nope"})
            # 0.169 goes on with its UUID parser's words; the start is what a client reads.
            bad_id["error"]["message"] = bad_id["error"]["message"].split(":")[0]
            errors["bad_thread_id"] = bad_id
            errors["missing_extra_file"] = s.save(
                {"classification": "bug", "extraLogFiles": [str(Path(tmp) / "nope.log")]}
            )
            errors["non_string_tag"] = s.save({"classification": "bug", "tags": {"a": 1}})
            facts["errors"] = errors
            facts["nothing_left_behind"] = sorted(
                p.name for p in out.iterdir() if not p.name.endswith(".zip")
            )
        facts["exit_code"] = client.proc.returncode
    return facts


def main() -> int:
    return capture_main(FIXTURE, lambda binary: feedback_facts(app_server_argv(binary)))


if __name__ == "__main__":
    sys.exit(main())
