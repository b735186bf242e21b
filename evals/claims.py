"""The verifier's own test set: (question, claim, cited sources) -> supported or not.

``evals/claims/claims.jsonl`` holds hand-labelled claims over the real archives, in
families (supported verbatim, paraphrased and multi-sentence; stitched across two
articles, entity or number swapped, event mismatch, off-subject, tautology, negation,
an unsupported detail). Each cited source is a document id and a quote; the article is
read from ``../shared/benchmarks`` and chunked as ingestion would, so the verifier sees
what it sees in the assistant: the quote, the passage around it, the sentence before
it, and the article it comes from.

This is the verifier's negative control: precision below its floor means the
verifier certifies claims that no single source states.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from evals.archives import records_by_id
from index.chunker import chunk_article
from index.loader import make_article
from index.sentences import split_sentences
from rag.answer_kind import Asked
from rag.types import Evidence
from rag.verify import SupportScorer, answers_the_kind_asked, speaks_of_the_question, verify_answer

CLAIMS = Path(__file__).resolve().parent / "claims" / "claims.jsonl"


@dataclass(frozen=True)
class ClaimItem:
    id: str
    family: str
    corpus: str
    question: str
    claim: str
    sources: list[dict[str, str]]
    supported: bool
    split: str


@dataclass
class ClaimResult:
    item: ClaimItem
    predicted: bool
    reason: str
    seconds: float


@dataclass
class ClaimReport:
    results: list[ClaimResult]
    by_family: dict[str, dict[str, float]] = field(default_factory=dict)
    overall: dict[str, float] = field(default_factory=dict)


def load_claims(path: Path = CLAIMS, split: str = "", from_id: str = "") -> list[ClaimItem]:
    """The claims of ``split`` (both halves when empty), from ``from_id`` on (a later batch: "c0237")."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            raw = json.loads(line)
            item = ClaimItem(
                raw["id"], raw["family"], raw["corpus"], raw["question"], raw["claim"], raw["sources"],
                bool(raw["supported"]), raw.get("split", ""),
            )  # fmt: skip
            if (not split or item.split == split) and item.id >= from_id:
                items.append(item)
    return items


class ArticleCache:
    """The archives' articles by document id, loaded and chunked once per archive."""

    def __init__(self) -> None:
        self._records: dict[str, dict] = {}

    def load(self, items: Sequence[ClaimItem]) -> None:
        wanted: dict[str, set[str]] = defaultdict(set)
        for item in items:
            wanted[item.corpus].update(s["doc"] for s in item.sources)
        for corpus, ids in wanted.items():
            self._records.update(records_by_id(corpus, ids - set(self._records)))

    def evidence(self, doc: str, quote: str) -> tuple[Evidence, str]:
        """The quote as the assistant would cite it, and the article's title and text."""
        record = self._records[doc]
        article = make_article(record, None)
        start = article.text.find(quote)
        if start < 0:
            raise ValueError(f"{doc}: quote not found in the article: {quote[:60]!r}")
        end = start + len(quote)
        chunk = next(
            (c for c in chunk_article(article) if c.start <= start < c.end), chunk_article(article)[0]
        )  # fmt: skip
        before = ""
        for s, e in split_sentences(article.text):
            if e <= start:
                before = article.text[s:e]
        ev = Evidence(
            article_id=doc, title=article.title, quote=quote, start=start, end=end, chunk_id=chunk.chunk_id,
            passage=chunk.text, passage_start=chunk.start, date=article.date, before=before,
        )  # fmt: skip
        return ev, f"{article.title}\n{article.text}"


def check(item: ClaimItem, cache: ArticleCache, scorer: SupportScorer) -> tuple[bool, str]:
    """What the verifier says of one item: is the claim, citing its sources, supported?"""
    pairs = [cache.evidence(s["doc"], s["quote"]) for s in item.sources]
    evidence = [ev for ev, _ in pairs]
    articles = {ev.article_id: text for ev, text in pairs}
    markers = "".join(f"[{n}]" for n in range(1, len(evidence) + 1))
    text = f"{item.claim.rstrip('.')} {markers}."
    verified = verify_answer(text, evidence, scorer, item.question, keep_unsupported=True, articles=articles)
    sentences = verified.sentences
    # As the assistant does: a supported sentence that holds no answer of the kind asked
    # ("When ...?" answered without a time), or restates the question, is no answer.
    asked = Asked.of(item.question)
    ok = (
        bool(sentences)
        and all(s.supported for s in sentences)
        and answers_the_kind_asked(asked, item.claim)
        and speaks_of_the_question(asked, [evidence[n - 1].scoring_text for s in sentences for n in s.citations])
    )
    return ok, "; ".join(s.reason for s in sentences if s.reason)


def evaluate(
    items: Sequence[ClaimItem], scorer: SupportScorer, progress: Callable[[int], None] | None = None
) -> ClaimReport:
    cache = ArticleCache()
    cache.load(items)
    results = []
    for i, item in enumerate(items):
        if progress:
            progress(i)
        began = time.perf_counter()
        predicted, reason = check(item, cache, scorer)
        results.append(ClaimResult(item, predicted, reason, time.perf_counter() - began))
    return summarise(results)


def _rates(results: Sequence[ClaimResult]) -> dict[str, float]:
    tp = sum(r.predicted and r.item.supported for r in results)
    fp = sum(r.predicted and not r.item.supported for r in results)
    fn = sum(not r.predicted and r.item.supported for r in results)
    tn = sum(not r.predicted and not r.item.supported for r in results)
    return {
        "items": float(len(results)),
        "precision": round(tp / (tp + fp), 4) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 4) if tp + fn else float("nan"),
        # For the families of false claims: the share the verifier rejects.
        "rejected": round(tn / (tn + fp), 4) if tn + fp else float("nan"),
        "accepted_false": float(fp),
        "seconds_per_claim": round(sum(r.seconds for r in results) / len(results), 4) if results else 0.0,
    }


def summarise(results: list[ClaimResult]) -> ClaimReport:
    families: dict[str, list[ClaimResult]] = defaultdict(list)
    for r in results:
        families[r.item.family].append(r)
    return ClaimReport(results, {f: _rates(rs) for f, rs in sorted(families.items())}, _rates(results))
