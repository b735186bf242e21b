"""Ingest throughput on a generated corpus, beside raw SentenceTransformer.encode.

Generates N articles (default 2,000) of news-like sentences, ingests them into an
empty embedded store with the bundled model, then encodes the very same chunk texts
with a bare ``SentenceTransformer.encode`` in the same process, and re-ingests the
unchanged corpus. Reports chunks/s for both, their ratio, the re-ingest time as a
share of the first run, and peak memory.

    .venv/bin/python -m evals.bench.ingest [--articles 2000]
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from evals.bench.common import peak_rss_mb, write
from index.chunker import chunk_article
from index.embedder import SentenceTransformerEmbedder
from index.ingest import embedding_text
from index.loader import load_file
from rag.assistant import Assistant
from rag.settings import Settings

PLACES = ["Lyon", "Porto", "Gdansk", "Tampere", "Bari", "Ghent", "Brno", "Cork", "Malmo", "Split"]
ROLES = ["mayor", "minister", "union leader", "police chief", "harbour master", "school board chair"]
TOPICS = ["budget", "rail strike", "flood defences", "port expansion", "school reform", "housing plan"]


def make_corpus(root: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    root.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        place, role, topic = rng.choice(PLACES), rng.choice(ROLES), rng.choice(TOPICS)
        sentences = [
            f"The {role} of {place} presented the {topic} on {rng.choice(['Monday', 'Tuesday', 'Friday'])}, "
            f"report {i}.",
            f"The plan would cost {rng.randint(2, 900)} million euros over {rng.randint(2, 12)} years, officials said.",
            f"Critics in {place} said item {rng.randint(1, 99)} of the {topic} left "
            f"{rng.randint(100, 9000)} residents out.",
            f"A vote is expected within {rng.randint(2, 30)} days, and {rng.randint(3, 60)} councillors "
            "have yet to decide.",
            f"Local business groups welcomed parts of the {topic} but asked for a review of its timetable.",
        ]
        day = f"2025-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        (root / f"a{i:05d}.txt").write_text(f"date {day} {place} {topic} update {i}\n\n" + " ".join(sentences))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=2000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        make_corpus(corpus, args.articles)
        settings = Settings(home=Path(tmp) / "home", llm="extractive")
        embedder = SentenceTransformerEmbedder(batch_size=settings.embed_batch_size)
        embedder.embed(["warm up"])  # model load is not ingest throughput
        assistant = Assistant(settings, embedder=embedder)

        began = time.perf_counter()
        first = assistant.ingest([corpus])
        first_s = time.perf_counter() - began
        chunks = assistant.store.count()
        rss_after_ingest = peak_rss_mb()

        texts = [
            embedding_text(c)
            for p in sorted(corpus.glob("*.txt"))
            for c in chunk_article(load_file(p), settings.chunk_chars, settings.chunk_overlap_sentences)
        ]
        model = embedder._load()
        began = time.perf_counter()
        model.encode(texts, batch_size=settings.embed_batch_size, normalize_embeddings=True, convert_to_numpy=True)
        raw_s = time.perf_counter() - began

        began = time.perf_counter()
        again = Assistant(settings, embedder=embedder).ingest([corpus])
        again_s = time.perf_counter() - began

    result = {
        "articles": args.articles,
        "chunks": chunks,
        "first_run_s": round(first_s, 1),
        "ingest_chunks_per_s": round(chunks / first_s, 1),
        "raw_encode_chunks_per_s": round(len(texts) / raw_s, 1),
        "ratio_to_raw_encode": round((chunks / first_s) / (len(texts) / raw_s), 3),
        "reingest_s": round(again_s, 2),
        "reingest_share_of_first": round(again_s / first_s, 4),
        "reingest_embedded_chunks": again.chunks_added,
        "peak_rss_mb_after_ingest": rss_after_ingest,
        "added": len(first.added),
        "duplicates": len(first.duplicates),
    }
    print(f"ingest of {args.articles} articles ({chunks} chunks): "
          f"{result['ingest_chunks_per_s']} chunks/s; raw encode {result['raw_encode_chunks_per_s']} chunks/s; "
          f"ratio {result['ratio_to_raw_encode']}")  # fmt: skip
    print(f"re-ingest unchanged: {result['reingest_s']}s = "
          f"{result['reingest_share_of_first']:.1%} of the first run "
          f"({result['reingest_embedded_chunks']} chunks embedded); peak RSS {rss_after_ingest} MB")  # fmt: skip
    write("ingest", result)
    return result


if __name__ == "__main__":
    main()
