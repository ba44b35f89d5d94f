"""Where an AuthRecord lives: `$CODEX_HOME/auth.json` (mode 0600, replaced atomically) or the OS
keyring (service "Codex Auth", account `cli|<first 16 hex of sha256(canonical CODEX_HOME)>`, value
the compact JSON), chosen by `cli_auth_credentials_store = file | keyring | auto`.

A keyring save deletes auth.json (upstream does the same, so one secret never lives in two places).
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

from codex import _filelock
from codex._atomic import replace_file
from codex.auth.errors import AuthStorageError
from codex.auth.record import AuthRecord

log = logging.getLogger("codex.auth")

AUTH_FILE = "auth.json"
LOCK_FILE = "auth.json.lock"
KEYRING_SERVICE = "Codex Auth"
FILE_MODE = 0o600

STORE_FILE = "file"
STORE_KEYRING = "keyring"
STORE_AUTO = "auto"
STORE_MODES = (STORE_FILE, STORE_KEYRING, STORE_AUTO)


class AuthStorage(Protocol):
    def load(self) -> AuthRecord | None: ...
    def save(self, record: AuthRecord) -> None: ...
    def delete(self) -> bool: ...


def auth_file(codex_home: Path) -> Path:
    return codex_home / AUTH_FILE


def keyring_account(codex_home: Path) -> str:
    """The keyring account name for this CODEX_HOME (canonical path when it exists, as upstream)."""
    try:
        canonical = str(Path(codex_home).resolve(strict=True))
    except OSError:
        canonical = str(codex_home)
    import hashlib  # here: hashlib's import (OpenSSL's) is ~1.5 ms of a first thread start

    digest = hashlib.sha256(canonical.encode("utf-8", "surrogateescape")).hexdigest()
    return f"cli|{digest[:16]}"


@contextlib.contextmanager
def locked(codex_home: Path) -> Iterator[None]:
    """Serialize read-modify-write of the credentials across processes (flock on a side file)."""
    codex_home.mkdir(parents=True, exist_ok=True, mode=0o700)
    # O_CLOEXEC is POSIX; Windows handles are not inherited by default (O_NOINHERIT is moot).
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(codex_home / LOCK_FILE, flags, FILE_MODE)
    try:
        _filelock.lock(fd)
        yield
    finally:
        os.close(fd)


def write_private_file(path: Path, text: str) -> None:
    """Replace `path` atomically with `text`: a private temp file in the same directory, fsync,
    rename. The new file's mode is 0600, narrowed further if the old file was narrower: saving
    never widens permissions."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    mode = FILE_MODE
    with contextlib.suppress(FileNotFoundError):
        mode &= stat.S_IMODE(path.stat().st_mode)
    replace_file(path, text.encode("utf-8"), mode)


def delete_file(codex_home: Path) -> bool:
    try:
        auth_file(codex_home).unlink()
    except FileNotFoundError:
        return False
    except OSError as err:
        raise AuthStorageError(
            f"could not remove {auth_file(codex_home)}: {err.strerror}"
        ) from None
    return True


class FileAuthStorage:
    def __init__(self, codex_home: Path) -> None:
        self.codex_home = Path(codex_home)
        self.path = auth_file(self.codex_home)

    def __repr__(self) -> str:
        return f"FileAuthStorage({str(self.path)!r})"

    def load(self) -> AuthRecord | None:
        try:
            data = self.path.read_bytes()
            mode = stat.S_IMODE(self.path.stat().st_mode)
        except FileNotFoundError:
            return None
        except OSError as err:
            raise AuthStorageError(f"could not read {self.path}: {err.strerror}") from None
        if mode & 0o077:
            # Upstream reads such a file without complaint; we do too (a file copied from another
            # machine must keep working) but say so, and the next save narrows it to 0600.
            log.warning(
                "%s is accessible by other users (mode %o); run `chmod 600 %s`",
                self.path,
                mode,
                self.path,
            )
        return AuthRecord.from_text(data, source=str(self.path))

    def save(self, record: AuthRecord) -> None:
        try:
            write_private_file(self.path, record.to_file_text())
        except OSError as err:
            raise AuthStorageError(f"could not write {self.path}: {err.strerror}") from None

    def delete(self) -> bool:
        return delete_file(self.codex_home)


