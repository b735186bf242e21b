"""Retrieval quality on RGB (vector, BM25, hybrid) and retrieval latency at 1k and 20k chunks.

Quality: every positive and negative passage of RGB en_fact is one article; the
rows are vector search alone, BM25 alone, both fused by reciprocal rank (``rrf``) and
the project's retriever (``hybrid``: the fusion reranked by ``rag.rerank``). For each
query, answer-recall@k is whether a top-k passage contains a gold answer (as RGB's
own ``checkanswer``: case-insensitive containment of the answer or one of its
spellings), and MRR@10 the reciprocal rank of the first such passage.

Latency: synthetic stores of 1,000 and 20,000 chunks (RGB sentences recombined, with
random unit vectors so that building them takes seconds, not the hour that embedding
20k chunks on 2 cores would); the hybrid retrieval (query embedding, Chroma, BM25,
fusion) is timed beside a bare Chroma query with a precomputed vector, in one run.

    .venv/bin/python -m evals.bench.retrieval [--skip-latency]
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from evals.bench.common import summary, write
from evals.rgb import DEFAULT_SOURCE, build, gold_answers
from index.embedder import SentenceTransformerEmbedder
from index.keyword import KeywordIndex
from index.sentences import split_sentences
from index.store import ChunkStore
from index.types import Chunk
from rag.assistant import Assistant
from rag.retriever import HybridRetriever, VectorRetriever
from rag.settings import Settings


class KeywordOnly:
    def __init__(self, store: ChunkStore, keyword: KeywordIndex) -> None:
        self.store, self.keyword = store, keyword

    def retrieve(self, query, k: int, filters=None):
        """``query``: a question, or one already read (``rag.answer_kind.Asked``)."""
        ids = [i for i, _ in self.keyword.search(getattr(query, "text", query), k)]
        return self.store.passages(ids, [0.0] * 384)


def load_items(source: Path, limit: int = 0) -> list[dict]:
    return [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()][: limit or None]


def ingest_items(items: list[dict], tmp: Path) -> tuple[Assistant, int, float]:
    """An assistant over the items' positive and negative passages: (assistant, articles, seconds)."""
    subset = tmp / "subset.jsonl"
    subset.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    corpus, _ = build(subset, tmp)
    assistant = Assistant(Settings(home=tmp / "home", llm="extractive"))
    began = time.perf_counter()
    report = assistant.ingest([corpus])
    return assistant, len(report.added), time.perf_counter() - began


def first_hits(retriever, items: list[dict]) -> dict[int, int | None]:
    """Per item id, the rank (1..10) of the first passage holding a gold answer, or None."""
    out = {}
    for item in items:
        answers = [a.lower() for a in gold_answers(item["answer"])]
        passages = retriever.retrieve(item["query"], 10)
        ranks = [i for i, p in enumerate(passages, 1) if any(a in p.text.lower() for a in answers)]
        out[item["id"]] = ranks[0] if ranks else None
    return out


def recall_row(ranks: list[int | None]) -> dict[str, float]:
    """answer-recall@1/@5/@10 and MRR@10 from first-hit ranks."""
    n = len(ranks)
    row = {f"@{k}": round(sum(r is not None and r <= k for r in ranks) / n, 3) for k in (1, 5, 10)}
    return row | {"mrr@10": round(sum(1 / r for r in ranks if r) / n, 3)}


def quality(source: Path, limit: int = 0) -> dict:
    """The table for the first ``limit`` items (all when 0), over those items' passages."""
    items = load_items(source, limit)
    with tempfile.TemporaryDirectory() as tmp:
        assistant, articles, ingest_s = ingest_items(items, Path(tmp))
        retrievers = {
            "vector": VectorRetriever(assistant.store, assistant.embedder),
            "bm25": KeywordOnly(assistant.store, assistant.keyword),
            "rrf": HybridRetriever(assistant.store, assistant.keyword, assistant.embedder, reranking=False),
            "hybrid": HybridRetriever(assistant.store, assistant.keyword, assistant.embedder),
        }
        table = {name: recall_row(list(first_hits(r, items).values())) for name, r in retrievers.items()}
    return {"questions": len(items), "articles": articles, "ingest_s": round(ingest_s, 1), "table": table}


