"""What the model is told before the conversation: base instructions, developer instructions,
AGENTS.md (global + project docs, spec-core §6.4), and the environment context message.

The base instructions below are our own words. Everything here is built once per session (and
again only when the turn's environment changes), never per request or per delta. Reads files
(AGENTS.md) but writes nothing.
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
from collections.abc import Sequence
from contextvars import ContextVar
from pathlib import Path

from codex._dataclass import dataclass
from codex._env import getenv
from codex.core.stat_cache import Stamp, StatCache, Watch
from codex.protocol.items import InputText, Message, ResponseItem

BASE_INSTRUCTIONS = """\
You are Codex, a coding agent working in the user's terminal on their machine. You read and change \
code in the workspace, run commands, and report back clearly and briefly.

How to work:
- Understand the request before acting. Inspect the relevant files with fast read-only commands \
(rg, ls, sed -n, cat) before changing anything.
- Keep changes focused on the task. Match the existing style of the code base; do not reformat \
or rename things the task does not need.
- Edit files with the apply_patch tool. Never write files by echoing into them from the shell \
when a patch will do.
- Prefer running the project's own checks (tests, linters, type checkers) after a change, \
starting with the narrowest ones.
- Commands run in a sandbox that may block writes or the network. If a command fails because of \
the sandbox and the task truly needs it, ask for escalated permissions with a one-sentence \
justification instead of working around the restriction.
- For multi-step work, keep a short plan with the update_plan tool and update it as steps finish.
- Do not commit, push or create branches unless the user asks.

