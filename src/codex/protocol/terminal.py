"""Which terminal this process runs in, as the one header-safe token the official CLI puts in its
User-Agent (`... (Debian 12.0.0; x86_64) <terminal> (...)`), in the app-server's `initialize`
`userAgent` and in the OpenTelemetry `terminal.type` attribute.

The rules follow upstream's terminal detection (codex-rs terminal-detection) as the 0.169 binary
applies it, each case captured from it (tests/fixtures/terminal_token_official.json):

- `TERM_PROGRAM`, with `/TERM_PROGRAM_VERSION` when that is set - except `tmux` (any case), which
  names the multiplexer, not the terminal: it is passed over, and 0.169 asks tmux nothing (it runs
  no tmux command), so inside tmux the token comes from the rules below, mostly `TERM`.
- Otherwise an emulator's own variable, in this order: Ghostty, WezTerm (`/WEZTERM_VERSION`),
  iTerm2, kitty (also a `TERM` naming kitty), Alacritty (also `TERM=alacritty`), Konsole
  (`/KONSOLE_VERSION`), GNOME Terminal, VTE (`/VTE_VERSION`), Windows Terminal. A hint counts
  when its variable exists at all, even empty. (`TERM_SESSION_ID` is no hint in 0.169.)
- Otherwise `TERM`, otherwise `unknown`.

Blank values count as unset. Everything outside `[A-Za-z0-9._/-]` becomes `_`. Detected once per
process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

# Header-safe characters; no `re`: the app-server answers `initialize` before loading it.
_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._/-")

# (hint variables, token, variable holding the version) in 0.169's order.
_EMULATOR_HINTS: tuple[tuple[tuple[str, ...], str, str | None], ...] = (
    (("GHOSTTY_RESOURCES_DIR",), "Ghostty", None),
    (("WEZTERM_VERSION",), "WezTerm", "WEZTERM_VERSION"),
    (("ITERM_SESSION_ID", "ITERM_PROFILE", "ITERM_PROFILE_NAME"), "iTerm.app", None),
    (("KITTY_WINDOW_ID",), "kitty", None),
    (("ALACRITTY_SOCKET",), "Alacritty", None),
    (("KONSOLE_VERSION",), "Konsole", "KONSOLE_VERSION"),
    (("GNOME_TERMINAL_SCREEN",), "gnome-terminal", None),
    (("VTE_VERSION",), "VTE", "VTE_VERSION"),
    (("WT_SESSION",), "WindowsTerminal", None),
)

_cached: str | None = None


def _non_blank(env: Mapping[str, str], name: str | None) -> str | None:
    value = env.get(name) if name else None
    return value if value is not None and value.strip() else None


def _with_version(name: str, version: str | None) -> str:
    return f"{name}/{version}" if version else name


def _raw(env: Mapping[str, str]) -> str:
    program = _non_blank(env, "TERM_PROGRAM")
    if program is not None and program.lower() != "tmux":
        return _with_version(program, _non_blank(env, "TERM_PROGRAM_VERSION"))
    term = env.get("TERM")
    for hints, name, version_var in _EMULATOR_HINTS:
        present = any(h in env for h in hints)
        if name == "kitty":
            present = present or (term is not None and "kitty" in term)
        elif name == "Alacritty":
            present = present or term == "alacritty"
        if present:
            return _with_version(name, _non_blank(env, version_var))
    return _non_blank(env, "TERM") or "unknown"


def detect(env: Mapping[str, str]) -> str:
    """The sanitized terminal token for environment `env`."""
    return "".join(ch if ch in _SAFE else "_" for ch in _raw(env))


def terminal_token() -> str:
    """This process's terminal token, detected once from its environment."""
    global _cached
    if _cached is None:
        _cached = detect(os.environ)
    return _cached
