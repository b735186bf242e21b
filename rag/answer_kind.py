"""What kind of thing a question asks for, and whether a text holds one.

"Who won?" wants a name the question does not already hold, "When was it released?"
a date, "What was the revenue?" an amount. Retrieval reranking, evidence selection
and verification all ask this; the one reading of a question lives here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from rag.text import names, stem, words

Kind = Literal["date", "amount", "number", "name", "place"]

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
    r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
# "December 1, 2017", "Dec. 1", "1 December 2017", "November 21st".
FULL_DATE = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b|\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}\b", re.IGNORECASE
)
YEAR = re.compile(r"\b(?:1[5-9]|20)\d\d\b")
_MONEY = re.compile(
    r"[$€£¥]\s?\d|\d\s?(?:billion|million|trillion|bn|dollars?|euros?|pounds?|yen|percent|%)\b|"
    r"\b(?:usd|eur|gbp)\s?\d",
    re.IGNORECASE,
)
_NUMBER = re.compile(
    r"\b(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|twenty|thirty|forty|"
    r"fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?|billions?)\b",
    re.IGNORECASE,
)
_NAMED_THING = re.compile(
    r"^(?:which|what) (?:\w+ )?(?:person|people|man|woman|player|team|club|country|countries|city|cities|"
    r"company|companies|firm|movie|film|show|series|book|song|album|band|party|group|director|actor|"
    r"actress|president|leader|minister|winner|champion|state|nation)\b",
    re.IGNORECASE,
)


def question_kind(question: str) -> Kind | None:
    """The kind of answer a question asks for, or None when it is open ("What did X say?")."""
    q = " ".join(question.lower().split())
    if q.startswith(("how many", "how much", "how old")) or " how many " in q:
        return "amount" if q.startswith("how much") else "number"
    if q.startswith(("when", "what year", "in which year", "which year", "what date", "what day", "what time")):
        return "date"
    if q.startswith(("who", "whom", "whose")) or _NAMED_THING.search(q):
        return "name"
    if q.startswith("where"):
        return "place"
    if re.search(r"\b(date|when)\b", q):
        return "date"
    if re.search(r"\b(revenue|price|cost|costs|worth|salary|budget|profit|valuation|paid)\b", q):
        return "amount"
    if " who " in q:
        return "name"
    return None


@dataclass(frozen=True)
class Asked:
    """A question read once: the kind of answer it wants and the names and years it holds."""

    kind: Kind | None
    stems: frozenset[str]
    years: frozenset[str]

    @classmethod
    def of(cls, question: str) -> Asked:
        return cls(
            question_kind(question), frozenset(stem(w) for w in words(question)), frozenset(YEAR.findall(question))
        )

    def held_in(self, text: str) -> float:
        """0..1: how clearly ``text`` holds an answer of the kind asked, beyond what the question holds.

        A full date counts fully and a bare year (not the question's) half; an amount
        with a unit or currency fully and a bare number half; names count only if the
        question does not already hold them (a passage naming "Wimbledon" does not
        answer "Who won Wimbledon?" by that).
        """
        kind = self.kind
        if kind == "date":
            if FULL_DATE.search(text):
                return 1.0
            return 0.5 if set(YEAR.findall(text)) - self.years else 0.0
        if kind == "amount":
            return 1.0 if _MONEY.search(text) else 0.5 if _NUMBER.search(text) else 0.0
        if kind == "number":
            return 1.0 if _NUMBER.search(text) else 0.0
        if kind in ("name", "place"):
            return min(1.0, sum(stem(n) not in self.stems for n in names(text)) / 2)
        return 0.0