How to answer:
- Be concise and concrete: say what you changed, where, and how you verified it.
- Refer to files by their workspace-relative paths. Use short code blocks only when they help.
- If something could not be done or verified, say so plainly and say why.
"""

PROJECT_DOC_SEPARATOR = "\n\n--- project-doc ---\n\n"
DEFAULT_PROJECT_DOC_MAX_BYTES = 32 * 1024
_AGENTS_FILENAMES = ("AGENTS.override.md", "AGENTS.md")


def _read_trimmed(path: Path) -> str | None:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    return text or None


# The Watch of the `user_instructions` being computed in this context (codex.core.stat_cache):
# the readers below add every path whose state decides their answer.
_watch: ContextVar[Watch | None] = ContextVar("codex_prompt_watch", default=None)


def _watched(path: Path, *, identity_only: bool = False) -> None:
    watch = _watch.get()
    if watch is not None:
        watch.add(path, identity_only=identity_only)


def global_instructions(codex_home: Path) -> str | None:
    """`$CODEX_HOME/AGENTS.override.md` if non-empty, else `$CODEX_HOME/AGENTS.md`."""
    for name in _AGENTS_FILENAMES:
        path = codex_home / name
        _watched(path)
        text = _read_trimmed(path)
        if text:
            return text
    return None


def _git_root(start: Path) -> Path | None:
    for directory in (start, *start.parents):
        dot_git = directory / ".git"
        _watched(dot_git)  # missing now: watched for appearing
        if dot_git.exists():
            return directory
    return None


def project_doc_paths(cwd: Path, fallback_names: Sequence[str] = ()) -> list[Path]:
    """The AGENTS.md files that apply to `cwd`: one per directory from the git root down."""
    try:
        _watched(cwd, identity_only=True)  # a symlinked cwd pointed elsewhere: another dir
        cwd = cwd.resolve()
    except OSError:
        return []
    root = _git_root(cwd)
    dirs = [cwd]
    if root is not None:
        directory = cwd
        while directory != root:
            directory = directory.parent
            dirs.append(directory)
        dirs.reverse()
    names = (*_AGENTS_FILENAMES, *fallback_names)
    found: list[Path] = []
    for directory in dirs:
        for name in names:
            candidate = directory / name
            _watched(candidate)  # missing ones too: one may appear
            if candidate.is_file():
                found.append(candidate)
                break
    return found


def project_docs(cwd: Path, max_bytes: int, fallback_names: Sequence[str] = ()) -> str | None:
    """Project AGENTS.md contents sharing one byte budget, joined by blank lines."""
    if max_bytes <= 0:
        return None
    remaining = max_bytes
    parts: list[str] = []
    for path in project_doc_paths(cwd, fallback_names):
        if remaining <= 0:
            break
        try:
            with path.open("rb") as fh:
                data = fh.read(remaining)
        except OSError:
            continue
        remaining -= len(data)
        text = data.decode("utf-8", errors="ignore")
        if text.strip():
            parts.append(text)
    return "\n\n".join(parts) if parts else None


def _compute_user_instructions(
    codex_home: Path, cwd: Path, max_bytes: int, fallback_names: Sequence[str], watch: Watch
) -> str | None:
    token = _watch.set(watch)
    try:
        glob = global_instructions(codex_home)
        proj = project_docs(cwd, max_bytes, fallback_names)
    finally:
        _watch.reset(token)
    if glob and proj:
        return glob + PROJECT_DOC_SEPARATOR + proj
    return glob or proj


# Per process: threads started in the same cwd read the same files (codex.core.stat_cache).
_instructions_cache: StatCache[str | None] = StatCache()


def user_instructions(
    codex_home: str | os.PathLike[str],
    cwd: str | os.PathLike[str],
    max_bytes: int,
    fallback_names: Sequence[str] = (),
    *,
    seen: dict[str, Stamp] | None = None,
) -> str | None:
    """Global instructions, then the project docs, as upstream merges them. Read again only when
    a file or directory that decided the answer changed since the last read in this process.
    `seen`: stamps the caller shares between checks (codex.core.stat_cache.Watch.unchanged)."""
    names = tuple(fallback_names)
    return _instructions_cache.get(
        (os.fspath(codex_home), os.fspath(cwd), max_bytes, names),
        lambda watch: _compute_user_instructions(
            Path(codex_home), Path(cwd), max_bytes, names, watch
        ),
        seen=seen,
    )


@dataclass(frozen=True, slots=True)
class UserInstructions:
    """`user_instructions()` as computed for `cwd`, so a session start that needs it twice
    (session_meta, then the initial context) walks the AGENTS.md tree once."""

    cwd: Path
    text: str | None


def agents_md_message(cwd: Path, instructions: str) -> Message:
    text = "\n".join(
        [
            f"# AGENTS.md instructions for {cwd}",
            "",
            "<INSTRUCTIONS>",
            instructions,
            "</INSTRUCTIONS>",
        ]
    )
    return Message("user", [InputText(text)])


@dataclass(frozen=True, slots=True)
class EnvironmentContext:
    """The facts about the turn's environment that the model is told (and re-told on change)."""

    cwd: Path | None
    approval_policy: str | None
    sandbox_mode: str | None
    network_access: str | None
    writable_roots: tuple[Path, ...] = ()
    shell: str | None = None
    current_date: str | None = None
    timezone: str | None = None

    def to_xml(self) -> str:
        lines = ["<environment_context>"]
        if self.cwd is not None:
            lines.append(f"  <cwd>{self.cwd}</cwd>")
        if self.approval_policy is not None:
            lines.append(f"  <approval_policy>{self.approval_policy}</approval_policy>")
        if self.sandbox_mode is not None:
            lines.append(f"  <sandbox_mode>{self.sandbox_mode}</sandbox_mode>")
        if self.network_access is not None:
            lines.append(f"  <network_access>{self.network_access}</network_access>")
        if self.writable_roots:
            lines.append("  <writable_roots>")
            lines.extend(f"    <root>{root}</root>" for root in self.writable_roots)
            lines.append("  </writable_roots>")
        if self.shell is not None:
            lines.append(f"  <shell>{self.shell}</shell>")
        if self.current_date is not None:
            lines.append(f"  <current_date>{self.current_date}</current_date>")
        if self.timezone is not None:
            lines.append(f"  <timezone>{self.timezone}</timezone>")
        lines.append("</environment_context>")
        return "\n".join(lines)

    def to_message(self) -> Message:
        return Message("user", [InputText(self.to_xml())])

    def diff(self, newer: EnvironmentContext) -> EnvironmentContext | None:
        """Only the fields that changed (the shell always included), or None if nothing did."""
        if (newer.cwd, newer.approval_policy, newer.sandbox_mode, newer.network_access) == (
            self.cwd,
            self.approval_policy,
            self.sandbox_mode,
            self.network_access,
        ) and newer.writable_roots == self.writable_roots:
            return None
        return EnvironmentContext(
            cwd=newer.cwd if newer.cwd != self.cwd else None,
            approval_policy=(
                newer.approval_policy if newer.approval_policy != self.approval_policy else None
            ),
            sandbox_mode=newer.sandbox_mode if newer.sandbox_mode != self.sandbox_mode else None,
            network_access=(
                newer.network_access if newer.network_access != self.network_access else None
            ),
            writable_roots=newer.writable_roots
            if newer.writable_roots != self.writable_roots
            else (),
            shell=newer.shell,
        )


