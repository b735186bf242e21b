"""spaCy NER (en_core_web_sm 3.8) against the capitalisation regex, on the labelled claim set.

.venv/bin/python -m evals.bench.entities [--skip-e2e]

(a) Extraction on the claims themselves: the name words, dates and amounts each
extractor finds, their disagreements over all claims, and precision/recall against
hand labels on a sample of 59 claims (every fourth: c0001, c0005, ...).
(b) End to end: the verifier's precision/recall on both halves with ``rag.verify.names``
(and, in one variant, the claim's numbers) swapped for spaCy's, in this process only.
Embeddings are cached across variants, so the timed runs measure the verifier and the
extractor, not the embedding model; the first (regex) run pays for the embeddings.
Writes bench-results/entities.json.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from unittest import mock

import rag.verify
from evals.bench.common import write
from evals.claims import ClaimItem, ClaimReport, evaluate, load_claims
from evals.spacy_entities import CALENDAR, SpacyEntities
from lang.text import TITLES, numbers, words
from lang.text import names as regex_names
from rag.answer_kind import FULL_DATE, YEAR

ROOT = Path(__file__).resolve().parents[2]

# ---------------------------------------------------------------------------------------
# HAND LABELS, written by reading each claim (not from either extractor's output).
# id: (name words, date words, amount numbers), space-separated, folded like lang.text.words.
# Names: words of the proper names of people, organisations, places, nationalities,
#   events, works and products. Not names: titles (Mr, Sheikh, Chairman, Acting Secretary
#   General, Finance Minister), sentence openers, months and days, generic terms (TV, MP3,
#   Chapter 11), one-letter words and bare digits ("Delta 88" -> delta). Aircraft models
#   are product names ("A310-300", "747-SRs", "767s"; the last was added on a consistency
#   check of these labels after the first run, the only label changed).
# Dates: day numbers, years, month and weekday names of calendar dates ("last year",
#   "quarterly", "this week" give none).
# Amounts: digits of sums, percentages, quantities, counts and durations ("26 weeks",
#   "90 days"), normalised like lang.text.numbers; numbers inside names ("G-77",
#   "Boeing 767s", "Chapter 11") and spelled numbers ("three") are neither.
# ---------------------------------------------------------------------------------------
HAND_LABELS: dict[str, tuple[str, str, str]] = {
    "c0001": ("us timewarner", "december", "76 1.13 639"),
    "c0005": ("robert sinche bank america new york", "2001", ""),
    "c0009": ("menatep group jamie firestone rosneft", "", ""),
    "c0013": ("pernod ricard glenmorangie scotland", "", ""),
    "c0017": ("heizo takenaka japan", "", ""),
    "c0021": ("chidambaram", "", ""),
    "c0025": ("world food programme ethiopia", "", ""),
    "c0029": ("ask jeeves", "", "204"),
    "c0033": ("bbc rachel harvey", "january march", ""),
    "c0037": ("takashi nishioka mitsubishi", "", ""),
    "c0041": ("subroto opec differentials committee vienna", "", ""),
    "c0045": ("renault", "december 1986", "40 56"),
    "c0049": ("gm oldsmobile delta", "1988", ""),
    "c0053": ("asian g-77 dhaka", "", "30"),
    "c0057": ("hutton sears roebuck", "", ""),
    "c0061": ("edward weihenmayer kidder peabody", "", ""),
    "c0065": ("meet fockers us", "", "42.8"),
    "c0069": ("mike leigh patrick stewart savoy", "", ""),
    "c0073": ("martin scorsese golden globes aviator", "", ""),
    "c0077": ("little britain office christmas special", "", ""),
    "c0081": ("cate blanchett katharine hepburn aviator", "", ""),
    "c0085": ("ali kuwait opec", "april may", ""),
    "c0089": ("opec fadhil al-chalabi iraq", "", ""),
    "c0093": ("pacific balao ecuador", "march may", ""),
    "c0097": ("ecuador opec", "september", ""),
    "c0101": ("twa edmin colodny piedmont aviation", "", ""),
    "c0105": ("dot twa usair", "", ""),
    "c0109": ("nazer saudi arabia", "", ""),
    "c0113": ("michelle collins north american court arbitration sport us", "2003", "200"),
    "c0117": ("glenn hoddle wolves", "", ""),
    "c0121": ("chelsea adrian mutu", "", ""),
    "c0125": ("yelena isinbayeva lievin", "", "4.88"),
    "c0129": ("labour manchester", "1998", ""),
    "c0133": ("patricia hewitt labour", "", "26"),
    "c0137": ("tory mcletchie", "", ""),
    "c0141": ("michael howard conservative welsh assembly", "", ""),
    "c0145": ("bill gates internet explorer rsa security san francisco", "", ""),
    "c0149": ("americans", "", "22 59"),
    "c0153": ("delta airlines ellen simonetti", "", ""),
    "c0157": ("martin owen london institute education", "", ""),
    "c0161": ("boeing amr north atlantic 767s", "", ""),
    "c0165": ("tap airbus a310-300", "1989", ""),
    "c0169": ("jal 747-srs", "", ""),
    "c0173": ("australia mauritius", "", ""),
    "c0177": ("bank canada alan greenspan fed paul volcker", "", ""),
    "c0181": ("brazil", "", "700000 100"),
    "c0185": ("jassim al-khorafi opec kuwait", "1987 88", "4.2 1.73"),
    "c0189": ("uaw gm", "", ""),
    "c0193": ("hutton bernard sosnick sears", "1987", ""),
    "c0197": ("borg-warner", "", ""),
    "c0201": ("state department charles redman us", "", ""),
    "c0205": ("nintendo ds europe uk", "11 march", "99"),
    "c0209": ("lleyton hewitt taylor dent australian hardcourt championships adelaide", "", ""),
    "c0213": ("bernie ebbers", "", ""),
    "c0217": ("gm fiat", "", "1.55 1 550 90"),
    "c0221": ("standard poor texaco pennzoil", "", "8.4 8.5"),
    "c0225": ("texaco inc west german deutsche", "", ""),
    "c0229": ("general partners gencorp", "", "1930500 130"),
    "c0233": ("general partners gencorp", "", ""),
}

_FULL_CALENDAR = set(CALENDAR.values())
# Words that make a title, not a name, in these claims (for sorting errors only).
_TITLE_WORDS = TITLES | {
    "mr", "mrs", "ms", "dr", "sheikh", "chairman", "acting", "minister", "finance", "economy", "president", "analyst",
}  # fmt: skip
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+\b")


# --- the regex side: the project's own patterns -----------------------------------------


def regex_dates(text: str) -> set[str]:
    """Dates as rag.answer_kind reads them (FULL_DATE, YEAR), plus capitalised month and day names."""
    found = set(YEAR.findall(text))
    for m in FULL_DATE.finditer(text):
        found |= numbers(m.group()) | {CALENDAR[w] for w in words(m.group()) if w in CALENDAR}
    found |= {w for w in (m.group().lower() for m in _CAPITALISED.finditer(text)) if w in _FULL_CALENDAR}
    return found


def regex_amounts(text: str) -> set[str]:
    """lang.text.numbers less the numbers the date patterns claim."""
    return numbers(text) - regex_dates(text)


# --- scoring -------------------------------------------------------------------------------


def _prf(found: dict[str, set[str]], gold: dict[str, set[str]]) -> dict[str, float]:
    tp = sum(len(found[k] & gold[k]) for k in gold)
    fp = sum(len(found[k] - gold[k]) for k in gold)
    fn = sum(len(gold[k] - found[k]) for k in gold)
    return {
        "tp": tp, "fp": fp, "fn": fn,
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "f1": round(2 * tp / (2 * tp + fp + fn), 3) if tp else 0.0,
    }  # fmt: skip


def _initial(text: str) -> set[str]:
    """The sentence's first word, and the one after an opening "Yes,"/"No,"."""
    ws = words(text)
    return set(ws[:2] if ws and ws[0] in ("yes", "no") else ws[:1])


