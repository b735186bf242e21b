"""Evidence selection: the few sentences of the retrieved passages that bear on the question.

Small models answer better from a handful of focused sentences than from whole
articles (measured: 6 of 8 Paris attendees from five sentences, fewer from full
text), and shorter prompts are faster. Each selected sentence becomes one numbered
source, so a citation points at an exact quote rather than a whole passage.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.embedder import Embedder
from index.sentences import split_sentences
from index.types import Passage
from lang.text import MONTHS, WEEKDAYS, content_words, names, numbers, stem
from rag.answer_kind import Asked
from rag.instructions import looks_like_instruction
from rag.types import Evidence

_MIN_WORDS = 6  # shorter lines are headings and bylines, not statements
_DATE_WORDS = re.compile(rf"\b(\d{{4}}|{'|'.join(WEEKDAYS + MONTHS)}|yesterday|today|week|month|year)\b", re.IGNORECASE)


def _is_heading(text: str) -> bool:
    return len(text.split()) < _MIN_WORDS and not text.rstrip().endswith((".", "!", "?", "”", '"'))


def passage_sentences(passages: Sequence[Passage]) -> list[Evidence]:
    """Every sentence of the passages, once each (chunks overlap), in retrieval order.

    Headings and bylines are not sources themselves, but a heading is kept as the
    context of the sentences below it ("Kiev delegations in Paris" tells where the
    people named in the next paragraph went).
    """
    seen: set[tuple[str, int]] = set()
    out: list[Evidence] = []
    ends = _sentence_ends(passages)
    for p in passages:
        heading = None
        for s, e in split_sentences(p.text):
            quote = p.text[s:e]
            if _is_heading(quote):
                # A byline ("By Staff, Agencies") heads nothing.
                heading = None if quote.startswith("By ") else quote
                continue
            key = (p.article_id, p.start + s)
            if key in seen or len(quote.split()) < _MIN_WORDS or looks_like_instruction(quote):
                continue
            seen.add(key)
            out.append(
                Evidence(
                    article_id=p.article_id,
                    title=p.title,
                    quote=quote,
                    start=p.start + s,
                    end=p.start + e,
                    chunk_id=p.chunk_id,
                    passage=p.text,
                    passage_start=p.start,
                    score=p.score,
                    date=p.date,
                    source=p.source,
                    url=p.url,
                    heading=heading,
                    before=_sentence_before(ends, p.article_id, p.start + s),
                )
            )
    return out


def _sentence_ends(passages: Sequence[Passage]) -> dict[tuple[str, int], str]:
    """``(article_id, end offset) -> sentence`` for every non-heading sentence of the passages.

    The sentence before a quote may lie in another retrieved chunk of its article
    (chunks overlap by a sentence, so one of them often holds it).
    """
    ends: dict[tuple[str, int], str] = {}
    for p in passages:
        for s, e in split_sentences(p.text):
            if not _is_heading(p.text[s:e]):
                ends[(p.article_id, p.start + e)] = p.text[s:e]
    return ends


def _sentence_before(ends: dict[tuple[str, int], str], article_id: str, start: int) -> str:
    """The sentence ending just before ``start`` (across up to 4 characters of whitespace), or ""."""
    for gap in range(1, 5):
        if (article_id, start - gap) in ends:
            return ends[(article_id, start - gap)]
    return ""


def lexical_overlap(question: str, sentence: str) -> float:
    """Share of the question's content words (by stem) that the sentence contains."""
    wanted = {stem(w) for w in content_words(question)}
    if not wanted:
        return 0.0
    have = {stem(w) for w in content_words(sentence)}
    return len(wanted & have) / len(wanted)


def answer_type_match(question: str | Asked, sentence: str) -> float:
    """0..1: does the sentence hold the kind of thing the question asks for?

    "Who" wants names, "how many/much" numbers, "when" dates: a sentence listing four
    people is a better source for "Who attended?" than one about the talks' mood.
    """
    kind = (question if isinstance(question, Asked) else Asked.of(question)).kind
    if kind == "name":
        return min(1.0, len(names(sentence)) / 4)
    if kind in ("number", "amount"):
        return 1.0 if numbers(sentence) else 0.0
    if kind == "date":
        return 1.0 if _DATE_WORDS.search(sentence) else 0.0
    if kind == "place":
        return min(1.0, len(names(sentence)) / 2)
    return 0.0


def select_evidence(
    question: str | Asked, passages: Sequence[Passage], embedder: Embedder, limit: int = 8, relative_floor: float = 0.6
) -> list[Evidence]:
    """The ``limit`` sentences most relevant to ``question``, in article reading order.

    Relevance mixes the sentence's similarity to the question (with its heading), its
    word overlap with it, whether it holds the kind of answer asked for, and the
    retrieval score of its passage (context the sentence lacks). Sentences scoring
    under ``relative_floor`` times the best one are left out.
    """
    asked = question if isinstance(question, Asked) else Asked.of(question)
    question = asked.text
    candidates = passage_sentences(passages)
    if not candidates:
        return []
    vectors = embedder.embed([question] + [c.scoring_text for c in candidates])
    q = vectors[0]
    scored = []
    for cand, vec in zip(candidates, vectors[1:], strict=True):
        cosine = sum(a * b for a, b in zip(q, vec, strict=True))
        score = (
            0.6 * cosine
            + 0.2 * lexical_overlap(question, cand.scoring_text)
            + 0.1 * cand.score
            + 0.1 * answer_type_match(asked, cand.quote)
        )
        scored.append((score, cand))
    scored.sort(key=lambda pair: -pair[0])
    # Sentences far less relevant than the best one only distract a small model and
    # lengthen the prompt ("Who is Barrot?" has one good source, not eight).
    floor = scored[0][0] * relative_floor
    chosen = [
        Evidence(**{**cand.__dict__, "score": round(score, 4)}) for score, cand in scored[:limit] if score >= floor
    ]
    # Reading order within an article helps a model follow who "he" is; articles
    # come in the order of their best sentence.
    article_rank: dict[str, int] = {}
    for ev in chosen:
        article_rank.setdefault(ev.article_id, len(article_rank))
    return sorted(chosen, key=lambda ev: (article_rank[ev.article_id], ev.start))