def user_shell_name() -> tuple[str, str]:
    """(path, short name) of the user's login shell; bash when unknown. Every session asks;
    the answer is kept per value of $SHELL (the shell's file is looked for once per process)."""
    shell = getenv("SHELL") or ""
    known = _shells.get(shell)
    if known is None:
        known = _shells[shell] = _find_shell(shell)
    return known


_shells: dict[str, tuple[str, str]] = {}


def _find_shell(shell: str) -> tuple[str, str]:
    if not shell:
        try:
            import pwd

            shell = pwd.getpwuid(os.getuid()).pw_shell
        except (KeyError, ImportError):
            shell = ""
    if not shell or not os.path.exists(shell):
        shell = "/bin/bash" if os.path.exists("/bin/bash") else "/bin/sh"
    return shell, os.path.basename(shell)


def today() -> tuple[str, str]:
    """The local date (TZ honoured) and the system's time zone name, as 0.169 writes them in
    `<environment_context>`: the IANA name of /etc/localtime (`Etc/UTC`, `Europe/Berlin`),
    whatever TZ says, like the iana-time-zone crate it uses."""
    now = _dt.datetime.now().astimezone()
    return now.date().isoformat(), _system_zone() or now.tzname() or "UTC"


@functools.cache
def _system_zone() -> str:
    """The system's zone name, read once per process."""
    return system_zone_name()


def system_zone_name(localtime: str = "/etc/localtime", timezone: str = "/etc/timezone") -> str:
    """The IANA name of the system time zone: where the /etc/localtime link points below a
    `zoneinfo/` folder (Linux, macOS), else Debian's /etc/timezone; "" when neither says."""
    try:
        target = os.readlink(localtime)
    except OSError:
        target = ""
    marker = "zoneinfo/"
    if marker in target:
        return target[target.rindex(marker) + len(marker) :]
    try:
        with open(timezone, encoding="utf-8") as file:
            return file.read().strip()
    except (OSError, UnicodeDecodeError):
        return ""


def initial_context(
    *,
    developer_instructions: str | None,
    user_instructions: str | None,
    cwd: Path,
    environment: EnvironmentContext,
    skills_instructions: str | None = None,
    permissions: str | None = None,
) -> list[ResponseItem]:
    """The items recorded once at the start of a new conversation, in upstream's order. The
    skills list (codex.core.skills) and then the permissions part (codex.core.
    permissions_prompt) are parts of the developer message, as 0.169 sends them."""
    items: list[ResponseItem] = []
    texts = [t for t in (developer_instructions, skills_instructions, permissions) if t]
    if texts:
        items.append(Message("developer", [InputText(t) for t in texts]))
    if user_instructions:
        items.append(agents_md_message(cwd, user_instructions))
    items.append(environment.to_message())
    return items