def latency(source: Path, sizes=(1000, 20000), queries: int = 50) -> dict:
    rng = random.Random(0)
    items = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    sentences = []
    for item in items:
        for passage in item["positive"] + item["negative"]:
            sentences += [passage[s:e] for s, e in split_sentences(passage)]
    embedder = SentenceTransformerEmbedder()
    questions = [item["query"] for item in items][:queries]
    out = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            store = ChunkStore(Path(tmp) / "chroma")
            keyword = KeywordIndex(Path(tmp) / "keyword.sqlite3")
            for start in range(0, size, 1000):
                chunks, vectors = [], []
                for i in range(start, min(size, start + 1000)):
                    text = " ".join(rng.sample(sentences, 3))
                    meta = {
                        "article_id": f"a{i}",
                        "title": f"t{i}",
                        "start": 0,
                        "end": len(text),
                        "date_int": 20200101 + i % 28,
                    }
                    chunks.append(Chunk(f"c{i}", f"a{i}", text, 0, len(text), meta))
                    vec = [rng.gauss(0, 1) for _ in range(384)]
                    norm = sum(v * v for v in vec) ** 0.5
                    vectors.append([v / norm for v in vec])
                store.add(chunks, vectors)
                keyword.add(chunks)
            hybrid = HybridRetriever(store, keyword, embedder)
            hybrid.retrieve(questions[0], 10)  # warm: model loaded, files open
            query_vectors = embedder.embed(questions)
            # The whole retrieval, a bare Chroma query, and two of the retrieval's parts alone.
            timed: dict[str, list[float]] = {"hybrid": [], "bare_chroma": [], "embed_query": [], "bm25": []}
            parts = {
                "hybrid": lambda q, v, h=hybrid: h.retrieve(q, 10),
                "bare_chroma": lambda q, v, c=store.collection: c.query(query_embeddings=[v], n_results=10),
                "embed_query": lambda q, v: embedder.embed([q]),
                "bm25": lambda q, v, kw=keyword: kw.search(q, 30),
            }
            for q, v in zip(questions, query_vectors, strict=True):
                for name, call in parts.items():
                    began = time.perf_counter()
                    call(q, v)
                    timed[name].append(time.perf_counter() - began)
            stats = {name: summary(values) for name, values in timed.items()}
            out[str(size)] = {
                f"{name}_ms": {k: round(v * 1000, 1) if k != "n" else v for k, v in row.items()}
                for name, row in stats.items()
            } | {"ratio_p50": round(stats["hybrid"]["p50"] / stats["bare_chroma"]["p50"], 1)}
    return out


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args(argv)
    result = {"quality": quality(args.source)}
    q = result["quality"]
    print(f"RGB en_fact retrieval: {q['questions']} questions over {q['articles']} passages (ingest {q['ingest_s']}s)")
    print(f"{'retriever':10s} {'@1':>6s} {'@5':>6s} {'@10':>6s} {'MRR@10':>7s}")
    for name, row in q["table"].items():
        print(f"{name:10s} {row['@1']:6.3f} {row['@5']:6.3f} {row['@10']:6.3f} {row['mrr@10']:7.3f}")
    if not args.skip_latency:
        result["latency"] = latency(args.source)
        for size, row in result["latency"].items():
            print(f"{size:>6s} chunks: hybrid p50 {row['hybrid_ms']['p50']} ms p95 {row['hybrid_ms']['p95']} ms; "
                  f"bare Chroma p50 {row['bare_chroma_ms']['p50']} ms; ratio {row['ratio_p50']}x; "
                  f"parts: query embedding p50 {row['embed_query_ms']['p50']} ms, "
                  f"BM25 p50 {row['bm25_ms']['p50']} ms")  # fmt: skip
    write("retrieval", result)
    return result


if __name__ == "__main__":
    main()
