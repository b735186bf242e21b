"""Re-verify the drafts of an earlier archive run with the current code, without the model.

.venv/bin/python -m evals.bench.replay bench-results/archive_bbc_local.json [--size 0] [--show]
.venv/bin/python -m evals.bench.replay bench-results/rgb_local.json [--without rule,...]

An ``archive_eval`` run keeps each question's draft (``raw_answer``). Retrieval,
evidence selection and the greedy draft are deterministic over a cached index, so a
change to verification (or to anything after the draft) can be measured on the same
drafts in minutes instead of re-running the model: the draft is replayed for its
question, everything else runs as shipped. The run's own code replays to its recorded
figures exactly (checked before any figure of the README was taken this way); a change
to retrieval, evidence or the prompt makes the drafts stale, and then only a real run
counts. Prints the aggregate and every question whose outcome changed.

``--judge all`` (or ``narrow``) replays with the local model's veto on what the lexical
checks accept (``RAG_JUDGE``): the judge is asked about the recorded drafts' sentences,
so its end-to-end effect is measured without generating them again (the model is loaded
for the judge only). The harness scores with the lexical checks either way.

``--without rescue,years,...`` also replays with each named rule switched off, one at a
time (the ablation: what each rule buys or costs on the same drafts). Rules are switched
off for answering only; the harness scores every variant with the full verifier.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from unittest import mock

import rag.assistant
import rag.rescue
import rag.verify
from evals.bench.archive_eval import SHOWN, SUITES, archive_home
from evals.bench.common import write
from evals.bench.rgb_eval import rgb_home
from evals.gold import load_suite
from evals.runner import run_suite, score
from rag.assistant import Assistant
from rag.judge import LLMJudgeScorer
from rag.llm import make_generator
from rag.settings import Settings
from rag.types import Evidence


class Replay:
    """A generator that gives each question the draft recorded for it."""

    name = "replay"

    def __init__(self, drafts: dict[str, str]) -> None:
        self.drafts = drafts

    def generate(self, question: str, evidence: Sequence[Evidence]) -> Iterator[str]:
        yield self.drafts[question]


def _off(target: object, name: str, value: object) -> Callable[[], contextlib.AbstractContextManager]:
    return lambda: mock.patch.object(target, name, lambda *args, **kwargs: value)


@contextlib.contextmanager
def _relation_off() -> Iterator[None]:
    """Two modules import ``unspoken_relation``: both are switched."""
    with _off(rag.verify, "unspoken_relation", [])(), _off(rag.rescue, "unspoken_relation", [])():
        yield


# Each rule of verification, and how to switch it off.
RULES: dict[str, Callable[[], contextlib.AbstractContextManager]] = {
    "one-source": lambda: mock.patch.object(rag.verify, "_by_article", lambda evidence, numbers: [list(numbers)]),
    "subject": _off(rag.verify, "off_subject", []),
    "relation": _relation_off,
    "binding": _off(rag.verify, "unbound_numbers", []),
    "polarity": _off(rag.verify, "polarity_conflict", None),
    "left-open": _off(rag.verify, "left_open", None),
    "reversed-range": _off(rag.verify, "reversed_range", None),
    "another-subject": _off(rag.verify, "number_of_another", []),
    "paired": _off(rag.verify, "paired_with_another", []),
    "added-detail": _off(rag.verify, "added_detail", ""),
    "agent": _off(rag.verify, "swapped_subject", None),
    "speaker": _off(rag.verify, "misattributed", None),
    "last-word": _off(rag.verify, "named_by_its_last_word", False),
    "list-trim": _off(rag.verify, "_trim_list", None),
    "kind": _off(rag.assistant, "answers_the_kind_asked", True),
    "speaks-of": _off(rag.assistant, "speaks_of_the_question", True),
    "years": _off(rag.assistant, "states_the_years", True),
    "rescue": lambda: contextlib.nullcontext(),  # a setting: see variant()
}


def _memoised(assistant: Assistant) -> None:
    """Retrieval and evidence selection once per question, whatever the variant."""
    assistant.search = functools.lru_cache(maxsize=None)(assistant.search)  # type: ignore[method-assign]
    select = rag.assistant.select_evidence
    cache: dict[tuple, list[Evidence]] = {}

    def selected(question, passages, embedder, limit=8, relative_floor=0.6):
        key = (getattr(question, "text", question), tuple(p.chunk_id for p in passages), limit)
        if key not in cache:
            cache[key] = select(question, passages, embedder, limit, relative_floor)
        return cache[key]

    rag.assistant.select_evidence = selected


def _row(aggregate: dict, keys: list[str]) -> str:
    """The figures in columns; "-" for one the suite has no questions for (RGB has no unanswerables)."""
    return " ".join(f"{aggregate[k]:12.3f}" if aggregate.get(k) is not None else f"{'-':>12s}" for k in keys)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "records", type=Path, help="an archive_<suite>_<system>.json written by archive_eval, or rgb_local.json"
    )
    parser.add_argument("--suite", default="", help="bbc, reuters or rgb (default: from the file name)")
    parser.add_argument("--size", type=int, default=-1, help="as archive_eval's --size (default: bbc 0, reuters 4000)")
    parser.add_argument("--split", default="all", help="only the dev or the test half of the records")
    parser.add_argument("--show", action="store_true", help="also list the answerable questions still abstaining")
    parser.add_argument("--judge", default="off", choices=["off", "narrow", "all"], help="the LLM judge's veto")
    parser.add_argument("--without", default="", help=f"rules to switch off one at a time: {','.join(RULES)}")
    args = parser.parse_args(argv)
    data = json.loads(args.records.read_text())
    stem = args.records.stem.split("_")
    suite_name = args.suite or (stem[0] if stem[0] == "rgb" else stem[1])
    size = args.size if args.size >= 0 else {"reuters": 4000}.get(suite_name, 0)
    recorded = {r["item"]["question"]: r for r in data["records"]}
    if suite_name == "rgb":
        home, suite = rgb_home()
    else:
        suite = SUITES / f"{suite_name}.jsonl"
        home = archive_home(suite_name, size, {t for i in load_suite(suite) for t in i.titles})
    assistant = Assistant(
        Settings(home=home, llm="local"), generator=Replay({q: r["raw_answer"] for q, r in recorded.items()})
    )
    _memoised(assistant)
    harness = assistant.scorer  # the lexical checks score every variant
    if args.judge != "off":
        settings = assistant.settings
        assistant.scorer = LLMJudgeScorer(
            harness, lambda: make_generator(settings), mode=args.judge, min_yes=settings.judge_min_yes
        )
    items = [i for i in load_suite(suite, "" if args.split == "all" else args.split) if i.question in recorded]
    run = score(run_suite(assistant, items), harness)
    # The recorded aggregate is of every record; with a split only the replayed half is shown.
    before = data["aggregate"] if len(items) == len(recorded) else {}
    print(f"{suite_name}: {len(items)} questions; " + ("recorded -> replayed" if before else "replayed"))
    for key in SHOWN:
        if key != "latency_p50_s" and run.aggregate.get(key) is not None:
            was = f"{before[key]:.3f} -> " if before.get(key) is not None else ""
            print(f"  {key:22s} {was}{run.aggregate[key]:.3f}")
    for record in run.records:
        old = recorded[record.item.question]
        if old["metrics"].get("correct") != record.metrics.get("correct") or old["abstained"] != record.abstained:
            print(f"changed (correct {old['metrics'].get('correct')} -> {record.metrics.get('correct')}): "
                  f"{record.item.question}\n  now: {record.answer[:300]}"
                  + (f"\n  why: {record.why}" if record.abstained else ""))  # fmt: skip
        elif args.show and record.item.answerable and record.abstained:
            print(f"abstains: {record.item.question}\n  draft: {record.raw_answer[:200]}\n  why: {record.why}")
    result = {"replayed": run.aggregate}
    rules = [r for r in args.without.split(",") if r]
    if rules:
        keys = ["correct", "crag", "abstain_unanswerable", "false_abstain", "ungrounded_rate", "stitched_rate"]
        print("\nswitched off       " + " ".join(f"{k[:12]:>12s}" for k in keys))
        print(f"{'(none)':18s} " + _row(run.aggregate, keys))
    for rule in rules:
        variant = assistant
        if rule == "rescue":
            variant = assistant.variant(rescue=False)
            variant.search = assistant.search  # type: ignore[method-assign]
        with RULES[rule]():
            records = run_suite(variant, items)
        aggregate = score(records, harness).aggregate
        result[f"without {rule}"] = aggregate
        print(f"{rule:18s} " + _row(aggregate, keys))
    write(f"replay_{suite_name}" + ("" if args.judge == "off" else f"_judge_{args.judge}"), result)
    return result


if __name__ == "__main__":
    main()
