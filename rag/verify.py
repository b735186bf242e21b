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
from rag.answer_kind import question_kind
from rag.text import (
    NOT_NAMES,
    content_words,
    find_markers,
    first_name,
    fold,
    money_as_counts,
    names,
    numbers_missing,
    stem,
    strip_markers,
    words,
)
from rag.types import AnswerSentence, Evidence

_LEADING_MARKERS = re.compile(r"^(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+")


@dataclass(frozen=True)
class Support:
    score: float  # 0..1
    supported: bool
    reason: str = ""


class SupportScorer(Protocol):
    """Decides whether ``premises`` (source sentences) support ``claim``."""

    def score(
        self, claim: str, premises: Sequence[str], question: str = "", context: str = "", preceding: Sequence[str] = ()
    ) -> Support:
        """``context`` is the passages around the premises, ``preceding`` the sentence
        before each premise in its article ("" when unknown); see LexicalEmbeddingScorer."""
        ...


class LexicalEmbeddingScorer:
    """Names and numbers must appear in the premises; the rest is word and meaning overlap.

    ``score = 0.6 * coverage + 0.4 * cosine``, where coverage is the share of the claim's
    content words (by stem) found in the premises, not counting words the question
    already gave, and cosine is the best embedding similarity to one premise.

    A name the question gave ("the Paris talks") may stand in the claim without being
    in the cited sentence, but only if the passages around it (``context``, and the
    sentences just before the cited ones, ``preceding``) name it:
    otherwise "Macron said ..." would pass for a sentence about someone else. Names
    match across accents and small spelling differences ("Sumy"/"Soumy").
    """

    def __init__(self, embedder: Embedder | None = None, threshold: float = 0.5) -> None:
        self.embedder = embedder
        self.threshold = threshold

    def _cosine(self, claim: str, premises: Sequence[str]) -> float:
        if self.embedder is None:
            return 0.0
        vectors = self.embedder.embed([claim, *premises])
        return max(sum(a * b for a, b in zip(vectors[0], v, strict=True)) for v in vectors[1:])

    def score(
        self, claim: str, premises: Sequence[str], question: str = "", context: str = "", preceding: Sequence[str] = ()
    ) -> Support:
        if not premises:
            return Support(0.0, False, "cites no source")
        source = " ".join(premises)
        source_words = set(words(source))
        asked = set(words(question))
        around = set(words(" ".join([context, *preceding]))) | source_words
        missing = sorted(
            n for n in names(claim)
            if not name_in(n, source_words) and not (n in asked and name_in(n, around))
        )  # fmt: skip
        missing += numbers_missing(claim, source, question, " ".join([context, *preceding, source]))
        claim_words = [w for w in content_words(claim) if w not in asked]
        source_stems = {stem(w) for w in source_words}
        coverage = sum(stem(w) in source_stems for w in claim_words) / len(claim_words) if claim_words else 1.0
        cosine = max(0.0, self._cosine(claim, premises)) if self.embedder else coverage
        value = round(0.6 * coverage + 0.4 * cosine, 4)
        if missing:
            return Support(min(value, self.threshold / 2), False, "not in the cited source: " + ", ".join(missing))
        counts = money_as_counts(claim, source)
        if counts:
            return Support(min(value, self.threshold / 2), False, "not money in the cited source: " + ", ".join(counts))
        other = misattributed(claim, premises, preceding)
        if other:
            return Support(min(value, self.threshold / 2), False, f"the cited source gives these words to {other}")
        if value < self.threshold:
            return Support(value, False, f"weak support ({value:.2f} < {self.threshold:.2f})")
        return Support(value, True)


_SPEECH = r"(?:said|says|claimed|claims|told|tells|stated|added|announced|warned|insisted|argued|explained|declared)"
_NAME = r"([A-Z][\w’'-]+)"
_AUX = r"(?:\s+(?:has|had|also|then|later))*"
# "Witkoff said", "Witkoff has also claimed", "said Witkoff", "according to Witkoff".
# Only verbs without an object come before their speaker ("said Witkoff", not "told Reuters").
_SPEECH_INVERTED = r"(?:said|says|added|explained|claimed)"
_NAMED_SPEAKER = re.compile(rf"\b{_NAME}{_AUX}\s+{_SPEECH}\b|\b{_SPEECH_INVERTED}\s+{_NAME}|\baccording to\s+{_NAME}")


def _speakers(text: str) -> list[str]:
    found = [fold(g) for m in _NAMED_SPEAKER.finditer(text) for g in m.groups() if g]
    return [name for name in found if name not in NOT_NAMES]


