"""The session viewer: a read-only FastAPI app over `$CODEX_HOME/sessions`.

Read-only by construction: every route is a GET; nothing here opens a file for writing. The list
comes from core's cached thread index (heads parsed once per file), a session is served in pages
from core's byte-offset line index, and a live page polls `/tail` with the offset it got last.
Rollout text is untrusted: it is escaped in render.py, and the Content-Security-Policy allows
only our own script, so even a rendering bug could not run a script from a rollout.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query
from fastapi.responses import (
    HTMLResponse,
    JSONResponse,
    RedirectResponse,
    Response,
    StreamingResponse,
)

from codex.core import rollout_pages
from codex.core.session_render import esc, render_at
from codex.core.threads import ThreadIndex, ThreadSummary
from codex.viewer import page
from codex.viewer.catalog import Catalog

PAGE_LINES = 200
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def _row(item: ThreadSummary) -> dict[str, Any]:
    try:
        stats = rollout_pages.rollout_stats(item.path)
        size = item.path.stat().st_size
    except OSError:
        stats, size = rollout_pages.RolloutStats(0, None), 0
    meta = item.meta
    model = stats.model or meta.get("model")
    return {
        "id": item.thread_id,
        "cwd": str(meta.get("cwd", "")),
        "prompt": item.preview[:300],
        "model": model or "",
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "turns": stats.turns,
        "turns_partial": stats.partial,
        "size": size,
        "archived": item.archived,
    }


def _newest_first(index: ThreadIndex, batch: int) -> Iterator[ThreadSummary]:
    """Summaries newest first, fetched from the index a batch at a time: a list that fills up
    early never stats the rest of 10,000 sessions."""
    cursor: str | None = None
    batch = max(batch, 50)
    while True:
        page_items, cursor = index.page(limit=batch, cursor=cursor)
        yield from page_items
        if cursor is None:
            return
        batch *= 4  # each page walks the tree from the top: few, growing pages


def create_app(codex_home: Path | str, *, warm: bool = True) -> FastAPI:
    """The viewer app over one `$CODEX_HOME`; `warm` reads every session's head for the
    filtered list in a background thread at once."""
    index = ThreadIndex(codex_home)
    catalog = Catalog(index)
    if warm:
        catalog.warm()
    app = FastAPI(title="codex viewer", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def headers(request: Any, call_next: Any) -> Response:
        response: Response = await call_next(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def sessions(q: str, cwd: str, limit: int) -> list[dict[str, Any]]:
        if q or cwd:  # every session is looked at: from the in-memory catalog
            return [_row(item) for item in catalog.search(q, cwd, limit)]
        return [_row(item) for item in itertools.islice(_newest_first(index, limit), limit)]

    def rollout(session_id: str) -> Path:
        if not _UUID.match(session_id):
            raise HTTPException(404, "no such session")
        found = catalog.find(session_id)
        if found is not None:
            return found
        hit = index.find(session_id)
        if hit is None:
            raise HTTPException(404, "no such session")
        return hit[0]

    def lines(path: Path, start: int, count: int) -> dict[str, Any]:
        raw, total = rollout_pages.read_lines(path, start, count)
        nxt = start + len(raw)
        return {
            "start": start,
            "lines": [render_at(path, r) for r in raw],
            "next": nxt if nxt < total else None,
            "total": total,
            "end_offset": rollout_pages.line_index(path).end,
        }

    @app.get("/", response_class=HTMLResponse)
    def list_page(q: str = "", cwd: str = "", limit: int = Query(100, ge=1, le=1000)) -> str:
        return page.list_html(sessions(q, cwd, limit), q, cwd)

    @app.get("/api/sessions")
    def list_api(q: str = "", cwd: str = "", limit: int = Query(100, ge=1, le=1000)) -> Any:
        return {"sessions": sessions(q, cwd, limit)}

    @app.get("/go")
    def go(id: str = "") -> RedirectResponse:
        session_id = id.strip()
        if not _UUID.match(session_id):
            raise HTTPException(404, "not a session id")
        return RedirectResponse(f"/session/{session_id}", status_code=303)

    @app.get("/session/{session_id}", response_class=HTMLResponse)
    def session_page(session_id: str, start: int = Query(0, ge=0)) -> str:
        path = rollout(session_id)
        data = lines(path, start, PAGE_LINES)
        return page.session_html(session_id, str(path), data)

    @app.get("/api/sessions/{session_id}/lines")
    def lines_api(
        session_id: str,
        start: int = Query(0, ge=0),
        count: int = Query(PAGE_LINES, ge=1, le=2000),
    ) -> Any:
        return lines(rollout(session_id), start, count)

    @app.get("/api/sessions/{session_id}/tail")
    def tail_api(session_id: str, offset: int = Query(0, ge=0)) -> Any:
        path = rollout(session_id)
        raw, nxt = rollout_pages.read_after(path, offset)
        return {"lines": [render_at(path, r) for r in raw], "offset": nxt}

    @app.get("/api/sessions/{session_id}/search")
    def search_api(session_id: str, q: str = "", limit: int = Query(200, ge=1, le=2000)) -> Any:
        return {"lines": rollout_pages.search_lines(rollout(session_id), q, limit)}

    @app.get("/session/{session_id}/search", response_class=HTMLResponse)
    def search_page(session_id: str, q: str = "") -> str:
        hits = rollout_pages.search_lines(rollout(session_id), q)
        return page.search_html(session_id, q, hits)

    @app.get("/static/viewer.js")
    def script() -> Response:
        return Response(page.SCRIPT, media_type="text/javascript")

    @app.get("/session/{session_id}/export")
    def export(session_id: str, format: str = Query("md", pattern="^(md|json|html)$")) -> Response:
        """The session as `codex export` writes it (core's code), as a download."""
        from codex.core.export import iter_export

        path = rollout(session_id)
        kind = {"md": "text/markdown", "json": "application/json", "html": "text/html"}[format]
        name = f"codex-session-{session_id}.{format}"
        return StreamingResponse(
            iter_export(path, format),
            media_type=f"{kind}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}"'},
        )

    @app.get("/favicon.ico")
    def favicon() -> Response:
        # Browsers ask for it on every page; an answer keeps their consoles free of 404s.
        return Response(page.FAVICON, media_type="image/svg+xml")

    @app.get("/static/viewer.css")
    def style() -> Response:
        return Response(page.STYLE, media_type="text/css")

    @app.exception_handler(HTTPException)
    async def not_found(_request: Any, exc: HTTPException) -> Response:
        if exc.status_code == 405:
            return JSONResponse({"detail": "read-only"}, status_code=405)
        body = f"<!doctype html><title>{exc.status_code}</title><p>{esc(exc.detail)}</p>"
        return HTMLResponse(body, status_code=exc.status_code)

    return app
