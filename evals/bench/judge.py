"""The LLM judge behind the SupportScorer seam, on the labelled claim set (dev and test halves).

Four configurations, each with a fresh verdict cache so its seconds per claim are its own:
the lexical scorer alone; the lexical scorer with the LLM's veto on its narrow passes
(``narrow``) and on everything it accepts (``all``); and the LLM alone (no lexical checks).
The verifier's pipeline checks (restated question, off-subject article, one article per
claim) apply in every configuration, as in the assistant.

.venv/bin/python -m evals.bench.judge [--split test] [--configs lexical,narrow,all,llm] [--show-errors]
    [--sweep 0.5,0.6,0.7,0.8]

``--sweep`` re-runs the judge configurations at other ``min_yes`` (the P(yes) a claim needs)
from the verdicts already asked (a verdict missing is asked live): precision and recall
only, for choosing ``min_yes`` on the dev half.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.bench.common import RESULTS, write
from evals.claims import ArticleCache, ClaimItem, ClaimReport, ClaimResult, check, load_claims, summarise
from rag.judge import LLMJudge, LLMJudgeScorer, LLMOnlyScorer
from rag.verify import LexicalEmbeddingScorer, SupportScorer

CONFIGS = ("lexical", "narrow", "all", "llm")
LABELS = {
    "lexical": "lexical alone",
    "narrow": "lexical + judge (narrow)",
    "all": "lexical + judge (all)",
    "llm": "LLM judge alone",
}
TRUE_FAMILIES = ("supported-verbatim", "supported-paraphrase", "supported-multi")
FALSE_FAMILIES = (
    "stitched", "entity-swap", "number-swap", "event-mismatch", "off-subject", "tautology", "negation",
    "unsupported-detail",
)  # fmt: skip


def make_scorer(
    config: str, lexical: LexicalEmbeddingScorer, generator: Any, margin: float, min_yes: float, examples: bool
) -> SupportScorer:
    if config == "lexical":
        return lexical
    if config in ("narrow", "all"):
        return LLMJudgeScorer(lexical, generator, config, margin, min_yes=min_yes, examples=examples)
    if config == "llm":
        return LLMOnlyScorer(generator, min_yes, examples)
    raise ValueError(f"unknown configuration {config!r}; choose from {', '.join(CONFIGS)}")


def judge_of(scorer: SupportScorer) -> LLMJudge | None:
    return getattr(scorer, "judge", None)


def run(items: Sequence[ClaimItem], cache: ArticleCache, scorer: SupportScorer) -> tuple[ClaimReport, list[dict]]:
    """evaluate() with one article cache for every configuration, and the LLM calls each claim made."""
    judge = judge_of(scorer)
    if judge is not None:
        judge.warm_up()  # the model loaded and the fixed prefix evaluated before the clock starts
    results, calls = [], []
    for item in items:
        before = judge.calls if judge else 0
        began = time.perf_counter()
        predicted, reason = check(item, cache, scorer)
        results.append(ClaimResult(item, predicted, reason, time.perf_counter() - began))
        calls.append({"id": item.id, "llm_calls": (judge.calls - before) if judge else 0})
    return summarise(results), calls


def run_cached(items: Sequence[ClaimItem], cache: ArticleCache, scorer: SupportScorer) -> tuple[ClaimReport, list]:
    """run() without warming up (the verdict cache is already filled)."""
    results = []
    for item in items:
        began = time.perf_counter()
        predicted, reason = check(item, cache, scorer)
        results.append(ClaimResult(item, predicted, reason, time.perf_counter() - began))
    return summarise(results), []


def _cell(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.2f}"


def table(rows: dict[str, dict], title: str) -> str:
    short = {f: f.removeprefix("supported-") for f in (*TRUE_FAMILIES, *FALSE_FAMILIES)}
    head = (
        ["configuration", "precision", "recall", "rejected (false)", "false accepted"]
        + [f"recall {short[f]}" for f in TRUE_FAMILIES]
        + [f"rej. {short[f]}" for f in FALSE_FAMILIES]
        + ["s/claim", "LLM calls/claim"]
    )
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for config, row in rows.items():
        o, fam = row["overall"], row["families"]
        cells = [LABELS[config], _cell(o["precision"]), _cell(o["recall"]), _cell(o["rejected"])]
        cells.append(str(int(o["accepted_false"])))
        cells += [_cell(fam[f]["recall"]) if f in fam else "-" for f in TRUE_FAMILIES]
        cells += [_cell(fam[f]["rejected"]) if f in fam else "-" for f in FALSE_FAMILIES]
        cells += [f"{o['seconds_per_claim']:.2f}", f"{row['llm_calls_per_claim']:.2f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def sweep_table(rows: dict[str, dict], title: str) -> str:
    head = ["configuration", "min_yes", "precision", "recall", "rejected (false)", "false accepted"]
    head += [f"rej. {f}" for f in FALSE_FAMILIES]
    lines = [f"### {title}", "", "| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for (config, min_yes), row in rows.items():
        o, fam = row["overall"], row["families"]
        cells = [LABELS[config], f"{min_yes:.2f}", _cell(o["precision"]), _cell(o["recall"]), _cell(o["rejected"])]
        cells += [str(int(o["accepted_false"]))] + [
            _cell(fam[f]["rejected"]) if f in fam else "-" for f in FALSE_FAMILIES
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def provenance() -> dict[str, str]:
    """The commit measured, and a hash of the verifier (the base scorer changes under the judge)."""
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True).stdout.strip()
    except OSError:
        commit = ""
    digest = {f: hashlib.sha256((root / f).read_bytes()).hexdigest()[:12] for f in ("rag/verify.py", "rag/judge.py")}
    return {"commit": commit, **digest}


def _finished(name: str, fresh: dict[str, Any]) -> dict[str, dict]:
    """The rows of an earlier run of the same code and settings, by half (configurations it finished)."""
    path = RESULTS / f"{name}.json"
    if not path.is_file():
        return {}
    old = json.loads(path.read_text())
    keys = ("settings", "model", "rag/verify.py", "rag/judge.py")
    if any(old.get(k) != fresh.get(k) for k in keys):
        return {}
    return {split: old[split] for split in ("dev", "test") if split in old}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", default="", help="dev, test, or both halves (default)")
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated: " + ",".join(CONFIGS))
    parser.add_argument("--margin", type=float, default=0.15, help="narrow mode: judge passes below threshold+margin")
    parser.add_argument("--min-yes", type=float, default=0.65, help="P(yes) a claim needs from the judge")
    parser.add_argument("--no-examples", action="store_true", help="leave the worked examples out of the prompt")
    parser.add_argument("--sweep", default="", help="comma-separated min_yes values to re-decide at (cached verdicts)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N claims of each half (quick looks)")
    parser.add_argument("--from-id", default="", help="only the claims from this id on (a later batch: c0237)")
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--out", default="judge", help="bench-results/<out>.json")
    parser.add_argument("--resume", action="store_true", help="keep the configurations an interrupted run finished")
    args = parser.parse_args(argv)

    from index.embedder import SentenceTransformerEmbedder
    from rag.llm import make_generator
    from rag.settings import Settings

    lexical = LexicalEmbeddingScorer(SentenceTransformerEmbedder(), 0.5)
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    generator = make_generator(Settings(llm="local")) if set(configs) - {"lexical"} else None
    out: dict[str, Any] = {
        "settings": {"margin": args.margin, "min_yes": args.min_yes, "examples": not args.no_examples},
        "model": getattr(generator, "name", None),
        **provenance(),
    }
    done = _finished(args.out, out) if args.resume else {}
    for split in [args.split] if args.split else ["dev", "test"]:
        items = load_claims(split=split, from_id=args.from_id)[: args.limit or None]
        cache = ArticleCache()
        cache.load(items)
        rows: dict[str, dict] = dict(done.get(split, {}))
        for config in configs:
            if config in rows:
                continue
            scorer = make_scorer(config, lexical, generator, args.margin, args.min_yes, not args.no_examples)
            report, calls = run(items, cache, scorer)
            judge = judge_of(scorer)
            rows[config] = {
                "overall": report.overall,
                "families": report.by_family,
                "llm_calls_per_claim": sum(c["llm_calls"] for c in calls) / max(1, len(calls)),
                "seconds_per_llm_call": round(judge.seconds / judge.calls, 3) if judge and judge.calls else None,
                "items": [
                    {
                        "id": r.item.id,
                        "family": r.item.family,
                        "gold": r.item.supported,
                        "predicted": r.predicted,
                        "reason": r.reason,
                        "seconds": round(r.seconds, 3),
                        "llm_calls": c["llm_calls"],
                    }
                    for r, c in zip(report.results, calls, strict=True)
                ],  # fmt: skip
                "p_yes": [
                    {"claim": k[0], "premises": list(k[1]), "question": k[2], "p_yes": v}
                    for k, v in judge.cache.items()
                ]
                if judge
                else [],
            }
            out[split] = rows
            write(args.out, out)  # partial results survive an interrupted run
            if args.show_errors:
                for r in report.results:
                    if r.predicted != r.item.supported:
                        print(f"  [{config}] {r.item.id} {r.item.family} gold={r.item.supported} -> {r.predicted}: "
                              f"{r.item.claim}  [{r.reason}]")  # fmt: skip
        print(table(rows, f"claim set, {split} half ({len(items)} claims)"), "\n", flush=True)
        out[split] = rows
        if args.sweep:
            known = {
                (p["claim"], tuple(p["premises"]), p["question"]): p["p_yes"]
                for row in rows.values()
                for p in row["p_yes"]
            }
            swept: dict[tuple[str, float], dict] = {}
            for min_yes in [float(v) for v in args.sweep.split(",")]:
                for config in [c for c in configs if c != "lexical"]:
                    scorer = make_scorer(config, lexical, generator, args.margin, min_yes, not args.no_examples)
                    judge = judge_of(scorer)
                    judge.warm_up()
                    judge.cache.update(known)
                    report, _ = run_cached(items, cache, scorer)
                    known.update(judge.cache)
                    swept[(config, min_yes)] = {"overall": report.overall, "families": report.by_family}
            title = f"{split} half: min_yes swept over cached verdicts (s/claim not measured)"
            print(sweep_table(swept, title), "\n", flush=True)
            out[f"{split}_sweep"] = [{"config": c, "min_yes": m, **row} for (c, m), row in swept.items()]
    write(args.out, out)
    return out


if __name__ == "__main__":
    main()