def _kind_of_error(word: str, text: str) -> str:
    if word in _initial(text):
        return "sentence-initial"
    if word in _TITLE_WORDS:
        return "title"
    if word in CALENDAR:
        return "calendar"
    return "other"


def extraction(items: list[ClaimItem], ents: SpacyEntities) -> dict:
    """(a): disagreements over all claims, and precision/recall on the hand-labelled sample."""
    texts = [it.claim for it in items]
    found = dict(zip([it.id for it in items], ents.analyse_many(texts), strict=True))
    regex = {it.id: regex_names(it.claim) for it in items}
    spacy = {it.id: set(found[it.id].names) for it in items}
    by_id = {it.id: it for it in items}

    only_regex, only_spacy = Counter(), Counter()
    for it in items:
        for w in regex[it.id] - spacy[it.id]:
            only_regex[_kind_of_error(w, it.claim)] += 1
        for w in spacy[it.id] - regex[it.id]:
            only_spacy["not capitalised" if not re.search(rf"\b{re.escape(w)}", it.claim) else "other"] += 1
    overall = {
        "claims": len(items),
        "regex_words": sum(map(len, regex.values())),
        "spacy_words": sum(map(len, spacy.values())),
        "both": sum(len(regex[k] & spacy[k]) for k in regex),
        "regex_only": dict(only_regex),
        "spacy_only": dict(only_spacy),
        "claims_where_they_differ": sum(regex[k] != spacy[k] for k in regex),
    }

    sample = [k for k in HAND_LABELS if k in by_id]
    gold_names = {k: {w for w in HAND_LABELS[k][0].split() if len(w) > 1} for k in sample}
    gold_dates = {k: set(HAND_LABELS[k][1].split()) for k in sample}
    gold_amounts = {k: set(HAND_LABELS[k][2].split()) for k in sample}
    extractors: dict[str, dict[str, dict[str, set[str]]]] = {
        "regex": {
            "names": {k: regex[k] for k in sample},
            "dates": {k: regex_dates(by_id[k].claim) for k in sample},
            "amounts": {k: regex_amounts(by_id[k].claim) for k in sample},
        },
        "spacy": {
            "names": {k: spacy[k] for k in sample},
            "dates": {k: set(found[k].dates) for k in sample},
            "amounts": {k: set(found[k].amounts) for k in sample},
        },
    }
    gold = {"names": gold_names, "dates": gold_dates, "amounts": gold_amounts}
    scores = {
        name: {what: _prf(sets[what], gold[what]) for what in gold} for name, sets in extractors.items()
    }  # fmt: skip
    # Every number a claim states, dates and amounts together (the verifier checks them alike).
    for name, sets in extractors.items():
        both = {k: sets["dates"][k] | sets["amounts"][k] for k in sample}
        scores[name]["dates+amounts"] = _prf(both, {k: gold_dates[k] | gold_amounts[k] for k in sample})
    digits = {k: {n for n in gold_dates[k] | gold_amounts[k] if n[0].isdigit()} for k in sample}
    scores["regex"]["numbers() (all digits)"] = _prf({k: numbers(by_id[k].claim) for k in sample}, digits)
    errors: dict[str, dict] = {}
    for name, sets in extractors.items():
        wrong = Counter(
            _kind_of_error(w, by_id[k].claim) for k in sample for w in sets["names"][k] - gold_names[k]
        )  # fmt: skip
        errors[name] = {
            "not_names": dict(wrong),
            "false_names": sorted(f"{k}:{w}" for k in sample for w in sets["names"][k] - gold_names[k]),
            "missed_names": sorted(f"{k}:{w}" for k in sample for w in gold_names[k] - sets["names"][k]),
            "wrong_dates": sorted(f"{k}:{w}" for k in sample for w in sets["dates"][k] - gold_dates[k]),
            "missed_dates": sorted(f"{k}:{w}" for k in sample for w in gold_dates[k] - sets["dates"][k]),
            "wrong_amounts": sorted(f"{k}:{w}" for k in sample for w in sets["amounts"][k] - gold_amounts[k]),
            "missed_amounts": sorted(f"{k}:{w}" for k in sample for w in gold_amounts[k] - sets["amounts"][k]),
        }
    return {"all_claims": overall, "sample_size": len(sample), "sample": scores, "errors": errors}


