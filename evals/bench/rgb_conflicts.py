"""RGB counterfactual robustness: is a conflict between sources reported, or one side stated as fact?

.venv/bin/python -m evals.bench.rgb_conflicts [--backends extractive,local] [--limit N]

For each of RGB en_fact's 100 questions, a corpus of its own (its own Assistant home):
its ``positive`` passages, their ``positive_wrong`` copies (the same text with
``fakeanswer`` in place of the answer) and its ``negative`` passages. Each answer is put
in one class: the conflict reported (``Answer.conflicts`` names it and the text holds the
true and the false answer), both stated without a conflict named, only the true answer,
only the false one, neither, or an abstention. The same answers without their conflict
sentence (the verified sentences alone: what this release added, measured in the same
run) are classed too. The plain setting (``positive`` and ``negative`` only, as in
``rgb_eval``) counts answers that claim a conflict where the sources agree.
rag/conflicts.py's thresholds were set on the dev half (ids 0-49); both halves are
reported, the test half (ids 50-99) being the figure that counts.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
import time
from collections import Counter
from pathlib import Path

from evals.bench.common import percentile, write
from evals.metrics import contains_alias
from evals.rgb import DEFAULT_SOURCE, gold_answers
from index.embedder import SentenceTransformerEmbedder
from rag.assistant import Assistant
from rag.llm import make_generator
from rag.settings import Settings
from rag.types import Answer

CLASSES = ["reported", "both_unflagged", "only_true", "only_false", "neither", "abstained"]
_DATE = re.compile(r"^([A-Z][a-z]+)\.? (\d{1,2}),? (\d{4})$")


def aliases(answer: str) -> list[str]:
    """A date's usual spellings ("July 1, 2007", "1 July 2007", "Jul. 1, 2007"); other answers as given."""
    m = _DATE.match(answer.strip())
    if not m:
        return [answer]
    month, day, year = m.groups()
    short = month[:3]
    return [answer, f"{month} {day} {year}", f"{day} {month} {year}", f"{short} {day}, {year}",
            f"{short}. {day}, {year}", f"{day} {short} {year}"]  # fmt: skip


def classify(answer: Answer, true: list[str], false: list[str], text: str | None = None) -> str:
    if answer.abstained:
        return "abstained"
    text = answer.answer if text is None else text
    has_true, has_false = contains_alias(text, true), contains_alias(text, false)
    if has_true and has_false:
        return "reported" if answer.conflicts and text == answer.answer else "both_unflagged"
    return "only_true" if has_true else "only_false" if has_false else "neither"


def _corpus(item: dict, folder: Path, wrong: bool) -> Path:
    folder.mkdir(parents=True)
    kinds = ("positive", "positive_wrong", "negative") if wrong else ("positive", "negative")
    for kind in kinds:
        for j, passage in enumerate(item[kind]):
            (folder / f"{kind}-{j}.txt").write_text(passage, encoding="utf-8")
    return folder


SETTINGS = ("counterfactual", "counterfactual_without_conflict_sentence", "plain")


def half(item: dict) -> str:
    return "dev" if item["id"] < 50 else "test"


def run(items: list[dict], backend: str, embedder, generator, tmp: Path) -> dict:
    counts = {(h, s): Counter() for h in ("dev", "test") for s in SETTINGS}
    seconds, examples = [], []
    for item in items:
        true = gold_answers(item["answer"])
        false = aliases(item["fakeanswer"])
        for setting in ("counterfactual", "plain"):
            home = tmp / backend / setting / str(item["id"])
            corpus = _corpus(item, home / "corpus", wrong=setting == "counterfactual")
            assistant = Assistant(Settings(home=home / "home", llm=backend), embedder=embedder, generator=generator)
            assistant.ingest([corpus])
            began = time.perf_counter()
            answer = assistant.ask(item["query"])
            seconds.append(time.perf_counter() - began)
            if setting == "plain":
                counts[half(item), "plain"]["conflict_claimed" if answer.conflicts else "no_conflict"] += 1
                counts[half(item), "plain"]["correct"] += not answer.abstained and contains_alias(answer.answer, true)
                continue
            counts[half(item), setting][classify(answer, true, false)] += 1
            verified = " ".join(s.text for s in answer.sentences)
            without = classify(answer, true, false, verified)
            counts[half(item), "counterfactual_without_conflict_sentence"][without] += 1
            if len(examples) < 8 and answer.conflicts:
                examples.append({"question": item["query"], "answer": answer.answer})
    sizes = Counter(half(item) for item in items)
    shares = {h: {s: {k: round(v / sizes[h], 3) for k, v in counts[h, s].items()} for s in SETTINGS} for h in sizes}
    return {**shares, "p50_s": round(percentile(seconds, 50), 2) if seconds else None, "examples": examples}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--backends", default="extractive,local")
    parser.add_argument("--limit", type=int, default=0, help="Only the first N questions.")
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    args = parser.parse_args(argv)
    items = [json.loads(line) for line in args.source.read_text(encoding="utf-8").splitlines()][: args.limit or None]
    embedder = SentenceTransformerEmbedder()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            generator = make_generator(Settings(llm=backend))
            began = time.perf_counter()
            results[backend] = run(items, backend, embedder, generator, Path(tmp))
            results[backend]["seconds"] = round(time.perf_counter() - began, 1)
    print(f"RGB en_fact counterfactual: {len(items)} questions, a corpus of its own each")
    print(f"{'backend':11s} {'half':5s} {'setting':42s} " + " ".join(f"{c:>14s}" for c in CLASSES))
    for backend, res in results.items():
        for h in ("dev", "test"):
            if h not in res:
                continue
            for setting in SETTINGS[:2]:
                row = " ".join(f"{res[h][setting].get(c, 0.0):14.2f}" for c in CLASSES)
                print(f"{backend:11s} {h:5s} {setting:42s} {row}")
            plain = res[h]["plain"]
            print(f"{backend:11s} {h:5s} {'plain: conflict claimed / correct':42s} "
                  f"{plain.get('conflict_claimed', 0.0):14.2f} {plain.get('correct', 0.0):14.2f}")  # fmt: skip
    write("rgb_conflicts", {"questions": len(items), "results": results})
    return results


if __name__ == "__main__":
    main()
