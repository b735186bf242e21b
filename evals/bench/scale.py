"""Query latency at archive scale: hybrid search with reranking over 1,000,000 chunks.

.venv/bin/python -m evals.bench.scale [--chunks 1000000,25000] [--queries 40]

The index is synthetic and built once, cached outside the repository under
``~/.cache/rag-news/bench/scale-<N>``: each chunk is ~700 characters of real sentences
drawn at random (seeded) from the BBC and Reuters dumps, four chunks to an article,
with a random unit vector in place of an embedding (embedding a million chunks takes
hours on 2 cores; search cost does not depend on what the vectors mean). The keyword
index and the Chroma collection are the ones the assistant opens. Measured per size:
the first search of a process (which reads every chunk id once), then p50/p95 of
``Assistant.search`` (embedding the question, vector and BM25 search, fusion,
reranking) over the BBC suite's questions, the keyword search alone on them, and
BM25 on the commonest query word (one that about a third of the chunks hold) alone
and in a question. Also the size on disk and peak RSS.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from evals.archives import iter_records
from evals.bench.common import peak_rss_mb, summary, write
from evals.gold import load_suite
from index.keyword import KeywordIndex
from index.sentences import split_sentences
from index.store import ChunkStore
from index.types import Chunk

CACHE = Path.home() / ".cache" / "rag-news" / "bench"
SUITE = Path(__file__).resolve().parents[1] / "suites" / "bbc.jsonl"
DIMS = 384
PER_ARTICLE = 4
BATCH = 5000


def _sentences() -> list[str]:
    pool = []
    for name in ("bbc", "reuters"):
        for record in iter_records(name):
            text = record.get("text") or ""
            pool += [" ".join(text[s:e].split()) for s, e in split_sentences(text)]
    return [s for s in pool if 30 <= len(s) <= 400]


def _batch(pool: list[str], first: int, end: int) -> list[Chunk]:
    """Chunks ``first``..``end`` (each batch from its own seed, so any batch can be made again)."""
    rng = random.Random(first)
    batch = []
    for i in range(first, end):
        parts, size = [], 0
        while size < 600:
            parts.append(rng.choice(pool))
            size += len(parts[-1]) + 1
        text = " ".join(parts)
        article = f"syn{i // PER_ARTICLE:07d}"
        start = (i % PER_ARTICLE) * 1000
        date = f"{1987 + rng.randrange(19)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        meta = {"article_id": article, "title": parts[0][:80], "start": start, "end": start + len(text),
                "date": date, "date_int": int(date.replace("-", "")), "ingest_seq": i}  # fmt: skip
        batch.append(Chunk(f"{article}-{i:08d}", article, text, start, start + len(text), meta))
    return batch


def build(home: Path, chunks: int, embedding_model: str | None) -> None:
    """Write ``chunks`` synthetic chunks into ``home`` (a RAG_HOME), unless a finished build is there.

    Every batch is drawn from its own seed, so a build stopped midway resumes where its
    keyword index stopped (the store's batch is upserted) and gives the same index.
    Without ``embedding_model``, only the keyword index is built.
    """
    done = home / "built"
    if done.exists():
        return
    home.mkdir(parents=True, exist_ok=True)
    pool = _sentences()
    store = ChunkStore(home / "chroma", embedding_model=embedding_model) if embedding_model else None
    keyword = KeywordIndex(home / "keyword.sqlite3")
    resume = keyword.count() // BATCH * BATCH
    began = time.perf_counter()
    for first in range(resume, chunks, BATCH):
        batch = _batch(pool, first, min(first + BATCH, chunks))
        if store is not None:
            matrix = np.random.default_rng(first).standard_normal((len(batch), DIMS)).astype(np.float32)
            matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
            store.collection.upsert(
                ids=[c.chunk_id for c in batch], embeddings=matrix, documents=[c.text for c in batch],
                metadatas=[c.metadata for c in batch],
            )  # fmt: skip
        keyword.add(batch)
        if (first // BATCH) % 20 == 0:
            print(f"  {first + len(batch):,} chunks, {time.perf_counter() - began:.0f}s this run", flush=True)
    done.write_text(json.dumps({"chunks": chunks, "seconds": round(time.perf_counter() - began)}))


def _disk_mb(*paths: Path) -> float:
    files = [f for p in paths for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()]
    return round(sum(f.stat().st_size for f in files) / 2**20, 1)


def _timed(fn, items) -> list[float]:
    out = []
    for item in items:
        began = time.perf_counter()
        fn(item)
        out.append(time.perf_counter() - began)
    return out


def commonest_word(keyword: KeywordIndex, questions: list[str]) -> tuple[str, float]:
    """The query word held by the largest share of chunks, and that share."""
    from lang.text import STOPWORDS, fold

    total = keyword.count()
    best = ("", 0.0)
    for word in {fold(w) for q in questions for w in q.split()}:
        word = word.strip("?,.'\"")
        if len(word) < 3 or word in STOPWORDS or not word.isalpha():
            continue
        share = keyword.document_count(word) / total
        best = max(best, (word, share), key=lambda b: b[1])
    return best


def measure(home: Path, queries: int) -> dict:
    from rag.assistant import Assistant
    from rag.settings import Settings

    questions = [item.question for item in load_suite(SUITE)][:queries]
    assistant = Assistant(Settings(home=home, llm="extractive"))
    began = time.perf_counter()
    assistant.search(questions[0])
    first = time.perf_counter() - began
    hybrid = _timed(assistant.search, questions)
    keyword = _timed(lambda q: assistant.keyword.search(q, 36), questions)
    word, share = commonest_word(assistant.keyword, questions)
    common_alone = _timed(lambda q: assistant.keyword.search(q, 36), [word] * 5)
    in_question = f"What did the {word} say about the budget?"
    common_hybrid = _timed(assistant.search, [in_question] * 5)
    return {
        "chunks": assistant.keyword.count(),
        "first_search_s": round(first, 2),
        "hybrid_s": summary(hybrid),
        "keyword_s": summary(keyword),
        "common_word": {
            "word": word,
            "share": round(share, 3),
            "bm25_s": summary(common_alone),
            "hybrid_s": summary(common_hybrid),
        },  # fmt: skip
        "disk_mb": {"chroma": _disk_mb(home / "chroma"), "keyword": _disk_mb(*home.glob("keyword.sqlite3*"))},
        "peak_rss_mb": peak_rss_mb(),
    }


def measure_keyword(home: Path, queries: int) -> dict:
    """BM25 alone, as shipped beside ranking every match (the previous release), in one run."""
    questions = [item.question for item in load_suite(SUITE)][:queries]
    shipped = KeywordIndex(home / "keyword.sqlite3")
    every = KeywordIndex(home / "keyword.sqlite3", rank_budget=10**12)
    word, share = commonest_word(shipped, questions)
    sets = {"questions": questions, f"'{word}' alone": [word] * 5,
            f"'{word}' in a question": [f"What did the {word} say about the budget?"] * 5}  # fmt: skip
    rows = {}
    for label, items in sets.items():
        rows[label] = {"shipped_s": summary(_timed(lambda q: shipped.search(q, 36), items)),
                       "every_match_s": summary(_timed(lambda q: every.search(q, 36), items))}  # fmt: skip
    return {"chunks": shipped.count(), "common_word": word, "share": round(share, 3), "bm25": rows,
            "disk_mb": _disk_mb(*home.glob("keyword.sqlite3*")), "peak_rss_mb": peak_rss_mb()}  # fmt: skip


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", default="1000000,25000", help="index sizes, comma-separated")
    parser.add_argument("--queries", type=int, default=40)
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--keyword-only", action="store_true", help="only the BM25 index (minutes, not hours)")
    args = parser.parse_args(argv)
    if args.keyword_only:
        results = {}
        for size in [int(s) for s in args.chunks.split(",")]:
            home = CACHE / f"scale-kw-{size}"
            build(home, size, None)
            results[size] = r = measure_keyword(home, args.queries)
            print(f"{r['chunks']:,} chunks, '{r['common_word']}' in {r['share']:.0%} of them; "
                  f"BM25 index {r['disk_mb']} MB, peak RSS {r['peak_rss_mb']} MB")  # fmt: skip
            for label, row in r["bm25"].items():
                print(
                    f"  {label:40s} p50 {row['shipped_s']['p50'] * 1000:7.1f} ms  p95 "
                    f"{row['shipped_s']['p95'] * 1000:7.1f} ms   ranking every match: p50 "
                    f"{row['every_match_s']['p50'] * 1000:7.1f} ms  p95 {row['every_match_s']['p95'] * 1000:7.1f} ms"
                )
        write("scale_keyword", {str(k): v for k, v in results.items()})
        return results
    from index.embedder import SentenceTransformerEmbedder

    model = SentenceTransformerEmbedder().name
    results = {}
    for size in [int(s) for s in args.chunks.split(",")]:
        home = CACHE / f"scale-{size}"
        build(home, size, model)
        if not args.build_only:
            results[size] = measure(home, args.queries)
            r = results[size]
            print(f"{size:>9,} chunks: first search {r['first_search_s']}s; hybrid p50 {r['hybrid_s']['p50']}s "
                  f"p95 {r['hybrid_s']['p95']}s; BM25 p50 {r['keyword_s']['p50']}s; '{r['common_word']['word']}' "
                  f"({r['common_word']['share']:.0%} of chunks) BM25 p50 {r['common_word']['bm25_s']['p50']}s; "
                  f"disk {r['disk_mb']}; peak RSS {r['peak_rss_mb']} MB")  # fmt: skip
    write("scale", {str(k): v for k, v in results.items()})
    return results


if __name__ == "__main__":
    main()
