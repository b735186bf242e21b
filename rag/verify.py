"""Per-sentence verification of an answer against the sources it cites.

The pipeline, not the model, makes answers trustworthy: every sentence must be
supported by the sources it cites. A sentence citing nothing (or the wrong source)
gets the citation that supports it when one does; a sentence nothing supports is
dropped, or kept and flagged when the settings ask for that.

Support is decided by a :class:`SupportScorer`, a one-method seam so that an NLI
model can replace the lexical + embedding scorer here without touching the rest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from index.embedder import Embedder
from index.sentences import split_sentences
from rag.text import content_words, find_markers, fold, names, numbers, stem, strip_markers, words
from rag.types import AnswerSentence, Evidence


_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+")


@dataclass(frozen=True)
class Support:
    score: float  # 0..1
    supported: bool
    reason: str = ""


class SupportScorer(Protocol):
    """Decides whether ``premises`` (source sentences) support ``claim``."""

    def score(self, claim: str, premises: Sequence[str], question: str = "") -> Support: ...


class LexicalEmbeddingScorer:
    """Names and numbers must appear in the premises; the rest is word and meaning overlap.

    ``score = 0.6 * coverage + 0.4 * cosine``, where coverage is the share of the claim's
    content words (by stem) found in the premises, not counting words the question
    already gave, and cosine is the best embedding similarity to one premise.
    """

    def __init__(self, embedder: Embedder | None = None, threshold: float = 0.5) -> None:
        self.embedder = embedder
        self.threshold = threshold

    def _cosine(self, claim: str, premises: Sequence[str]) -> float:
        if self.embedder is None:
            return 0.0
        vectors = self.embedder.embed([claim, *premises])
        return max(sum(a * b for a, b in zip(vectors[0], v, strict=True)) for v in vectors[1:])

    def score(self, claim: str, premises: Sequence[str], question: str = "") -> Support:
        if not premises:
            return Support(0.0, False, "cites no source")
        source = " ".join(premises)
        source_words = set(words(source))
        folded_source = fold(source)
        asked = set(words(question))
        missing = sorted(n for n in names(claim) if n not in source_words and n not in asked)
        missing += sorted(n for n in numbers(claim) if n not in folded_source.replace(",", ""))
        claim_words = [w for w in content_words(claim) if w not in asked]
        source_stems = {stem(w) for w in source_words}
        coverage = (
            sum(stem(w) in source_stems for w in claim_words) / len(claim_words) if claim_words else 1.0
        )
        cosine = max(0.0, self._cosine(claim, premises)) if self.embedder else coverage
        value = round(0.6 * coverage + 0.4 * cosine, 4)
        if missing:
            return Support(min(value, self.threshold / 2), False, "not in the cited source: " + ", ".join(missing))
        if value < self.threshold:
            return Support(value, False, f"weak support ({value:.2f} < {self.threshold:.2f})")
        return Support(value, True)


@dataclass(frozen=True)
class Verified:
    """The answer after verification, with sources numbered as in the prompt."""

    sentences: list[AnswerSentence]
    abstained: bool


def split_answer(text: str) -> list[tuple[str, list[int]]]:
    """Answer sentences without their markers, each with the markers it carried.

    Markers that follow a sentence's full stop ("... Paris. [2] Next ...") belong to
    the sentence before them, not to the one they precede.
    """
    out: list[tuple[str, list[int]]] = []
    for s, e in split_sentences(text):
        piece = text[s:e]
        lead = _LEADING_MARKERS.match(piece)
        if lead and out:
            out[-1][1].extend(m for m in find_markers(lead.group()) if m not in out[-1][1])
            piece = piece[lead.end() :]
        bare = strip_markers(piece)
        if bare and any(ch.isalnum() for ch in bare):
            out.append((bare, find_markers(piece)))
    return out


def _best_sources(
    claim: str, evidence: Sequence[Evidence], scorer: SupportScorer, question: str
) -> tuple[list[int], Support]:
    """The fewest sources (up to three) that together support ``claim``, by greedy cover."""
    singles = sorted(
        ((scorer.score(claim, [ev.quote], question), i + 1) for i, ev in enumerate(evidence)),
        key=lambda pair: -pair[0].score,
    )
    if not singles:
        return [], Support(0.0, False, "no evidence")
    best, n = singles[0]
    if best.supported:
        return [n], best
    chosen = [n]
    for _, m in singles[1:3]:
        chosen.append(m)
        support = scorer.score(claim, [evidence[k - 1].quote for k in chosen], question)
        if support.supported:
            return sorted(chosen), support
    return [n], best


def verify_answer(
    text: str, evidence: Sequence[Evidence], scorer: SupportScorer, question: str = "", keep_unsupported: bool = False
) -> Verified:
    """Check every sentence of ``text`` against the sources it cites (numbered from 1)."""
    out: list[AnswerSentence] = []
    for claim, cited in split_answer(text):
        valid = [n for n in cited if 1 <= n <= len(evidence)]
        support = scorer.score(claim, [evidence[n - 1].quote for n in valid], question)
        reason = support.reason
        if not support.supported:
            better, alt = _best_sources(claim, evidence, scorer, question)
            if alt.supported:
                valid, support = better, alt
                reason = "citation corrected" if cited else "citation added"
        if support.supported or keep_unsupported:
            out.append(AnswerSentence(claim, valid, support.supported, support.score, reason))
    return Verified(out, abstained=not any(s.supported for s in out))