def _keyring_module():  # -> the keyring module, imported only when a keyring store is used
    import keyring

    return keyring


def _keyring_failure(action: str, err: Exception) -> AuthStorageError:
    # Backend messages describe the platform (no D-Bus, locked collection), never the secret.
    return AuthStorageError(f"failed to {action} keyring: {type(err).__name__}: {err}")


class KeyringAuthStorage:
    def __init__(self, codex_home: Path) -> None:
        self.codex_home = Path(codex_home)
        self.account = keyring_account(self.codex_home)

    def __repr__(self) -> str:
        return f"KeyringAuthStorage({KEYRING_SERVICE!r}, {self.account!r})"

    def _backend(self):  # -> keyring.backend.KeyringBackend
        keyring = _keyring_module()
        backend = keyring.get_keyring()
        from keyring.backends import fail

        if isinstance(backend, fail.Keyring):
            raise AuthStorageError(
                "no keyring backend is available on this system; set "
                '`cli_auth_credentials_store = "file"` or install a keyring service'
            )
        return backend

    def load(self) -> AuthRecord | None:
        backend = self._backend()
        try:
            text = backend.get_password(KEYRING_SERVICE, self.account)
        except Exception as err:
            raise _keyring_failure("load CLI auth from", err) from None
        if text is None:
            return None
        return AuthRecord.from_text(text, source=f"keyring entry {KEYRING_SERVICE}/{self.account}")

    def save(self, record: AuthRecord) -> None:
        backend = self._backend()
        try:
            backend.set_password(KEYRING_SERVICE, self.account, record.to_compact_text())
        except Exception as err:
            raise _keyring_failure("write OAuth tokens to", err) from None
        try:
            delete_file(self.codex_home)
        except AuthStorageError as err:
            log.warning("failed to remove CLI auth fallback file: %s", err)

    def delete(self) -> bool:
        backend = self._backend()
        from keyring.errors import PasswordDeleteError

        removed = True
        try:
            if backend.get_password(KEYRING_SERVICE, self.account) is None:
                removed = False
            else:
                backend.delete_password(KEYRING_SERVICE, self.account)
        except PasswordDeleteError:
            removed = False
        except Exception as err:
            raise _keyring_failure("delete auth from", err) from None
        return delete_file(self.codex_home) or removed


class AutoAuthStorage:
    """Keyring first; when the keyring is missing or fails, auth.json."""

    def __init__(self, codex_home: Path) -> None:
        self.keyring = KeyringAuthStorage(codex_home)
        self.file = FileAuthStorage(codex_home)

    def __repr__(self) -> str:
        return f"AutoAuthStorage({self.keyring!r}, {self.file!r})"

    def load(self) -> AuthRecord | None:
        try:
            record = self.keyring.load()
        except AuthStorageError as err:
            log.warning("failed to load CLI auth from keyring, falling back to file: %s", err)
            return self.file.load()
        return record if record is not None else self.file.load()

    def save(self, record: AuthRecord) -> None:
        try:
            self.keyring.save(record)
        except AuthStorageError as err:
            log.warning("failed to save auth to keyring, falling back to file: %s", err)
            self.file.save(record)

    def delete(self) -> bool:
        try:
            return self.keyring.delete()
        except AuthStorageError as err:
            log.warning("failed to delete auth from keyring: %s", err)
            return self.file.delete()


def create_storage(codex_home: Path, mode: str = STORE_FILE) -> AuthStorage:
    mode = str(mode)
    if mode == STORE_FILE:
        return FileAuthStorage(codex_home)
    if mode == STORE_KEYRING:
        return KeyringAuthStorage(codex_home)
    if mode == STORE_AUTO:
        return AutoAuthStorage(codex_home)
    raise AuthStorageError(
        f"unknown cli_auth_credentials_store {mode!r}; use one of: {', '.join(STORE_MODES)}"
    )