# --- cost of the model, measured in a fresh process ------------------------------------------

_COST = r"""
import json, sys, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
texts = json.loads(sys.stdin.read())
if sys.argv[1:] == ["torch"]:  # as in the assistant, where the embedder has loaded torch already
    import torch
from lang.text import names
began = time.perf_counter()
for t in texts:
    names(t)
regex = (time.perf_counter() - began) / len(texts)
r0 = rss(); t0 = time.perf_counter()
import spacy
t1 = time.perf_counter(); r1 = rss()
from evals.spacy_entities import SpacyEntities
e = SpacyEntities(cache_size=0)
e.load()
t2 = time.perf_counter(); r2 = rss()
for t in texts:
    e.names(t)
t3 = time.perf_counter()
e.analyse_many(texts)
t4 = time.perf_counter(); r3 = rss()
print(json.dumps({
    "import_spacy_s": round(t1 - t0, 2), "load_model_s": round(t2 - t1, 2),
    "rss_before_mb": round(r0), "rss_spacy_imported_mb": round(r1), "rss_model_loaded_mb": round(r2),
    "rss_after_claims_mb": round(r3), "rss_added_mb": round(r3 - r0),
    "regex_names_ms_per_claim": round(regex * 1000, 3),
    "spacy_one_by_one_ms_per_claim": round((t3 - t2) * 1000 / len(texts), 2),
    "spacy_pipe_ms_per_claim": round((t4 - t3) * 1000 / len(texts), 2),
}))
"""


