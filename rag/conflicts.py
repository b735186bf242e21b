"""Sources that give different answers: shown as a conflict, not hidden behind one of them.

News contradicts itself: an early report and its correction, two wires with different
figures, a copy with another place in it. When the verified answer takes a value of the
kind asked (a date, an amount, a name, a place) from a source, and a source from another
article says the same thing in the same words with another value in its place, the
answer says that reports differ and cites each side. The test is deliberately narrow:
two sentences are rivals only when, with their values blanked, most of their words are
the same (a sentence that merely names someone else in the same story is no conflict).
Which side has more articles, and which was published last, are said when they differ;
neither hides the other.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from lang.text import number_spans, word_spans
from rag.answer_kind import FULL_DATE, YEAR, Asked, month_day
from rag.rerank import terms
from rag.types import Conflict, Evidence, Side

# Two sentences say the same thing when this share of the smaller one's frame (terms
# beyond the question's, values blanked) is in the other, and they share at least
# MIN_SHARED terms. Round numbers, set on the dev half of RGB's counterfactual split
# (ids 0-49: at 0.6, 7 of 10 plain answers claimed a conflict); the test half is reported.
PARALLEL = 0.8
MIN_SHARED = 2
_UNIT = re.compile(r"\s?(?:%|percent|per cent|billion|million|trillion|bn|m\b|dollars?|euros?|pounds?|yen)", re.I)
_JOIN = re.compile(r"[\s,]*")
# When a report was made ("the council said on Sunday") is not what it reports.
_WEEKDAYS = frozenset(terms("Monday Tuesday Wednesday Thursday Friday Saturday Sunday"))


@dataclass
class _Reading:
    n: int
    evidence: Evidence
    values: set[str]
    frame: set[str] = field(default_factory=set)


def value_spans(asked: Asked, sentence: str, values: set[str]) -> list[tuple[int, int]]:
    """Where ``sentence`` states ``values`` (as :meth:`Asked.answers_in` gives them), joined into phrases."""
    spans: list[tuple[int, int]] = []
    if asked.kind == "date":
        spans += [(m.start(), m.end()) for m in FULL_DATE.finditer(sentence) if month_day(m.group()) in values]
        spans += [(m.start(), m.end()) for m in YEAR.finditer(sentence) if m.group() in values]
    elif asked.kind in ("name", "place"):
        for s, e, word in word_spans(sentence):
            if word in values and sentence[s].isupper():
                spans.append((s, e - 2 if sentence[e - 2 : e] in ("'s", "’s") else e))  # "Apple's" -> "Apple"
    elif asked.kind in ("amount", "number"):
        for s, e, value in number_spans(sentence):
            if value in values:
                if s and sentence[s - 1] in "$€£¥":
                    s -= 1
                unit = _UNIT.match(sentence, e)
                spans.append((s, unit.end() if unit else e))
    joined: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if joined and (s <= joined[-1][1] or _JOIN.fullmatch(sentence[joined[-1][1] : s])):
            joined[-1] = (joined[-1][0], max(e, joined[-1][1]))
        else:
            joined.append((s, e))
    return joined


def _frame(asked: Asked, sentence: str, values: set[str]) -> set[str]:
    """What a sentence says beyond the question about its values: its terms, values and question blanked.

    The question's own words are left out: every source retrieved for it holds them,
    so they cannot tell one report of a fact from a sentence about something else. So
    are the days of the week, which say when a report was made.
    """
    chars = list(sentence)
    for s, e in value_spans(asked, sentence, values):
        chars[s:e] = " " * (e - s)
    return terms("".join(chars)) - terms(asked.text) - _WEEKDAYS


def _parallel(a: set[str], b: set[str]) -> bool:
    shared = len(a & b)
    return shared >= MIN_SHARED and shared / max(1, min(len(a), len(b))) >= PARALLEL


def _says(asked: Asked, sentence: str, values: set[str]) -> str:
    return " ".join(sentence[s:e].strip(" ,") for s, e in value_spans(asked, sentence, values))


def find_conflicts(asked: Asked, answer_text: str, cited: set[int], evidence: Sequence[Evidence]) -> list[Conflict]:
    """Sources that state what the answer's source states with another value (numbered as ``evidence``).

    ``answer_text`` is the verified sentence that answers and ``cited`` the sources it cites.
    The first cited source holding a value the answer states is the answer's side, with
    every source giving all of that; a source from another article saying the same thing
    with another value in its place is a rival, cited by the answer or not.
    """
    claimed = asked.answers_in(answer_text)
    if asked.kind is None or not claimed:
        return []
    readings = []
    for n, ev in enumerate(evidence, start=1):
        values = asked.answers_in(ev.quote)
        if values:
            readings.append(_Reading(n, ev, values, _frame(asked, ev.quote, values)))
    anchors = [r for r in readings if r.n in cited and r.values & claimed]
    if not anchors:
        return []
    # The answer's side: its source first, then every source giving all it gives of the answer.
    first = anchors[0]
    ours = [first] + [r for r in readings if r is not first and first.values & claimed <= r.values]
    rivals: dict[str, tuple[str, list[_Reading]]] = {}  # by the value they give, folded
    for other in readings:
        if other in ours:
            continue
        for anchor in ours:
            if other.evidence.article_id == anchor.evidence.article_id or not _parallel(anchor.frame, other.frame):
                continue
            missing = (anchor.values & claimed) - other.values
            instead = other.values - anchor.values
            # A rival puts another value where the answer's is (as many words, or about):
            # a sentence adding a list of other names says more, not something else.
            swapped = missing and instead and len(instead) <= 2 * len(missing)
            says = _says(asked, other.evidence.quote, instead) if swapped else ""
            if says:
                rivals.setdefault(says.lower(), (says, []))[1].append(other)
            break
    if not rivals:
        return []
    # The answer's side as its source writes it: the values its rivals replace.
    replaced = (first.values & claimed) - {v for _, group in rivals.values() for r in group for v in r.values}
    sides = [_side(_says(asked, first.evidence.quote, replaced or first.values & claimed), ours)]
    sides += [_side(says, group) for says, group in rivals.values()]
    return [Conflict(sides, _lean(sides), asked.kind or "")]


def _side(says: str, readings: Sequence[_Reading]) -> Side:
    articles = {r.evidence.article_id for r in readings}
    dates = [r.evidence.date for r in readings if r.evidence.date]
    return Side(says, sorted(r.n for r in readings), len(articles), max(dates) if dates else None)


def _lean(sides: Sequence[Side]) -> str:
    """Which side more articles give (at least twice as many as any other), and which is the latest."""
    said = []
    by_count = sorted(sides, key=lambda s: -s.articles)
    if by_count[0].articles >= 2 and by_count[0].articles >= 2 * by_count[1].articles:
        total = sum(s.articles for s in sides)
        said.append(f"{by_count[0].articles} of {total} articles give {by_count[0].says}.")
    dated = [s for s in sides if s.latest]
    if len(dated) == len(sides):
        by_date = sorted(dated, key=lambda s: s.latest or "", reverse=True)
        if by_date[0].latest != by_date[1].latest:
            said.append(f"The most recent report ({by_date[0].latest}) gives {by_date[0].says}.")
    return " ".join(said)
