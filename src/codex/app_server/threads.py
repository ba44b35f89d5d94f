"""Thread methods: start, resume, fork, read, list, loaded/list, archive,
unarchive, name/set, unsubscribe, rollback, compact/start.

A thread is opened through core's ConversationManager (the rollout is the file `codex exec`
writes, so a thread started here resumes in `codex exec resume` and in the official CLI); the
list comes from core's ThreadIndex (cached heads, one stat per listed file).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.framing import Followed
from codex.app_server.items import turns_from_rollout
from codex.app_server.lineage import Finder, finder, first_user_text, forked_from, lineage_turns
from codex.app_server.listing import list_threads, summary_thread
from codex.app_server.live import LiveThread
from codex.app_server.notifications import note
from codex.app_server.params import (
    APPROVAL_POLICIES,
    SANDBOX_MODES,
    boolean,
    mapping,
    one_of,
    string,
)
from codex.core.recorder import rollout_pending
from codex.core.service_tier import reported_tier, thread_tier

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer

_V2_SANDBOX = {
    "read-only": "readOnly",
    "workspace-write": "workspaceWrite",
    "danger-full-access": "dangerFullAccess",
    "external-sandbox": "externalSandbox",
}


def sandbox_v2(policy: Any) -> dict[str, Any]:
    """A core SandboxPolicy in the v2 wire form (`{type: "readOnly", networkAccess}` ...)."""
    kind = str(getattr(getattr(policy, "type", None), "value", "read-only"))
    out: dict[str, Any] = {"type": _V2_SANDBOX.get(kind, "readOnly")}
    if kind == "workspace-write":
        out["writableRoots"] = list(policy.writable_roots)
        out["networkAccess"] = bool(policy.network_access)
        out["excludeTmpdirEnvVar"] = bool(policy.exclude_tmpdir_env_var)
        out["excludeSlashTmp"] = bool(policy.exclude_slash_tmp)
    elif kind == "read-only":
        out["networkAccess"] = bool(policy.network_access)
    elif kind == "external-sandbox":
        out["networkAccess"] = "enabled" if policy.network_access else "restricted"
    return out


def _flags(p: dict[str, Any]) -> dict[str, Any]:
    """thread/start-style overrides → dotted config keys (highest precedence)."""
    flags: dict[str, Any] = dict(mapping(p, "config") or {})
    simple = {
        "model": "model",
        "modelProvider": "model_provider",
        "baseInstructions": "instructions",
        "developerInstructions": "developer_instructions",
        "serviceTier": "service_tier",
    }
    for key, dotted in simple.items():
        value = string(p, key, required=False)
        if value is not None:
            flags[dotted] = value
    if "serviceTier" in p and p["serviceTier"] is None:
        flags["service_tier"] = "default"  # an explicit null asks for the default tier (0.169)
    policy = p.get("approvalPolicy")
    if isinstance(policy, dict):
        pass  # granular policies are experimental: the config's policy stands
    elif policy is not None:
        flags["approval_policy"] = one_of(p, "approvalPolicy", APPROVAL_POLICIES)
    sandbox = one_of(p, "sandbox", SANDBOX_MODES)
    if sandbox is not None:
        flags["sandbox_mode"] = sandbox
    return flags


def start_response(
    live: LiveThread, thread: dict[str, Any], p: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The thread/start (resume, fork) result. An explicit `sandbox` replaces the permission
    profile the config selected, so none is reported then (as the official server)."""
    settings = live.session.settings
    sandbox = sandbox_v2(settings.sandbox_policy)
    profile = {"readOnly": ":read-only", "workspaceWrite": ":workspace"}.get(
        sandbox["type"], ":danger-no-sandbox"
    )
    return {
        "thread": thread,
        "model": settings.model,
        "modelProvider": live.model_provider,
        "serviceTier": reported_tier(settings.service_tier, settings.model),
        "disabledPluginIds": [],
        "cwd": str(settings.cwd),
        "runtimeWorkspaceRoots": [str(settings.cwd)],
        "instructionSources": [],
        "approvalPolicy": settings.approval_policy,
        "approvalsReviewer": live.reviewer,
        "sandbox": sandbox,
        "activePermissionProfile": None
        if p and p.get("sandbox")
        else {"id": profile, "extends": None},
        "reasoningEffort": settings.effort,
        "multiAgentMode": "explicitRequestOnly",
    }


