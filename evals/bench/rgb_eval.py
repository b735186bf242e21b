"""The RGB suite through the eval harness, with the extractive and the local backend.

.venv/bin/python -m evals.bench.rgb_eval [--backends extractive,local] [--split dev|test|all] [--limit N]

The corpus is ingested once into a cache outside the repository (reused while RGB's file
and the code that cuts articles are unchanged). Each backend's records, drafts included,
go to ``bench-results/rgb_<backend>.json`` in the shape ``archive_eval`` writes, so
``python -m evals.bench.replay bench-results/rgb_local.json`` re-verifies them. Items with
an even id are the dev half, odd ids the test half (``evals/rgb.py``).
"""

from __future__ import annotations

import argparse
import hashlib
import time
from pathlib import Path

from evals.bench.archive_eval import CACHE, chunking_key, ingest_once
from evals.bench.common import write
from evals.gold import load_suite
from evals.rgb import DEFAULT_SOURCE, build
from evals.runner import run_suite, score
from rag.assistant import Assistant
from rag.settings import Settings

SHOWN = ["hit@1", "hit@5", "hit@10", "mrr@10", "correct", "crag", "citation_recall", "citation_precision",
         "ungrounded_rate", "false_abstain", "latency_p50_s"]  # fmt: skip


def rgb_home(source: Path = DEFAULT_SOURCE) -> tuple[Path, Path]:
    """(the index's home, the gold suite) for RGB, built and ingested once and cached."""
    key = f"rgb|{hashlib.sha256(source.read_bytes()).hexdigest()}|{chunking_key()}"
    base = CACHE / f"rgb-{hashlib.sha256(key.encode()).hexdigest()[:12]}"
    corpus, suite = build(source, base)  # cheap, and keeps the suite's splits current
    ingest_once("rgb", base / "home", base / "ingested", lambda: corpus)
    return base / "home", suite


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", default="extractive,local")
    parser.add_argument("--split", default="all", help="dev (even ids), test (odd ids), or all")
    parser.add_argument("--limit", type=int, default=0, help="Only the first N questions.")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args(argv)
    results = {}
    home, suite = rgb_home(args.source)
    items = load_suite(suite, "" if args.split == "all" else args.split)[: args.limit or None]
    for backend in args.backends.split(","):
        assistant = Assistant(Settings(home=home, llm=backend))
        began = time.perf_counter()
        run = score(run_suite(assistant, items), assistant.scorer)
        results[backend] = {**run.aggregate, "seconds": round(time.perf_counter() - began, 1)}
        write(f"rgb_{backend}", {"aggregate": run.aggregate, "records": [r.to_dict() for r in run.records]})
    print(f"RGB en_fact: {len(items)} questions (split: {args.split})")
    print("backend     " + " ".join(f"{k:>10s}" for k in SHOWN))
    for backend, agg in results.items():
        print(
            f"{backend:11s} "
            + " ".join(f"{(agg.get(k) if agg.get(k) is not None else float('nan')):10.3f}" for k in SHOWN)
        )
    write("rgb_eval", {"questions": len(items), "split": args.split, "results": results})
    return results


if __name__ == "__main__":
    main()
