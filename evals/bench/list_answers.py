"""List answers on a real archive: one sentence naming everyone, each name after its own source.

.venv/bin/python -m evals.bench.list_answers [--split test] [--systems local,verbatim,baseline]

The questions of evals/suites/bbc_lists.jsonl (written from the BBC articles before any
run; 6 dev, 6 test) over the whole BBC dump, the index archive_eval builds. For each
answer: the share of the gold names it gives, whether it gives them all, its sentences
and words, and the share of the gold names it gives whose own citation quotes them (a
list item's markers, or else its sentence's). Systems, in one run over one index and
one GGUF: ours as shipped ("local"), ours with the worked example the prompt had
before, which answered a "who" question in whole source sentences ("verbatim"), and
llama-index's CitationQueryEngine ("baseline").
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
from collections.abc import Iterator, Sequence
from pathlib import Path

from evals.bench.archive_eval import archive_home, system
from evals.bench.common import write
from evals.gold import GoldItem, load_suite
from index.sentences import split_sentences
from lang.text import fold, words
from rag import prompts
from rag.types import Answer

SUITE = Path(__file__).resolve().parents[1] / "suites" / "bbc_lists.jsonl"
# The worked "who" answer before 2026-12-02: whole sentences, markers at their ends.
VERBATIM_EXAMPLE = (
    "Grégory Doucet, the mayor of Lyon, opened the festival with the culture minister Rachida Dati [1]. "
    "The singer Zaz and Thierry Frémaux, director of the Lumière Institute, also spoke at the opening [3]."
)


def _surname(name: str) -> str:
    return fold(name.split()[-1])


def list_metrics(answer: Answer, gold: Sequence[str]) -> dict[str, float]:
    """How much of the gold list an answer gives, how briefly, and whether each name's own citation holds it."""
    text = "" if answer.abstained else answer.answer
    said = set(words(text))
    named = [g for g in gold if _surname(g) in said]
    quotes = {c.n: set(words(c.quote)) for c in answer.citations}
    pieces = [(t, c) for s in answer.sentences if s.supported for t, c in s.segments() if c]
    held = 0
    for g in named:
        own = next((c for t, c in pieces if _surname(g) in set(words(t))), [])
        held += any(_surname(g) in quotes.get(n, set()) for n in own)
    return {
        "answered": float(not answer.abstained),
        "recall": len(named) / len(gold),
        "all_named": float(len(named) == len(gold)),
        "sentences": float(len(split_sentences(text))) if text else 0.0,
        "words": float(len(text.split())),
        "cited_apart": held / len(named) if named else 0.0,
    }


@contextlib.contextmanager
def worked_example(answer: str) -> Iterator[None]:
    """The prompt's worked "who" answer replaced while inside."""
    question, shipped = prompts._EXAMPLES[0]
    prompts._EXAMPLES[0] = (question, answer)
    try:
        yield
    finally:
        prompts._EXAMPLES[0] = (question, shipped)


def run(items: Sequence[GoldItem], systems: Sequence[str]) -> dict[str, dict]:
    home = archive_home("bbc", 0, set())
    loaded: dict = {}
    results: dict[str, dict] = {}
    for name in systems:
        answerer = system("local" if name == "verbatim" else name, home, loaded)
        rows = []
        example = worked_example(VERBATIM_EXAMPLE) if name == "verbatim" else contextlib.nullcontext()
        with example:
            for item in items:
                answer = answerer.ask(item.question)
                rows.append({"question": item.question, "answer": answer.answer, **list_metrics(answer, item.answers)})
        keys = [k for k in rows[0] if k not in ("question", "answer")]
        results[name] = {
            "aggregate": {k: round(statistics.mean(r[k] for r in rows), 3) for k in keys},
            "records": rows,
        }
        print(name, results[name]["aggregate"])
    return results


def main(argv: Sequence[str] | None = None) -> dict[str, dict]:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="test", help="dev, test, or all")
    parser.add_argument("--systems", default="local,verbatim,baseline")
    args = parser.parse_args(argv)
    items = load_suite(SUITE, "" if args.split == "all" else args.split)
    results = run(items, args.systems.split(","))
    write("list_answers", {"split": args.split, "results": results})
    return results


if __name__ == "__main__":
    main()