async def _open(
    server: AppServer,
    conn: Connection,
    p: dict[str, Any],
    *,
    resume: Path | None = None,
    fork_of: tuple[str, Path] | None = None,
) -> LiveThread:
    from codex.core.front_end import FrontEnd

    cwd = string(p, "cwd", required=False)
    ephemeral = boolean(p, "ephemeral")
    config = server.load_config(cwd=cwd, flags=_flags(p))
    originator = conn.client_name or "codex_app_server"
    front_end = FrontEnd(originator=originator, source="vscode")
    from codex.errors import CodexError

    turns: list[dict[str, Any]] = []
    started = 0
    # The thread keeps only a tier its model advertises (codex.core.service_tier.thread_tier).
    if config.service_tier is not None:
        tier = thread_tier(config.service_tier, config.model)
        config = dataclasses.replace(config, service_tier=tier)
    try:
        if fork_of is not None:
            import uuid

            from codex.core.resume import load_rollout_for_resume

            source_id, path = fork_of
            history = load_rollout_for_resume(path).history
            session = await server.manager.open(
                config,
                front_end=front_end,
                ephemeral=ephemeral,
                fork=(str(uuid.uuid4()), list(history), path),
            )
            from codex.app_server.modes import fork_starts_in_default

            fork_starts_in_default(session)  # whatever mode the source was in (0.169)
            turns = _recorded_turns(source_id, path, find=finder(server))
        else:
            session = await server.manager.open(
                config, front_end=front_end, resume=resume, ephemeral=ephemeral
            )
            if resume is not None:
                stats: dict[str, int] = {}
                turns = _recorded_turns(session.conversation_id, resume, stats, find=finder(server))
                started = stats.get("started", len(turns))
    except CodexError as exc:
        raise errors.invalid_request(str(exc)) from None
    preview = next(
        (
            c.get("text", "")
            for t in turns
            for i in t["items"]
            if i["type"] == "userMessage"
            for c in i["content"]
        ),
        "",
    )
    live = LiveThread(
        session,
        path=session.rollout_path or None,
        cwd=str(config.cwd),
        model_provider=str(config.model_provider),
        originator=originator,
        ephemeral=ephemeral,
        turn_count=started,
        forked_from=fork_of[0] if fork_of else forked_from(resume),
        name=server.names.get(fork_of[0] if fork_of else session.conversation_id),
        preview=preview,
    )
    live.reviewer = (
        one_of(p, "approvalsReviewer", ("user", "auto_review", "guardian_subagent")) or "user"
    )
    live.resumed_turns = turns
    live.git_info = server.git_info.get(fork_of[0] if fork_of else session.conversation_id)
    if fork_of is not None and live.name:
        server.rename(live.thread_id, live.name)  # the fork keeps the name, as upstream
    server.live[live.thread_id] = live
    live.subscribe(conn)
    from codex.app_server.skills_watch import thread_opened

    thread_opened(server, live.cwd)  # 0.169 watches the skill roots of a thread's cwd
    return live


def _recorded_turns(
    thread_id: str,
    path: Path,
    stats: dict[str, int] | None = None,
    *,
    find: Finder | None = None,
) -> list[dict[str, Any]]:
    """The thread's recorded turns; with `find`, through its fork lineage (a fork lists its
    parent's turns first, as 0.169: codex.app_server.lineage)."""
    from codex.core.threads import recorded_events

    if not path.exists():
        return []  # a loaded thread's file is made by its first turn (as 0.169): none yet
    if find is not None:
        return lineage_turns(thread_id, path, find, stats)
    return turns_from_rollout(thread_id, recorded_events(path), stats)


async def reopen_new(server: AppServer, conn: Connection, p: dict[str, Any]) -> LiveThread:
    """A new thread (review/start's detached delivery)."""
    return await _open(server, conn, p)


async def reopen(server: AppServer, conn: Connection, p: dict[str, Any], path: Path) -> LiveThread:
    """Open a thread again from its rollout (after thread/rollback recorded into it)."""
    return await _open(server, conn, p, resume=path)