def misattributed(claim: str, premises: Sequence[str], preceding: Sequence[str] = ()) -> str | None:
    """Who the cited sources give a quote to, when the claim gives it to someone else.

    "Macron said the talks went well", citing "Witkoff said the talks went well". Only
    the cited sentence that carries the claim's words counts (another cited sentence
    merely naming Macron does not make him the speaker): if it names a speaker and not
    the claim's, the claim is misattributed. When its speaker is a pronoun ("he
    claimed"), the sentence before it in its article (``preceding``, aligned with
    ``premises``) stands in: its first name is taken for the speaker, unless that
    sentence names the claim's speaker too (then who "he" is stays open and the claim
    passes). Claims naming no speaker pass, and so do pronouns whose sentence before is
    not known.
    """
    speakers = _speakers(claim)
    if not speakers or not premises:
        return None
    claim_stems = {stem(w) for w in content_words(claim)}
    at = max(range(len(premises)), key=lambda i: len(claim_stems & {stem(w) for w in content_words(premises[i])}))
    carrier = premises[at]
    carrier_words = set(words(carrier))
    before = preceding[at] if at < len(preceding) and _PRONOUN_SPEAKER.search(carrier) else ""
    for speaker in speakers:
        if name_in(speaker, carrier_words):
            continue
        others = [s for s in _speakers(carrier) if not name_in(s, {speaker})]
        if others:
            return others[0].capitalize()
        antecedent = first_name(before)
        if antecedent and not name_in(speaker, set(words(before))):
            return antecedent
    return None


_PRONOUN_SPEAKER = re.compile(rf"\b(?:he|she){_AUX}\s+{_SPEECH}\b", re.IGNORECASE)


def _close(a: str, b: str) -> bool:
    """At most one edit apart (insert, delete or substitute)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            edits += 1
            if edits > 1:
                return False
            if len(a) == len(b):
                i += 1
            j += 1
        else:
            i += 1
            j += 1
    return edits + (len(b) - j) <= 1


def name_in(name: str, source_words: set[str]) -> bool:
    """A folded name is in the source, allowing transliteration and one-letter differences."""
    from index.keyword import variant_key

    if name in source_words:
        return True
    key = variant_key(name.capitalize())
    for word in source_words:
        if len(name) >= 4 and _close(name, word):
            return True
        if key and variant_key(word.capitalize()) == key:
            return True
    return False


_NUMBER_WORDS = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?|several|half)\b",
    re.IGNORECASE,
)
_TIME_WORDS = re.compile(
    r"\b(\d{4}|\d{1,2}|monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|"
    r"may|june|july|august|september|october|november|december|yesterday|today|tomorrow|week|month|year|"
    r"morning|evening|night|since|ago|later|earlier)\b",
    re.IGNORECASE,
)


def answers_the_kind_asked(question: str, answer: str) -> bool:
    """A "how many" answer holds a number, a "when" answer a time; other questions pass.

    A true, cited sentence that does not hold the kind of thing asked for is not an
    answer ("How many soldiers?" answered with a sentence about the force's purpose).
    """
    kind = question_kind(question)
    if kind in ("number", "amount"):
        return bool(_NUMBER_WORDS.search(answer))
    if kind == "date":
        return bool(_TIME_WORDS.search(answer))
    return True


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


def _score(
    scorer: SupportScorer, claim: str, evidence: Sequence[Evidence], cited: Sequence[int], question: str
) -> Support:
    """``claim`` against the sources numbered ``cited``, with their passages and the sentences before them."""
    chosen = [evidence[n - 1] for n in cited]
    context = " ".join(dict.fromkeys(ev.passage for ev in chosen))
    return scorer.score(claim, [ev.quote for ev in chosen], question, context, [ev.before for ev in chosen])


def _best_sources(
    claim: str, evidence: Sequence[Evidence], scorer: SupportScorer, question: str
) -> tuple[list[int], Support]:
    """The fewest sources (up to three) that together support ``claim``, by greedy cover."""
    singles = sorted(
        ((_score(scorer, claim, evidence, [n], question), n) for n in range(1, len(evidence) + 1)),
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
        support = _score(scorer, claim, evidence, chosen, question)
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
        support = _score(scorer, claim, evidence, valid, question)
        reason = support.reason
        if not support.supported:
            better, alt = _best_sources(claim, evidence, scorer, question)
            if alt.supported:
                valid, support = better, alt
                reason = "citation corrected" if cited else "citation added"
        if support.supported or keep_unsupported:
            out.append(AnswerSentence(claim, valid, support.supported, support.score, reason))
    return Verified(out, abstained=not any(s.supported for s in out))
