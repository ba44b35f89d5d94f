"""`thread/list` and the `Thread` object, in a module light enough for the start-up path.

The full server (threads.py) and the start-up path (early.py, before asyncio and the server
are imported) both answer `thread/list` through `list_threads` here, so the two answers are the
same by construction. Imports: only the param checks and the index (os and the C JSON codec).
"""

from __future__ import annotations

from codex import __version__
from codex.app_server import errors
from codex.app_server.params import array, boolean, integer, one_of, string
from codex.protocol.session_source import INTERACTIVE_KINDS, SOURCE_KINDS, wire_source

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from codex.app_server.thread_index import ThreadIndex, ThreadSummary

DEFAULT_PAGE = 25
MAX_PAGE = 100


def thread_object(
    *,
    thread_id: str,
    cwd: str,
    model_provider: str,
    model: str | None,
    created_at: int,
    updated_at: int,
    status: dict[str, Any],
    path: str | None,
    preview: str = "",
    ephemeral: bool = False,
    source: Any = "vscode",
    originator: str | None = None,
    name: str | None = None,
    forked_from: str | None = None,
    reasoning_effort: str | None = None,
    cli_version: str = __version__,
    loaded: bool = True,
    turns: list[dict[str, Any]] | None = None,
    git_info: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A v2 `Thread` (key order and nullable keys as the official 0.169 server sends them)."""
    return {
        "id": thread_id,
        "environments": (
            [{"environmentId": "local", "cwd": cwd, "runtimeWorkspaceRoots": [cwd]}]
            if loaded
            else None
        ),
        "extra": None,
        "sessionId": thread_id,
        "forkedFromId": forked_from,
        "attachedToThreadId": None,
        "parentThreadId": None,
        "preview": preview,
        "ephemeral": ephemeral,
        "section": None,
        "sectionEnteredAt": None,
        "projectId": None,
        "historyMode": "paginated",
        "modelProvider": model_provider,
        "model": model,
        "reasoningEffort": reasoning_effort,
        "createdAt": created_at,
        "updatedAt": updated_at,
        "recencyAt": updated_at,
        "status": status,
        "path": path,
        "cwd": cwd,
        "cliVersion": cli_version,
        "originator": originator,
        "source": source,
        "canAcceptDirectInput": True if loaded else None,
        "threadSource": None,
        "agentNickname": None,
        "agentRole": None,
        "gitInfo": git_info,
        "name": name,
        "daybreakEnabled": None,
        "turns": turns if turns is not None else [],
    }


def summary_thread(
    item: ThreadSummary,
    names: dict[str, str],
    loaded: Callable[[str], tuple[str | None, dict[str, Any]] | None],
    git: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The `Thread` of an index entry; `loaded(id)` is (model, status) of a thread open in
    this server, else None; `git` the Git metadata set by thread/metadata/update."""
    meta = item.meta
    live = loaded(item.thread_id)
    return thread_object(
        thread_id=item.thread_id,
        cwd=str(meta.get("cwd") or ""),
        model_provider=str(meta.get("model_provider") or ""),
        model=live[0] if live is not None else None,
        created_at=int(item.created_at),
        updated_at=int(item.updated_at),
        status=live[1] if live is not None else {"type": "notLoaded"},
        path=str(item.path),
        preview=item.preview,
        source=wire_source(meta),
        originator=meta.get("originator"),
        name=names.get(item.thread_id),
        cli_version=str(meta.get("cli_version") or ""),
        loaded=False,
        git_info=(git or {}).get(item.thread_id),
    )


def list_threads(
    index: ThreadIndex,
    names: dict[str, str],
    loaded: Callable[[str], tuple[str | None, dict[str, Any]] | None],
    p: dict[str, Any],
    git: dict[str, dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The `thread/list` result for params `p` (already known to be a map)."""
    limit = integer(p, "limit")
    limit = DEFAULT_PAGE if limit is None else max(1, min(limit, MAX_PAGE))
    cursor = string(p, "cursor", required=False)
    cwd = p.get("cwd")
    cwds = [cwd] if isinstance(cwd, str) else cwd if isinstance(cwd, list) else None
    providers = array(p, "modelProviders", required=False)
    kinds = array(p, "sourceKinds", required=False)
    for kind in kinds or ():
        if kind not in SOURCE_KINDS:
            expected = ", ".join(f"`{k}`" for k in SOURCE_KINDS)
            raise errors.invalid_params(f"unknown variant `{kind}`, expected one of {expected}")
    try:
        items, next_cursor = index.page(
            limit=limit,
            cursor=cursor,
            archived=boolean(p, "archived"),
            model_providers=providers or None,
            cwds=cwds,
            search=string(p, "searchTerm", required=False),
            sort_key=one_of(p, "sortKey", ("created_at", "updated_at")) or "created_at",
            ascending=one_of(p, "sortDirection", ("asc", "desc")) == "asc",
            # As 0.169: no kind asked for (absent or []) lists the interactive sessions only.
            source_kinds=kinds or INTERACTIVE_KINDS,
        )
    except ValueError as exc:
        raise errors.invalid_request(str(exc)) from None
    data = [summary_thread(item, names, loaded, git) for item in items]
    if string(p, "searchTerm", required=False):  # a search previews what it matched (0.169)
        for thread, item in zip(data, items, strict=True):
            thread["preview"] = getattr(item, "search_text", thread["preview"])
    return {"data": data, "nextCursor": next_cursor, "backwardsCursor": None}