def model_cost(texts: list[str]) -> dict:
    """Load time, memory and speed in a fresh process: alone, and beside torch (as in the assistant)."""
    out = {}
    for case, args in [("alone", []), ("torch_loaded", ["torch"])]:
        done = subprocess.run(
            [sys.executable, "-c", _COST, *args], input=json.dumps(texts), capture_output=True, text=True, cwd=ROOT,
            check=True,
        )  # fmt: skip
        out[case] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


# --- (b) end to end ---------------------------------------------------------------------------


class CachingEmbedder:
    """The real embedder, each text embedded once across all the runs."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name = inner.name
        self._cache: dict[str, list[float]] = {}

    def embed(self, texts: list[str]) -> list[list[float]]:
        todo = [t for t in dict.fromkeys(texts) if t not in self._cache]
        if todo:
            self._cache.update(zip(todo, self.inner.embed(todo), strict=True))
        return [self._cache[t] for t in texts]


def variants(ents: SpacyEntities) -> dict[str, Callable[[], AbstractContextManager]]:
    original_missing = rag.verify.numbers_missing

    def spacy_numbers(text: str) -> set[str]:
        e = ents.analyse(text)
        return set(e.dates | e.amounts)

    def numbers_missing(claim: str, source: str, asked: str = "", around: str = "") -> list[str]:
        # Only the claim's numbers that spaCy reads as a date or an amount are checked.
        held = spacy_numbers(claim)
        return [n for n in original_missing(claim, source, asked, around) if n in held]

    def with_dates(text: str) -> set[str]:
        return ents.names(text) | {w for w in ents.dates(text) if w in _FULL_CALENDAR}

    def regex_first_word_vetoed(text: str) -> set[str]:
        # The regex, less a sentence-opening word that spaCy does not take for a name.
        return regex_names(text) - (_initial(text) - ents.names(text))

    return {
        "regex (today)": lambda: _patched(),
        'regex less "yes"': lambda: _patched(names=lambda t: regex_names(t) - {"yes"}),
        "regex, opener vetoed by spaCy": lambda: _patched(names=regex_first_word_vetoed),
        "spaCy names": lambda: _patched(names=ents.names),
        "regex ∪ spaCy names": lambda: _patched(names=lambda t: regex_names(t) | ents.names(t)),
        "spaCy names + month/day words": lambda: _patched(names=with_dates),
        "regex names, spaCy numbers": lambda: _patched(numbers_missing=numbers_missing),
    }


def _patched(**swaps) -> AbstractContextManager:
    """``rag.verify``'s functions swapped for these, in this process, while the context lasts."""
    return mock.patch.multiple(rag.verify, **swaps) if swaps else nullcontext()


