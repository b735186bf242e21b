"""Does the reranker's gain hold on questions its weights were not chosen on?

The shipped weights (``rag.rerank.DEFAULT_WEIGHTS``) were chosen on all 100 RGB
questions. Here the same kind of search (a grid of round weights, best @1 + @5) runs
on the even-numbered questions only and is scored on the odd ones, then the reverse;
plain fusion and the shipped weights are shown on the same halves.

    .venv/bin/python -m evals.bench.rerank_holdout
"""

from __future__ import annotations

import argparse
import itertools
import tempfile
from pathlib import Path

from evals.bench.common import write
from evals.bench.retrieval import first_hits, ingest_items, load_items, recall_row
from evals.rgb import DEFAULT_SOURCE
from rag.rerank import DEFAULT_WEIGHTS, Weights
from rag.retriever import HybridRetriever

# cosine, rank, kind, shared, agreement, year: 486 settings.
_STEPS = ([1.0, 2.0, 3.0], [1.0, 2.0], [0.0, 0.5, 1.0], [0.0, 0.5, 1.0], [0.0, 0.25, 0.5], [0.0, 0.25, 0.5])
GRID = [Weights(*w) for w in itertools.product(*_STEPS)]


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args(argv)
    items = load_items(args.source)
    halves = {"even": {i["id"] for i in items if i["id"] % 2 == 0}, "odd": {i["id"] for i in items if i["id"] % 2}}
    with tempfile.TemporaryDirectory() as tmp:
        assistant, _, _ = ingest_items(items, Path(tmp))

        cache: dict[tuple, list] = {}

        class SameFusion(HybridRetriever):
            """Fusion does not depend on the weights: each question's is computed once."""

            def fused(self, query, k, filters=None):
                key = (query, k, filters)
                if key not in cache:
                    cache[key] = super().fused(query, k, filters)
                return cache[key]

        def hits(**options) -> dict[int, int | None]:
            retriever = SameFusion(assistant.store, assistant.keyword, assistant.embedder, **options)
            return first_hits(retriever, items)

        def on(ranks: dict[int, int | None], half: str) -> dict[str, float]:
            return recall_row([r for i, r in ranks.items() if i in halves[half]])

        fusion, shipped = hits(reranking=False), hits(weights=DEFAULT_WEIGHTS)
        grid = [(w, hits(weights=w)) for w in GRID]
    result = {}
    for tuned, held_out in (("even", "odd"), ("odd", "even")):
        best, ranks = max(grid, key=lambda pair, half=tuned: sum(on(pair[1], half)[k] for k in ("@1", "@5")))
        result[f"tuned on {tuned}"] = {
            "weights": best.__dict__,
            "tuned half": on(ranks, tuned),
            "held-out half": on(ranks, held_out),
            "plain fusion, held-out half": on(fusion, held_out),
            "shipped weights, held-out half": on(shipped, held_out),
        }
        print(f"weights chosen on the {tuned} questions: {best}")
        for name, row in list(result[f"tuned on {tuned}"].items())[1:]:
            print(f"  {name:32s} @1 {row['@1']:.2f}  @5 {row['@5']:.2f}  @10 {row['@10']:.2f}  MRR {row['mrr@10']:.3f}")
    write("rerank_holdout", result)
    return result


if __name__ == "__main__":
    main()
