"""`x-codex-*` response headers → a `RateLimitSnapshot` (spec-core §1.7)."""

from __future__ import annotations

from collections.abc import Mapping

from codex.protocol.usage import CreditsSnapshot, RateLimitSnapshot, RateLimitWindow

_BOOLS = {"true": True, "1": True, "false": False, "0": False}


def _float(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value.strip())
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    if value is None:
        return None
    try:
        return int(value.strip())
    except ValueError:
        return None


def _window(headers: Mapping[str, str], which: str) -> RateLimitWindow | None:
    used = _float(headers.get(f"x-codex-{which}-used-percent"))
    if used is None:
        return None
    minutes = _int(headers.get(f"x-codex-{which}-window-minutes"))
    resets_at = _int(headers.get(f"x-codex-{which}-reset-at"))
    if used == 0 and not minutes and resets_at is None:
        return None
    return RateLimitWindow(used_percent=used, window_minutes=minutes, resets_at=resets_at)


def _credits(headers: Mapping[str, str]) -> CreditsSnapshot | None:
    has = _BOOLS.get((headers.get("x-codex-credits-has-credits") or "").strip().lower())
    unlimited = _BOOLS.get((headers.get("x-codex-credits-unlimited") or "").strip().lower())
    if has is None or unlimited is None:
        return None
    balance = headers.get("x-codex-credits-balance")
    balance = balance.strip() if balance is not None else None
    return CreditsSnapshot(has_credits=has, unlimited=unlimited, balance=balance or None)


def _empty() -> RateLimitSnapshot:
    return RateLimitSnapshot(primary=None, secondary=None, credits=None)


def parse_rate_limits(headers: Mapping[str, str]) -> RateLimitSnapshot:
    """Always a snapshot; every part is None when its headers are absent or malformed.
    `headers` must look names up case-insensitively (httpx.Headers) or be lower-cased."""
    if not any(name[:8].lower() == "x-codex-" for name in headers):
        return _empty()  # most providers send none: skip the dozen lookups
    return RateLimitSnapshot(
        primary=_window(headers, "primary"),
        secondary=_window(headers, "secondary"),
        credits=_credits(headers),
    )
