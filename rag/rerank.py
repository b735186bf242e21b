"""Reranking fused candidates by whether one of their sentences holds what was asked.

Reciprocal rank fusion only knows ranks. News questions mostly ask for a name, a date
or an amount, and the passages that merely share the question's topic ("Wimbledon
women's singles titles by player") crowd out the one that answers it ("Barty won
Wimbledon in 2021"). Each candidate is scored by its cosine similarity, its fused rank
and its best sentence: one that holds an answer of the kind asked, the more so the more
of the question's words it shares. Last, the answers the candidates give are compared:
a passage whose answer other articles give too ("December 1, 2017" in three of them)
gains over one whose answer no other article repeats. Nothing here is learned or tuned
to a question; the weights are round numbers, chosen on the RGB benchmark as a whole
and checked on held-out halves of it (see the README).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from index.sentences import sentences_with_labels
from index.types import Passage
from lang.text import content_words, stem
from rag.answer_kind import YEAR, Asked, without_dateline
from rag.fusion import RRF_K


@dataclass(frozen=True)
class Weights:
    """How much each signal counts; the defaults are the shipped reranker."""

    cosine: float = 2.0  # the passage's cosine similarity to the question
    rank: float = 2.0  # the rank prior from the fusion
    kind: float = 0.5  # a sentence holds the kind of answer asked
    shared: float = 0.5  # ... and shares the question's words (times the share)
    agreement: float = 0.25  # other articles give the same answer (relative to the most given)
    year: float = 0.25  # the passage holds a year the question names ("in 2020")


DEFAULT_WEIGHTS = Weights()


# News says a game "launched", a show "premiered", a film "debuted" where the question
# asks when it was "released": one stem for the words of coming out.
_SAME_STEM = {"launc": "relea", "debut": "relea", "premi": "relea"}


def terms(text: str) -> set[str]:
    """Content-word stems and years: what a sentence shares with a question."""
    stems = {stem(w) for w in content_words(text)}
    return {_SAME_STEM.get(s, s) for s in stems} | set(YEAR.findall(text))


def _read(asked: Asked, question_terms: set[str], text: str, weights: Weights) -> tuple[float, set[str]]:
    """One passage's best sentence score and the answers it gives.

    The best sentence holds the kind of answer asked, weighted up by the share of the
    question's terms it holds; answers count only from sentences sharing a question term.
    A dateline is neither ("Nov 21, 2022 ... The game arrives on Steam next month").
    """
    text = without_dateline(text)
    best, answers = 0.0, set()
    for s, e in sentences_with_labels(text):
        sentence = text[s:e]
        sentence_terms = terms(sentence)
        common = question_terms & sentence_terms
        if common:
            answers |= asked.answers_in(sentence)
        held = asked.held_in(sentence)
        if held:
            shared = len(common) / len(question_terms) if question_terms else 0.0
            best = max(best, held * (weights.kind + weights.shared * shared))
    return best, answers


def _holds_year(passage: Passage, years: frozenset[str]) -> bool:
    """Whether the passage mentions, or is dated in, one of ``years``."""
    return bool(years) and bool(years & ({(passage.date or "")[:4]} | set(YEAR.findall(passage.text))))


def agreement(answers: Sequence[set[str]], articles: Sequence[str]) -> list[float]:
    """0..1 per candidate: the articles giving its most-given answer, over the most any answer has.

    Articles, not passages, are counted, so that one long article repeating a date
    does not outvote two that agree.
    """
    givers: dict[str, set[str]] = defaultdict(set)
    for found, article in zip(answers, articles, strict=True):
        for answer in found:
            givers[answer].add(article)
    top = max((len(g) for g in givers.values()), default=0)
    if not top:
        return [0.0] * len(answers)
    return [max((len(givers[a]) for a in found), default=0) / top for found in answers]


def rerank(question: str | Asked, candidates: Sequence[Passage], weights: Weights = DEFAULT_WEIGHTS) -> list[Passage]:
    """``candidates`` (best first, as fused) in reranked order; their scores are unchanged.

    ``question`` may come already read (:class:`Asked`, as the assistant passes it).
    """
    asked = question if isinstance(question, Asked) else Asked.of(question)
    if asked.kind is None:  # an open question ("What did X say?"): nothing to add to the fusion
        return list(candidates)
    question_terms = terms(asked.text)
    read = [_read(asked, question_terms, p.text, weights) for p in candidates]
    agreed = agreement([answers for _, answers in read], [p.article_id for p in candidates])
    scored = []
    for rank, (passage, (sentence, _), agrees) in enumerate(zip(candidates, read, agreed, strict=True), start=1):
        relevance = (
            weights.cosine * passage.score
            + weights.rank * RRF_K / (RRF_K + rank)  # the fusion's smoothing: ~1 at the top, 0.5 at rank 60
            + sentence
            + weights.agreement * agrees
            + weights.year * _holds_year(passage, asked.years)
        )
        scored.append((relevance, rank, passage))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [passage for _, _, passage in scored]
