"""Ingest throughput and memory on real dumps: BBC News and a Reuters-21578 slice, one JSONL each.

    .venv/bin/python -m evals.bench.ingest_dump [--dumps bbc=0,reuters=10000] [--memory bbc=500]

For each dump (the first N stories of the archive, 0 for all of it, written as one
JSONL file) a child process ingests it into an empty embedded store with the bundled
model, then encodes the very same chunk texts with a bare ``SentenceTransformer.encode``
in the same process: chunks/s for both, their ratio, where the ingest's time went
(embedding vs the rest: reading, chunking, near-duplicate checks, Chroma and keyword
writes) and the child's peak RSS. ``--memory`` ingests the first N and the first 4N
stories in two fresh processes: with batches committed inside the file, peak RSS
should not grow with the file.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evals.archives import archive_path
from evals.bench.common import write

ROOT = Path(__file__).resolve().parents[2]


def slice_dump(name: str, n: int, out: Path) -> Path:
    """The first ``n`` lines (stories) of the archive's dump, as one JSONL file (0: all)."""
    with archive_path(name).open("rb") as src, out.open("wb") as dst:
        for i, line in enumerate(src):
            if n and i >= n:
                break
            dst.write(line)
    return out


def per_archive(spec: str) -> dict[str, int]:
    """ "bbc=0,reuters=10000" -> {"bbc": 0, "reuters": 10000}; "" -> {}."""
    return {name.strip(): int(n) for name, n in (part.split("=", 1) for part in spec.split(",") if part.strip())}


def child(dump: str, home: str, encode: bool) -> dict:
    """Run in a fresh process: ingest ``dump``, then (optionally) bare-encode its chunk texts."""
    from evals.bench.common import peak_rss_mb
    from index.embedder import SentenceTransformerEmbedder
    from index.ingest import embedding_text
    from rag.assistant import Assistant
    from rag.settings import Settings

    class Timed(SentenceTransformerEmbedder):
        seconds = 0.0
        texts = 0

        def embed(self, texts: list[str]) -> list[list[float]]:
            began = time.perf_counter()
            Timed.texts += len(texts)
            try:
                return super().embed(texts)
            finally:
                Timed.seconds += time.perf_counter() - began

    settings = Settings(home=home, llm="extractive")
    embedder = Timed(batch_size=settings.embed_batch_size)
    embedder.embed(["warm up"])  # the model load is not ingest throughput
    Timed.seconds = 0.0
    assistant = Assistant(settings, embedder=embedder)
    rss_before = peak_rss_mb()
    began = time.perf_counter()
    report = assistant.ingest([dump])
    seconds = time.perf_counter() - began
    out = {
        "articles": len(report.added), "near_duplicates": len(report.duplicates), "skipped": len(report.skipped),
        "chunks": report.chunks_added, "ingest_s": round(seconds, 1),
        "ingest_chunks_per_s": round(report.chunks_added / seconds, 1),
        "embedding_share": round(Timed.seconds / seconds, 3),
        "peak_rss_mb_model_loaded": rss_before, "peak_rss_mb": peak_rss_mb(),
        "dump_mb": round(Path(dump).stat().st_size / 2**20, 1),
    }  # fmt: skip
    # Idempotence at scale: the same dump again changes nothing and embeds nothing.
    Timed.texts = 0
    began = time.perf_counter()
    again = Assistant(settings, embedder=embedder).ingest([dump])
    out["again"] = {
        "added": len(again.added), "replaced": len(again.replaced), "chunks_added": again.chunks_added,
        "chunks_removed": again.chunks_removed, "near_duplicates": len(again.duplicates),
        "texts_embedded": Timed.texts, "seconds": round(time.perf_counter() - began, 1),
    }  # fmt: skip
    if encode:
        texts = [embedding_text(c) for c in assistant.store.iter_chunks()]
        model = embedder._load()
        began = time.perf_counter()
        model.encode(texts, batch_size=settings.embed_batch_size, normalize_embeddings=True, convert_to_numpy=True)
        raw = time.perf_counter() - began
        out["raw_encode_chunks_per_s"] = round(len(texts) / raw, 1)
        out["ratio_to_raw_encode"] = round(out["ingest_chunks_per_s"] / out["raw_encode_chunks_per_s"], 3)
    return out


def run_child(dump: Path, tmp: Path, encode: bool) -> dict:
    home = tempfile.mkdtemp(dir=tmp)
    code = (
        "import json, sys; from evals.bench.ingest_dump import child; "
        "print(json.dumps(child(sys.argv[1], sys.argv[2], sys.argv[3] == '1')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(dump), home, "1" if encode else "0"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dumps", default="bbc=0,reuters=10000", help="stories per archive (0: all of it)")
    parser.add_argument("--memory", default="bbc=500", help="N: peak RSS ingesting N and 4N stories of the archive")
    args = parser.parse_args(argv)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for name, n in per_archive(args.dumps).items():
            dump = slice_dump(name, n, tmp / f"{name}-{n}.jsonl")
            results[f"{name}/{n or 'all'}"] = row = run_child(dump, tmp, encode=True)
            print(f"{name} ({n or 'all'} stories, {row['dump_mb']} MB): {row['chunks']} chunks, "
                  f"{row['ingest_chunks_per_s']} chunks/s; bare encode {row['raw_encode_chunks_per_s']} chunks/s; "
                  f"ratio {row['ratio_to_raw_encode']}; embedding {row['embedding_share']:.0%} of the time; "
                  f"peak RSS {row['peak_rss_mb']} MB")  # fmt: skip
            again = row["again"]
            print(f"  the same dump again: {again['added']} added, {again['replaced']} replaced, "
                  f"{again['chunks_added']} chunks added, {again['chunks_removed']} removed, "
                  f"{again['texts_embedded']} texts embedded, in {again['seconds']}s")  # fmt: skip
        for name, n in per_archive(args.memory).items():
            for times in (1, 4):
                dump = slice_dump(name, n * times, tmp / f"{name}-mem-{times}.jsonl")
                row = run_child(dump, tmp, encode=False)
                results[f"memory/{name}/{times}x"] = row
                print(f"memory {name} {times}x ({n * times} stories, {row['dump_mb']} MB): peak RSS "
                      f"{row['peak_rss_mb']} MB ({row['peak_rss_mb_model_loaded']} MB with the model)")  # fmt: skip
    write("ingest_dump", results)
    return results


if __name__ == "__main__":
    main()