def end_to_end(items_by_split: dict[str, list[ClaimItem]], ents: SpacyEntities) -> dict:
    from index.embedder import SentenceTransformerEmbedder
    from rag.settings import Settings
    from rag.verify import LexicalEmbeddingScorer

    embedder = CachingEmbedder(SentenceTransformerEmbedder())
    scorer = LexicalEmbeddingScorer(embedder, Settings().min_support)
    out: dict = {"cold": {}, "runs": {}}
    began = time.perf_counter()
    for split, items in items_by_split.items():  # fills the embedding cache; timed as the verifier runs today
        report = evaluate(items, scorer)
        out["cold"][split] = report.overall["seconds_per_claim"]
    out["cold"]["wall_s"] = round(time.perf_counter() - began, 1)
    reports: dict[str, dict[str, ClaimReport]] = {}
    for name, patch in variants(ents).items():
        ents.cache_clear()
        reports[name] = {}
        with patch():
            for split, items in items_by_split.items():
                reports[name][split] = evaluate(items, scorer)
    base = reports["regex (today)"]
    out["regex_rests_on_non_names"] = {split: _non_name_rejections(base[split], ents) for split in base}
    for name, by_split in reports.items():
        out["runs"][name] = {}
        for split, report in by_split.items():
            changed = [
                {"id": r.item.id, "family": r.item.family, "gold": r.item.supported, "now": r.predicted,
                 "reason": r.reason, "claim": r.item.claim}
                for r, b in zip(report.results, base[split].results, strict=True) if r.predicted != b.predicted
            ]  # fmt: skip
            out["runs"][name][split] = {"overall": report.overall, "families": report.by_family, "changed": changed}
    return out


_MISSING = re.compile(r"not in the cited source: ([^;]+)")


def _non_name_rejections(report: ClaimReport, ents: SpacyEntities) -> list[dict]:
    """Claims the regex run rejects only for words that are not names (by spaCy's reading):
    every word it found missing is neither a number nor one of spaCy's name words."""
    out = []
    for r in report.results:
        m = _MISSING.search(r.reason)
        if r.predicted or not m:
            continue
        missing = [w.strip() for w in m.group(1).split(",")]
        if not any(w[:1].isdigit() or w in ents.names(r.item.claim) for w in missing):
            out.append({"id": r.item.id, "family": r.item.family, "gold": r.item.supported, "missing": missing})
    return out


# --- tables --------------------------------------------------------------------------------


