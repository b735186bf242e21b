"""The verifier on the labelled claim set: precision and recall per family, dev and test halves.

.venv/bin/python -m evals.bench.claims [--split test] [--show-errors]
"""

from __future__ import annotations

import argparse
import math

from evals.bench.common import write
from evals.claims import ClaimReport, evaluate, load_claims
from index.embedder import SentenceTransformerEmbedder
from rag.settings import Settings
from rag.verify import LexicalEmbeddingScorer


def table(report: ClaimReport, title: str) -> str:
    def cell(value: float) -> str:
        return "-" if math.isnan(value) else f"{value:.2f}"

    lines = [f"### {title}", "", "| family | items | accepted as supported | precision | recall | rejected |",
             "|---|---|---|---|---|---|"]  # fmt: skip
    for family, r in [*report.by_family.items(), ("**all**", report.overall)]:
        accepted = sum(x.predicted for x in report.results if family == "**all**" or x.item.family == family)
        lines.append(
            f"| {family} | {int(r['items'])} | {accepted} | {cell(r['precision'])} | {cell(r['recall'])} "
            f"| {cell(r['rejected'])} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="", help="dev, test, or both halves (default)")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--from-id", default="", help="only the items from this id on (a later batch: c0237)")
    args = parser.parse_args(argv)
    settings = Settings()
    scorer = LexicalEmbeddingScorer(SentenceTransformerEmbedder(), settings.min_support)
    out = {}
    for split in [args.split] if args.split else ["dev", "test"]:
        items = load_claims(split=split, from_id=args.from_id)
        report = evaluate(items, scorer)
        batch = f", items from {args.from_id} on" if args.from_id else ""
        print(table(report, f"claim set{batch}, {split} half, lexical scorer"), "\n")
        out[split] = {"overall": report.overall, "families": report.by_family}
        if args.show_errors:
            for r in report.results:
                if r.predicted != r.item.supported:
                    print(f"  {r.item.id} {r.item.family} gold={r.item.supported} -> {r.predicted}: {r.item.claim}"
                          f"  [{r.reason}]")  # fmt: skip
    write("claims", out)
    return out


if __name__ == "__main__":
    main()
