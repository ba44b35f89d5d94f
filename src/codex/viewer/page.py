"""The viewer's HTML pages, its stylesheet and its one script (served from /static so the
Content-Security-Policy can forbid inline script). Every value from a rollout is escaped."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from codex.core.session_render import STYLE, esc

__all__ = ["FAVICON", "SCRIPT", "STYLE", "list_html", "search_html", "session_html"]


def _head(title: str) -> str:
    return (
        '<!doctype html><html><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title>"
        '<link rel="stylesheet" href="/static/viewer.css">'
        '<script src="/static/viewer.js" defer></script></head><body>'
    )


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024:
            return f"{n:.0f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return f"{n:.1f} TB"


def list_html(rows: list[dict[str, Any]], q: str, cwd: str) -> str:
    body = [
        _head("codex sessions"),
        "<h1>Sessions</h1>",
        '<form method="get" action="/"><input name="q" placeholder="text" '
        f'value="{esc(q)}"> <input name="cwd" placeholder="cwd" value="{esc(cwd)}"> '
        "<button>filter</button></form>",
        '<form method="get" action="/go"><input name="id" placeholder="session UUID" size="40">'
        " <button>open</button></form>",
        '<table id="sessions"><tr><th>time</th><th>cwd</th><th>first prompt</th>'
        "<th>model</th><th>turns</th><th>size</th></tr>",
    ]
    for r in rows:
        stamp = time.strftime("%Y-%m-%d %H:%M", time.localtime(r["created_at"]))
        body.append(
            f'<tr><td><a href="/session/{quote(r["id"])}">{esc(stamp)}</a></td>'
            f"<td>{esc(r['cwd'])}</td><td>{esc(r['prompt'])}</td><td>{esc(r['model'])}</td>"
            f"<td>{r['turns']}{'+' if r['turns_partial'] else ''}</td>"
            f"<td>{_size(r['size'])}</td></tr>"
        )
    body.append("</table>")
    if not rows:
        body.append('<p class="empty">No sessions.</p>')
    body.append("</body></html>")
    return "".join(body)


def session_html(session_id: str, path: str, data: dict[str, Any]) -> str:
    nxt = data["next"]
    return "".join(
        [
            _head(f"session {session_id}"),
            '<p><a href="/">&larr; sessions</a></p>',
            f"<h1>{esc(session_id)}</h1><p class='path'>{esc(path)} · {data['total']} lines</p>",
            f'<form method="get" action="/session/{quote(session_id)}/search">'
            '<input name="q" placeholder="search this session"> <button>search</button></form>',
            '<p class="export">export: '
            + " · ".join(
                f'<a href="/session/{quote(session_id)}/export?format={f}">{f}</a>'
                for f in ("md", "json", "html")
            )
            + "</p>",
            '<label><input type="checkbox" id="follow"> follow (live tail)</label>',
            f'<div id="timeline" data-session="{esc(session_id)}" '
            f'data-next="{"" if nxt is None else nxt}" data-offset="{data["end_offset"]}">',
            *(line["html"] for line in data["lines"]),
            "</div>",
            '<button id="more"' + (" hidden" if nxt is None else "") + ">load more</button>",
            "</body></html>",
        ]
    )


def search_html(session_id: str, q: str, hits: list[int]) -> str:
    base = f"/session/{quote(session_id)}"
    links = "".join(f'<li><a href="{base}?start={n}#L{n}">line {n}</a></li>' for n in hits)
    return (
        _head(f"search {session_id}")
        + f'<p><a href="{base}">&larr; session</a></p>'
        + f'<h1>{len(hits)} lines match {esc(q)!s}</h1><ul id="hits">{links}</ul></body></html>'
    )


FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16">'
    '<rect width="16" height="16" rx="3" fill="#10b981"/>'
    '<path d="M4 5l3 3-3 3M8 11h4" stroke="#fff" stroke-width="1.6" fill="none"/></svg>'
)

SCRIPT = """
(function(){
  const tl = document.getElementById('timeline');
  if (!tl) return;
  const id = tl.dataset.session;
  const more = document.getElementById('more');
  function append(lines){
    // The HTML is rendered (and escaped) by the server.
    for (const l of lines) tl.insertAdjacentHTML('beforeend', l.html);
  }
  more.addEventListener('click', async () => {
    const start = tl.dataset.next;
    if (start === '') return;
    const r = await fetch(`/api/sessions/${id}/lines?start=${start}`);
    const d = await r.json();
    append(d.lines);
    tl.dataset.next = d.next === null ? '' : d.next;
    more.hidden = d.next === null;
  });
  async function poll(){
    if (document.getElementById('follow').checked && tl.dataset.next === '') {
      const r = await fetch(`/api/sessions/${id}/tail?offset=${tl.dataset.offset}`);
      const d = await r.json();
      append(d.lines);
      tl.dataset.offset = d.offset;
    }
    setTimeout(poll, 1500);
  }
  poll();
})();
"""