async def thread_start(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    live = await _open(server, conn, p)
    thread = live.thread()
    return Followed(start_response(live, thread, p), [note("thread/started", {"thread": thread})])


async def thread_resume(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.app_server.resume_page import current_turns, initial_page_options, with_paging

    thread_id = string(p, "threadId")
    page = initial_page_options(conn, p)
    live = server.live.get(thread_id)
    loaded = live is not None
    if live is None:
        path = _find(server, thread_id, archived_ok=False)
        live = await _open(server, conn, p, resume=path)
    elif rollout_pending(live.session.recorder):  # 0.169 resumes from the file a turn makes
        raise errors.invalid_request(f"no rollout found for thread id {thread_id}")
    else:
        live.subscribe(conn)
    if boolean(p, "excludeTurns"):
        turns = []
    elif loaded:  # the turns it has now, as 0.169 (a running one in progress)
        turns = current_turns(server, thread_id)
    else:
        turns = live.resumed_turns
    from codex.app_server.modes import with_resume_mode

    result = with_resume_mode(start_response(live, live.thread(turns), p), live.session)
    result = with_paging(result, server, thread_id, page)
    if loaded:
        return result
    from codex.app_server.goals import resume_notices  # the goal of a thread just loaded

    return Followed(result, resume_notices(server, live))


async def thread_fork(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.app_server.goals import carry_goal, fork_deferral

    source = string(p, "threadId")
    path = _find(server, source, archived_ok=True)
    defer = fork_deferral(conn, p)
    live = await _open(server, conn, p, fork_of=(source, path))
    exclude = boolean(p, "excludeTurns")
    thread = live.thread([] if exclude else live.resumed_turns)
    carried = carry_goal(server, source, live.thread_id) if defer else []
    return Followed(
        start_response(live, thread, p),
        [note("thread/started", {"thread": live.thread()}), *carried],
    )


def _find(server: AppServer, thread_id: str, *, archived_ok: bool) -> Path:
    from codex.protocol.ids import is_uuid

    if not is_uuid(thread_id):
        raise errors.invalid_request(f"invalid thread id: {thread_id}")
    found = server.index.find(thread_id)
    if found is None or (found[1] and not archived_ok):
        raise errors.invalid_request(f"no rollout found for thread id {thread_id}")
    return Path(found[0])


def _summary_thread(server: AppServer, item: Any) -> dict[str, Any]:
    return summary_thread(item, server.names, server.loaded_thread, server.git_info)


async def thread_list(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    result = list_threads(server.index, server.names, server.loaded_thread, p, server.git_info)
    if server.index.dirty:  # new heads parsed: saved once the answer is out
        import asyncio

        asyncio.get_running_loop().call_soon(server.index.save)
    return result


async def thread_loaded_list(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    return {"data": list(server.live), "nextCursor": None}


async def thread_read(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    thread_id = string(p, "threadId")
    include = boolean(p, "includeTurns")
    live = server.live.get(thread_id)
    if live is not None:
        turns = None
        if include:
            if rollout_pending(live.session.recorder):
                # 0.169 writes the file of a thread read with its turns before its first turn,
                # then refuses the read.
                live.session.recorder.materialize()
                raise errors.RpcError(errors.METHOD_NOT_FOUND, "list_turns is not supported yet")
            turns = (
                _recorded_turns(thread_id, Path(live.path), find=finder(server))
                if live.path
                else []
            )
        return {"thread": live.thread(turns)}
    from codex.protocol.ids import is_uuid

    if is_uuid(thread_id) and server.index.find(thread_id) is None:
        raise errors.invalid_request(f"thread not loaded: {thread_id}")  # as 0.169 says it
    path = _find(server, thread_id, archived_ok=True)
    found = server.index.find(thread_id)
    archived = bool(found and found[1])
    stamp = path.name[len("rollout-") : len("rollout-") + 19]
    summary = server.index.summary(str(path), stamp, thread_id, archived)
    if summary is None:
        raise errors.invalid_request(f"thread not loaded: {thread_id}")
    thread = _summary_thread(server, summary)
    # thread/read names a fork's parent (thread/list does not) and previews the lineage's
    # first message, as 0.169 (the fork's own file starts after it).
    thread["forkedFromId"] = parent = forked_from(path)
    if include or parent:
        turns = _recorded_turns(thread_id, path, find=finder(server))
        if parent:
            thread["preview"] = first_user_text(turns) or thread["preview"]
        if include:
            thread["turns"] = turns
    return {"thread": thread}


async def _unload(server: AppServer, thread_id: str) -> None:
    live = server.live.pop(thread_id, None)
    if live is not None:
        await server.manager.remove(thread_id)
        await live.stop()
        live.broadcast(
            [
                note(
                    "thread/status/changed",
                    {"threadId": thread_id, "status": {"type": "notLoaded"}},
                )
            ]
        )


async def thread_archive(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.core.sessions import archive
    from codex.errors import CodexError

    thread_id = string(p, "threadId")  # read as 0.169 reads it: param_check
    live = server.live.get(thread_id)
    if live is not None:
        if rollout_pending(live.session.recorder):  # 0.169 archives a thread yet to run too
            live.session.recorder.materialize()
        for c in live.subscribers:
            c.send(
                note(
                    "thread/status/changed",
                    {"threadId": thread_id, "status": {"type": "notLoaded"}},
                )
            )
    await _unload(server, thread_id)
    found = server.index.find(thread_id)
    if found is None or found[1]:  # 0.169 looks among the active rollouts only
        raise errors.invalid_request(f"no rollout found for thread id {thread_id}")
    try:
        archive(server.codex_home, thread_id)
    except CodexError as exc:
        raise errors.invalid_request(str(exc)) from None
    return Followed({}, [note("thread/archived", {"threadId": thread_id})])


async def thread_delete(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    """Unload the thread and delete its rollout (active or archived), as 0.169: its
    subscribers see it unloaded, then `thread/deleted`."""
    from codex.core.sessions import delete, find_all
    from codex.errors import CodexError

    thread_id = string(p, "threadId")  # read as 0.169 reads it: param_check
    live = server.live.get(thread_id)
    if live is None:
        _find(server, thread_id, archived_ok=True)
    subscribers = list(live.subscribers) if live is not None else [conn]
    await _unload(server, thread_id)
    # A loaded thread that never ran a turn has no file: 0.169 deletes it all the same.
    if server.index.find(thread_id) is not None:
        try:
            delete(server.codex_home, find_all(server.codex_home, thread_id)[1])
        except CodexError as exc:
            raise errors.invalid_request(str(exc)) from None
    deleted = note("thread/deleted", {"threadId": thread_id})
    for c in subscribers:
        if c is not conn:
            c.send(deleted)
    return Followed({}, [deleted])


async def thread_unarchive(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.core.sessions import archived_path, unarchive
    from codex.errors import CodexError

    thread_id = string(p, "threadId")  # read as 0.169 reads it: param_check
    if thread_id in server.live:
        raise errors.invalid_request(f"thread {thread_id} already has an active writer")
    if archived_path(server.codex_home, thread_id) is None:
        raise errors.invalid_request(f"no archived rollout found for thread id {thread_id}")
    try:
        path = unarchive(server.codex_home, thread_id)
    except CodexError as exc:
        raise errors.invalid_request(str(exc)) from None
    stamp = path.name[len("rollout-") : len("rollout-") + 19]
    summary = server.index.summary(str(path), stamp, thread_id, False) or _bare_summary(
        path, stamp, thread_id
    )
    if summary is None:
        raise errors.invalid_request(f"thread not found: {thread_id}")
    unarchived = note("thread/unarchived", {"threadId": thread_id})
    return Followed({"thread": _summary_thread(server, summary)}, [unarchived])


def _bare_summary(path: Path, stamp: str, thread_id: str) -> Any:
    """The summary of a rollout with no user message yet (a thread archived before its first
    turn): 0.169 unarchives it with an empty preview; None without a session_meta."""
    from codex.app_server.thread_index import ThreadSummary, read_head, stamp_seconds

    meta, _ = read_head(str(path))
    if meta is None:
        return None
    mtime = path.stat().st_mtime
    created = stamp_seconds(stamp) or mtime
    return ThreadSummary(thread_id, str(path), stamp, created, mtime, meta, "", False)


async def thread_name_set(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    thread_id = string(p, "threadId")
    name = string(p, "name")
    if thread_id not in server.live:
        _find(server, thread_id, archived_ok=True)
    server.rename(thread_id, name)
    live = server.live.get(thread_id)
    if live is not None:
        live.name = name
    return Followed({}, [note("thread/name/updated", {"threadId": thread_id, "threadName": name})])


async def thread_unsubscribe(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    thread_id = string(p, "threadId")
    live = server.live.get(thread_id)
    if live is None:
        return {"status": "notLoaded"}
    return {"status": "unsubscribed" if live.unsubscribe(conn) else "notSubscribed"}


async def thread_compact_start(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    from codex.protocol.ops import Compact

    live = server.thread(p)
    if live.current_turn is not None:
        raise errors.invalid_request("cannot compact while a turn is running")
    tid = live.start_turn([])
    await live.session.submit(Compact(), sub_id=tid)
    return {}