def _tables(result: dict) -> str:
    ex = result["extraction"]
    a = ex["all_claims"]
    lines = [
        f"## (a) Extraction on the claims ({a['claims']} claims)",
        "",
        'Not judged here: a regex-only word may be a real name spaCy missed ("Nakasone said ...", "Wolves").',
        "",
        "| | name words | found by both | only this one (where it stands) | claims where they differ |",
        "|---|---|---|---|---|",
        f"| regex | {a['regex_words']} | {a['both']} | {sum(a['regex_only'].values())} ({_kinds(a['regex_only'])}) "
        f"| {a['claims_where_they_differ']} |",
        f"| spaCy | {a['spacy_words']} | {a['both']} | {sum(a['spacy_only'].values())} ({_kinds(a['spacy_only'])}) | |",
        "",
        f"### Against hand labels ({ex['sample_size']} claims, every fourth)",
        "",
        "| what | extractor | precision | recall | F1 | right | wrong | missed |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for what in ["names", "dates", "amounts", "dates+amounts", "numbers() (all digits)"]:
        for name in ["regex", "spacy"]:
            s = ex["sample"][name].get(what)
            if s:
                lines.append(
                    f"| {what} | {name} | {s['precision']:.3f} | {s['recall']:.3f} | {s['f1']:.3f} | {s['tp']} "
                    f"| {s['fp']} | {s['fn']} |"
                )
    lines += ["", "Words taken for names that are not names, by kind:", ""]
    for name in ["regex", "spacy"]:
        lines.append(f"- {name}: {_kinds(ex['errors'][name]['not_names']) or 'none'}")
    if "end_to_end" in result:
        e2e = result["end_to_end"]
        for split in ["test", "dev"]:
            lines += [
                "",
                f"## (b) The verifier end to end, {split} half",
                "",
                "| names from | items | precision | recall | false claims rejected | false accepted "
                "| s/claim (warm) | verdicts changed |",
                "|---|---|---|---|---|---|---|---|",
            ]
            for name, runs in e2e["runs"].items():
                o = runs[split]["overall"]
                lines.append(
                    f"| {name} | {int(o['items'])} | {o['precision']:.3f} | {o['recall']:.3f} | {o['rejected']:.3f} "
                    f"| {int(o['accepted_false'])} | {o['seconds_per_claim']:.4f} | {len(runs[split]['changed'])} |"
                )
        lines += ["", f"Cold (embedding) s/claim with the regex: {e2e['cold']}", ""]
        for split, rs in e2e["regex_rests_on_non_names"].items():
            listed = "; ".join(f"{r['id']} {r['family']} (gold {r['gold']}): {', '.join(r['missing'])}" for r in rs)
            lines.append(f"- regex rejections resting only on non-names, {split}: {len(rs)}: {listed}")
    lines += [
        "",
        "## Cost (fresh process)",
        "",
        "| process | import spaCy | load NER | RSS added | regex names | spaCy, one call a claim | spaCy, nlp.pipe |",
        "|---|---|---|---|---|---|---|",
    ]
    for case, c in result["model_cost"].items():
        lines.append(
            f"| {case} | {c['import_spacy_s']} s | {c['load_model_s']} s | {c['rss_added_mb']} MB "
            f"| {c['regex_names_ms_per_claim']} ms | {c['spacy_one_by_one_ms_per_claim']} ms "
            f"| {c['spacy_pipe_ms_per_claim']} ms |"
        )
    return "\n".join(lines)


def _kinds(counter: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counter.items(), key=lambda kv: -kv[1]))


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("--skip-e2e", action="store_true", help="extraction only (no embedding model)")
    parser.add_argument("--show-changes", action="store_true", help="list the verdicts spaCy names change")
    args = parser.parse_args(argv)
    items = load_claims()
    ents = SpacyEntities()
    result: dict = {"model_cost": model_cost([it.claim for it in items])}
    result["extraction"] = extraction(items, ents)
    if not args.skip_e2e:
        splits = {split: [it for it in items if it.split == split] for split in ["dev", "test"]}
        result["end_to_end"] = end_to_end(splits, ents)
    print(_tables(result))
    if args.show_changes and "end_to_end" in result:
        for name, runs in result["end_to_end"]["runs"].items():
            for split in ["test", "dev"]:
                for c in runs[split]["changed"]:
                    print(f"  [{name} / {split}] {c['id']} {c['family']} gold={c['gold']} -> {c['now']}: "
                          f"{c['claim']}  [{c['reason']}]")  # fmt: skip
    write("entities", result)
    return result


if __name__ == "__main__":
    main()
