"""The `fs/*` methods: file access for a client that has no file system of its own next to the
server (an IDE on another machine), as the official 0.169 server serves them.

Paths must be absolute ("Invalid request: AbsolutePathBuf deserialized without a base path"
otherwise); an operating-system failure answers -32603 with the OS's words ("No such file or
directory (os error 2)"), a request that makes no sense for the path -32600. Defaults as the
official: `createDirectory` and `remove` are recursive, `remove` ignores a missing path unless
`force: false`, `copy` copies a directory only with `recursive: true`. These act with the
server's own rights, as upstream's do: the sandbox confines the agent's commands, not the
client, which could run the same operations through `command/exec` with full access.
"""

from __future__ import annotations

import base64
import binascii
import os
import shutil
from typing import TYPE_CHECKING, Any

from codex.app_server import errors
from codex.app_server.errors import RpcError
from codex.app_server.params import boolean, string

if TYPE_CHECKING:
    from codex.app_server.connection import Connection
    from codex.app_server.server import AppServer


def _path(p: dict[str, Any], key: str = "path") -> str:
    value = string(p, key)
    if not os.path.isabs(value):
        raise errors.invalid_request(
            "Invalid request: AbsolutePathBuf deserialized without a base path"
        )
    return str(value)


def _os_error(exc: OSError) -> RpcError:
    words = exc.strerror or str(exc)
    suffix = f" (os error {exc.errno})" if exc.errno is not None else ""
    return RpcError(errors.INTERNAL_ERROR, f"{words}{suffix}")


async def read_file(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    path = _path(p)
    if os.path.isdir(path):
        raise errors.invalid_request(f"path `{path}` is not a file")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise _os_error(exc) from None
    return {"dataBase64": base64.b64encode(data).decode()}


async def write_file(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    path = _path(p)
    try:
        data = base64.b64decode(string(p, "dataBase64"), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise errors.invalid_request(
            f"fs/writeFile requires valid base64 dataBase64: {exc}"
        ) from None
    try:
        with open(path, "wb") as f:
            f.write(data)
    except OSError as exc:
        raise _os_error(exc) from None
    return {}


async def create_directory(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    path = _path(p)
    try:
        if boolean(p, "recursive", default=True):
            os.makedirs(path, exist_ok=True)
        else:
            os.mkdir(path)
    except OSError as exc:
        raise _os_error(exc) from None
    return {}


async def get_metadata(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    path = _path(p)
    try:
        link = os.lstat(path)
        st = os.stat(path)
    except OSError as exc:
        raise _os_error(exc) from None
    import stat

    birth = getattr(st, "st_birthtime", None)  # Linux's stat(2) has none: 0, as the official
    return {
        "isDirectory": stat.S_ISDIR(st.st_mode),
        "isFile": stat.S_ISREG(st.st_mode),
        "isSymlink": stat.S_ISLNK(link.st_mode),
        "createdAtMs": int(birth * 1000) if birth else 0,
        "modifiedAtMs": st.st_mtime_ns // 1_000_000,
    }


async def read_directory(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    path = _path(p)
    entries = []
    try:
        with os.scandir(path) as it:  # directory order, as the official (not sorted)
            for entry in it:
                entries.append(
                    {
                        "fileName": entry.name,
                        "isDirectory": entry.is_dir(),
                        "isFile": entry.is_file(),
                    }
                )
    except OSError as exc:
        raise _os_error(exc) from None
    return {"entries": entries}


async def remove(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    path = _path(p)
    force = boolean(p, "force", default=True)
    try:
        if os.path.isdir(path) and not os.path.islink(path):
            if boolean(p, "recursive", default=True):
                shutil.rmtree(path)
            else:
                os.rmdir(path)
        else:
            os.unlink(path)
    except FileNotFoundError as exc:
        if not force:
            raise _os_error(exc) from None
    except OSError as exc:
        raise _os_error(exc) from None
    return {}


async def copy(server: AppServer, conn: Connection, p: dict[str, Any]) -> Any:
    source = _path(p, "sourcePath")
    destination = _path(p, "destinationPath")
    try:
        if os.path.isdir(source):
            if not boolean(p, "recursive"):
                raise errors.invalid_request(
                    f"fs/copy requires recursive: true to copy the directory `{source}`"
                )
            shutil.copytree(source, destination, symlinks=True)
        else:
            shutil.copy2(source, destination, follow_symlinks=False)
    except OSError as exc:
        raise _os_error(exc) from None
    return {}
