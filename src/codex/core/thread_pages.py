"""Paging of a thread index, shared by core's index (`codex.core.threads`, for the viewer, the
TUI's pickers and the SDK) and the app-server's persistent one (`codex.app_server.thread_index`):
both walk rollouts newest first (`_files`) and summarize one (`summary`); the cursors, filters and
the other orders are the same, so they live here once.

Light on purpose: no imports at all, so the app-server's start-up path can page before the rest
of the server is loaded.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import Any


class ThreadPages:
    """`page` and the by-id lookup over `_files` and `summary`, which a subclass provides."""

    def _files(self, archived: bool) -> Iterator[tuple[str, str, str]]:
        """(file timestamp, lower-case thread id, path) of each rollout, newest first."""
        raise NotImplementedError

    def summary(self, path: str, ts: str, uid: str, archived: bool) -> Any:
        """The listed summary of one rollout (`file_timestamp`, `thread_id`, `meta`,
        `preview`, `updated_at`), or None when it cannot be listed."""
        raise NotImplementedError

    def page(
        self,
        *,
        limit: int,
        cursor: str | None = None,
        archived: bool = False,
        model_providers: list[str] | None = None,
        cwds: list[str] | None = None,
        search: str | None = None,
        sort_key: str = "created_at",
        ascending: bool = False,
        source_kinds: Sequence[str] | None = None,
    ) -> tuple[list[Any], str | None]:
        """One page newest first, and the cursor of the next page (None: this was the last).
        `source_kinds`: only sessions of those kinds (codex.protocol.session_source).
        Another order (`updated_at`, or ascending) sorts every matching thread first, and
        pages by position. Raises ValueError for a cursor this index did not hand out."""
        if sort_key != "created_at" or ascending:
            return self._sorted_page(
                limit, cursor, archived, model_providers, cwds, search, sort_key, ascending,
                source_kinds,
            )  # fmt: skip
        after: tuple[str, str] | None = None
        if cursor:
            ts, sep, uid = cursor.partition("|")
            if not sep:
                raise ValueError(f"invalid cursor: {cursor}")
            after = (ts, uid)
        if source_kinds:  # a small module, loaded only when a listing filters by source
            from codex.protocol.session_source import meta_matches
        out: list[Any] = []
        for ts, uid, path in self._files(archived):
            if after is not None and (ts, uid) >= after:
                continue
            if len(out) >= limit:
                last = out[-1]
                return out, f"{last.file_timestamp}|{last.thread_id}"
            item = self.summary(path, ts, uid, archived)
            if item is None:
                continue
            if model_providers and item.meta.get("model_provider") not in model_providers:
                continue
            if cwds and item.meta.get("cwd") not in cwds:
                continue
            if search and search.lower() not in getattr(item, "search_text", item.preview).lower():
                continue
            if source_kinds and not meta_matches(item.meta, source_kinds):
                continue
            out.append(item)
        return out, None

    def _sorted_page(
        self,
        limit: int,
        cursor: str | None,
        archived: bool,
        model_providers: list[str] | None,
        cwds: list[str] | None,
        search: str | None,
        sort_key: str,
        ascending: bool,
        source_kinds: Sequence[str] | None,
    ) -> tuple[list[Any], str | None]:
        start = 0
        if cursor:
            if not cursor.startswith("at:") or not cursor[3:].isdigit():
                raise ValueError(f"invalid cursor: {cursor}")
            start = int(cursor[3:])
        everything, _ = self.page(
            limit=1 << 30,
            archived=archived,
            model_providers=model_providers,
            cwds=cwds,
            search=search,
            source_kinds=source_kinds,
        )
        if sort_key == "updated_at":
            everything.sort(key=lambda item: (item.updated_at, item.thread_id))
            if not ascending:
                everything.reverse()
        elif ascending:
            everything.reverse()
        page = everything[start : start + limit]
        more = start + limit < len(everything)
        return page, f"at:{start + limit}" if more else None

    def find_path(self, thread_id: str) -> tuple[str, bool] | None:
        """The rollout path of a thread by id and whether it is archived, or None."""
        wanted = thread_id.lower()
        for archived in (False, True):
            for _ts, uid, path in self._files(archived):
                if uid == wanted:
                    return path, archived
        return None
