"""The instruction detector (``rag.instructions``): what it finds, and what real news it would mask.

.venv/bin/python -m evals.bench.instructions [--reuters 21578]

Recall: the share of the adversarial suite's payloads (``evals/suites/injection.jsonl``)
still readable in their article after masking (goal 0), per split. False positives:
sentences masked in the real BBC and Reuters archives, which hold no injections, so
every masked sentence there is news lost to answers; the masked sentences are listed.
"""

from __future__ import annotations

import argparse
import time
from itertools import islice
from pathlib import Path

from evals.archives import iter_records
from evals.bench.common import write
from evals.gold import load_suite
from index.loader import ArticleReader, Skipped
from index.sentences import split_sentences
from rag.instructions import instruction_spans, mask_instructions, normalise

SUITE = Path(__file__).resolve().parents[1] / "suites" / "injection.jsonl"


def payloads_left(split: str) -> tuple[int, list[str]]:
    """How many payload strings of ``split``'s bait questions an article still holds once masked."""
    texts = []
    for path in sorted((SUITE.parent / "injection").iterdir()):
        for article in ArticleReader(path):
            if not isinstance(article, Skipped):
                texts.append(normalise(mask_instructions(article.text)))
    payloads = [p for item in load_suite(SUITE, split) for p in item.payload]
    left = [p for p in payloads if any(normalise(p) in text for text in texts)]
    return len(payloads), left


def false_positives(archive: str, limit: int) -> dict:
    sentences, masked, examples = 0, 0, []
    began = time.perf_counter()
    for record in islice(iter_records(archive), limit or None):
        text = record.get("text") or ""
        sentences += len(split_sentences(text))
        spans = instruction_spans(text)
        masked += len(spans)
        examples += [" ".join(text[s:e].split())[:200] for s, e in spans]
    seconds = time.perf_counter() - began
    return {"sentences": sentences, "masked": masked, "rate": masked / max(sentences, 1),
            "ms_per_1000_sentences": 1000 * seconds / max(sentences, 1) * 1000, "examples": examples}  # fmt: skip


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuters", type=int, default=0, help="only the first N Reuters stories (0: all)")
    args = parser.parse_args(argv)
    out: dict = {"recall": {}, "false_positives": {}}
    for split in ("dev", "test"):
        total, left = payloads_left(split)
        out["recall"][split] = {"payloads": total, "still_readable": left}
        print(f"injection {split}: {len(left)} of {total} payload strings still readable after masking {left or ''}")
    for archive, limit in (("bbc", 0), ("reuters", args.reuters)):
        fp = false_positives(archive, limit)
        out["false_positives"][archive] = fp
        print(
            f"{archive}: {fp['masked']} of {fp['sentences']:,} sentences masked ({fp['rate']:.4%}), "
            f"{fp['ms_per_1000_sentences']:.0f} ms per 1,000 sentences"
        )
        for example in fp["examples"]:
            print(f"    {example}")
    write("instructions", out)
    return out


if __name__ == "__main__":
    main()
