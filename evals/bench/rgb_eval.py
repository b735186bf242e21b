"""The RGB suite through the eval harness, with the extractive and the local backend.

.venv/bin/python -m evals.bench.rgb_eval [--backends extractive,local] [--limit N]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from evals.bench.common import write
from evals.gold import load_suite
from evals.rgb import DEFAULT_SOURCE, build
from evals.runner import run_suite, score
from rag.assistant import Assistant
from rag.settings import Settings

SHOWN = ["hit@1", "hit@5", "hit@10", "mrr@10", "correct", "crag", "citation_recall", "citation_precision",
         "ungrounded_rate", "false_abstain", "latency_p50_s"]  # fmt: skip


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", default="extractive,local")
    parser.add_argument("--limit", type=int, default=0, help="Only the first N questions.")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args(argv)
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        corpus, suite = build(args.source, Path(tmp))
        items = load_suite(suite)[: args.limit or None]
        home = Path(tmp) / "home"
        began = time.perf_counter()
        Assistant(Settings(home=home, llm="extractive")).ingest([corpus])
        ingest_s = time.perf_counter() - began
        for backend in args.backends.split(","):
            assistant = Assistant(Settings(home=home, llm=backend))
            began = time.perf_counter()
            run = score(run_suite(assistant, items), assistant.scorer)
            results[backend] = {**run.aggregate, "seconds": round(time.perf_counter() - began, 1)}
    print(f"RGB en_fact: {len(items)} questions, corpus ingested in {ingest_s:.0f}s")
    print("backend     " + " ".join(f"{k:>10s}" for k in SHOWN))
    for backend, agg in results.items():
        print(
            f"{backend:11s} "
            + " ".join(f"{(agg.get(k) if agg.get(k) is not None else float('nan')):10.3f}" for k in SHOWN)
        )
    write("rgb_eval", {"questions": len(items), "ingest_s": round(ingest_s, 1), "results": results})
    return results


if __name__ == "__main__":
    main()
