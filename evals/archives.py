"""The real archives in ``../shared/benchmarks/`` (BBC News, Reuters-21578), read at run time.

Both are for research and evaluation only: they are read from beside the repository,
never copied into it. An archive is one JSONL dump, as users bring them; a *reduced*
archive (the gold articles of a suite plus a fixed sample of the others) is written
to a temporary file for tests that cannot afford the whole dump.
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Iterable, Iterator
from pathlib import Path

BENCHMARKS = Path(
    os.environ.get("RAG_BENCHMARKS") or Path(__file__).resolve().parents[1].parent / "shared" / "benchmarks"
)
ARCHIVES = {
    "bbc": BENCHMARKS / "bbc-news" / "articles.jsonl",
    "reuters": BENCHMARKS / "reuters-21578" / "articles.jsonl",
}


def archive_path(name: str) -> Path:
    """The dump of the archive ``name`` ("bbc" or "reuters"); a clear error when it is not there."""
    if name not in ARCHIVES:
        raise ValueError(f"unknown archive {name!r}; choose from {', '.join(ARCHIVES)}")
    path = ARCHIVES[name]
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing: the benchmarks live in ../shared/benchmarks (RAG_BENCHMARKS)")
    return path


def iter_records(name: str) -> Iterator[dict]:
    with archive_path(name).open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def records_by_id(name: str, ids: Iterable[str]) -> dict[str, dict]:
    """The records whose ``id`` is in ``ids`` (one pass over the dump)."""
    wanted = set(ids)
    return {r["id"]: r for r in iter_records(name) if r["id"] in wanted}


def write_reduced(
    name: str, titles: Iterable[str], out: Path, size: int, seed: int = 0, ids: Iterable[str] = ()
) -> Path:
    """A dump of every article titled in ``titles`` (or with an id in ``ids``) plus a fixed random sample.

    ``size`` articles in all. The sample keeps the archive's mix, so the gold articles
    still sit among many others that mention the same people and companies; ``ids``
    names distractors a suite's author picked (the same subject on other dates).
    """
    gold, wanted = set(titles), set(ids)
    records = [r for r in iter_records(name) if (r.get("text") or "").strip()]
    chosen = [r for r in records if r.get("title") in gold or r["id"] in wanted]
    others = [r for r in records if r.get("title") not in gold and r["id"] not in wanted]
    chosen += random.Random(seed).sample(others, max(0, min(len(others), size - len(chosen))))
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as f:
        for record in sorted(chosen, key=lambda r: r["id"]):
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    return out
