"""What kind of thing a question asks for, and whether a text holds one.

"Who won?" wants a name the question does not already hold, "When was it released?"
a date, "What was the revenue?" an amount. Retrieval reranking, evidence selection
and verification all ask this; the one reading of a question lives here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from lang.en import QUESTION_LIGHT, is_adverb
from lang.text import CALENDAR, MONTHS, STOPWORDS, content_words, names, numbers, stem, words

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
# A day and month with their year: "December 1, 2017", "1 December 2017", "Nov. 21st, 1998".
DATED = re.compile(
    rf"\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:1[5-9]|20)\d\d\b|"
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?:1[5-9]|20)\d\d\b",
    re.IGNORECASE,
)
# A month with its year and no day: "October 1987", "in June, 1987".
MONTH_YEAR = re.compile(rf"\b({_MONTH}),?\s+((?:1[5-9]|20)\d\d)\b", re.IGNORECASE)
# A passage opening with the date it was published ("Nov 21, 2022 ... ", "March 3, 2017 -"):
# when it was written, not an answer to when something happened.
DATELINE = re.compile(rf"^\s*{_MONTH}\s+\d{{1,2}},?\s+(?:1[5-9]|20)\d\d\s*(?:\.\.\.|…|—|–|-|·|\|)", re.IGNORECASE)
# A wire story's dateline: its place in capitals, then the day ("PONTIAC, Mich., March 30 - ",
# "NEW YORK, Oct 20 - "). The place may answer where; the day is when it was filed.
WIRE_DATELINE = re.compile(
    rf"^(\s*[A-Z][A-Z.'&-]*(?: [A-Z][A-Z.'&-]*)*(?:, [A-Z][\w.]*(?: [A-Z][\w.]*)?)?, )"  # PONTIAC, Mich.,
    rf"(?i:{_MONTH})\s+\d{{1,2}}(?=\s*[-–—]\s)"  # March 30, before its dash
)
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
# The verbs that ask ("What did ...", "Who will ...").
_AUXILIARY = r"(?:do|does|did|will|would|can|could|should|has|have|had|is|are|was|were)"
# One word may stand before the thing ("Which French club"), not an auxiliary: "What did
# President Reagan say ...?" asks what was said, not for a president.
_NAMED_THING = re.compile(
    rf"^(?:which|what) (?:(?!{_AUXILIARY}\b)\w+ )?"
    r"(?:person|people|man|woman|player|team|club|country|countries|city|cities|"
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


# "Who will Rubio speak with?", "What did Macron tell reporters?": a question about what
# someone (the agent, a run of capitalised words after the auxiliary) does to or with
# someone or something else.
_AGENT_QUESTION = re.compile(
    rf"^(?i:who|whom|what|which\s+\w+)\s+{_AUXILIARY}"
    r"\s+((?:[A-Z][\w'’.-]*\s+)+)([a-z]+)\b"
)

# Where a question names the report it means rather than what it asks: "according to the
# Commerce Department report released in October", "the figures published in June". Its
# words say whose figure is wanted; an article need not repeat them ("released").
_THE_REPORT = re.compile(
    r"\baccording to\b[^,?]*|"
    r"\b(?:report|figures|data|statement|communique|survey|study|results)\s+(?:released|published|issued)\b",
    re.IGNORECASE,
)
# Capitalised words that open a request rather than name its subject ("Name the ...").
_OPENERS = frozenset(["name", "list", "tell", "give", "describe", "explain", "please", "summarise", "summarize"])


@dataclass(frozen=True)
class Asked:
    """A question read once: the kind of answer it wants, its words, names and years.

    ``subjects`` are the names the question is about ("Time Warner", "Blair"): an answer
    must come from an article that names them (see rag.verify).
    """

    kind: Kind | None
    stems: frozenset[str]
    years: frozenset[str]
    text: str = ""
    subjects: frozenset[str] = frozenset()
    # What the question asks about its subjects ("salary" in "What salary does Seifert
    # earn?"): its content words, less names, light verbs and the words that ask.
    relation: frozenset[str] = frozenset()
    # Who acts in the question and the act, when it asks what someone did to or with
    # another ("Who will Rubio speak with?": {"rubio"}, "speak"): see rag.verify.swapped_subject.
    agent: frozenset[str] = frozenset()
    act: str = ""

    @classmethod
    def of(cls, question: str) -> Asked:
        subjects = frozenset(names(question) - _OPENERS)
        the_report = set(content_words(" ".join(m.group() for m in _THE_REPORT.finditer(question))))
        relation = frozenset(
            w
            for w in content_words(question)
            if w not in subjects
            and w not in the_report
            and w not in QUESTION_LIGHT
            and w not in CALENDAR
            and not is_adverb(w)
            and not w[0].isdigit()  # a score ("18-17") or a figure: the number checks' to read
        )
        m = _AGENT_QUESTION.match(question.strip())
        # "What were Nike's profits?" asks about a thing of Nike's, not what Nike did.
        agent = frozenset(names(m.group(1))) if m and not re.search(r"['’]s?\s*$", m.group(1)) else frozenset()
        act = m.group(2) if m and agent and m.group(2) not in QUESTION_LIGHT | STOPWORDS else ""
        return cls(
            question_kind(question), frozenset(stem(w) for w in words(question)), frozenset(YEAR.findall(question)),
            question, subjects, relation, agent if act else frozenset(), act,
        )  # fmt: skip

    def held_in(self, text: str) -> float:
        """0..1: how clearly ``text`` holds an answer of the kind asked, beyond what the question holds.

        A date with day, month and year counts fully; a day and month without the year,
        or a year that is not the question's, half ("When was X released?" is not answered
        by "on May 15" as well as by "on May 15, 2012"). An amount
        with a unit or currency fully and a bare number half; names count only if the
        question does not already hold them (a passage naming "Wimbledon" does not
        answer "Who won Wimbledon?" by that).
        """
        kind = self.kind
        if kind == "date":
            text = without_dateline(text)
            if DATED.search(text):
                return 1.0
            return 0.5 if FULL_DATE.search(text) or set(YEAR.findall(text)) - self.years else 0.0
        if kind == "amount":
            return 1.0 if _MONEY.search(text) else 0.5 if _NUMBER.search(text) else 0.0
        if kind == "number":
            return 1.0 if _NUMBER.search(text) else 0.0
        if kind in ("name", "place"):
            return min(1.0, sum(stem(n) not in self.stems for n in names(text)) / 2)
        return 0.0

    def answers_in(self, text: str) -> set[str]:
        """The answers of the kind asked that ``text`` gives, normalised so that two texts agree.

        Dates as month and day ("12-1" from "Dec. 1" and "1 December 2017") and years the
        question does not hold; names the question does not hold; numbers. Empty for an
        open question.
        """
        kind = self.kind
        if kind == "date":
            text = without_dateline(text)
            return {month_day(m.group()) for m in FULL_DATE.finditer(text)} | (set(YEAR.findall(text)) - self.years)
        if kind in ("name", "place"):
            return {n for n in names(text) if stem(n) not in self.stems}
        if kind in ("amount", "number"):
            return numbers(text) - set(YEAR.findall(text))
        return set()


def without_dateline(text: str) -> str:
    """``text`` without the publication date it opens with, if any (a wire dateline keeps its place)."""
    return WIRE_DATELINE.sub(r"\1", DATELINE.sub("", text, count=1), count=1)


def month_number(month: str) -> int:
    """ "December" / "Dec." / "dec" -> 12."""
    return [m[:3] for m in MONTHS].index(re.sub(r"[^a-z]", "", month.lower())[:3]) + 1


def month_day(date: str) -> str:
    """ "December 1" / "1 Dec." / "November 21st" -> "12-1" / "12-1" / "11-21"."""
    day = re.search(r"\d+", date).group()
    month = month_number(re.sub(r"\d+(?:st|nd|rd|th)?", "", date))
    return f"{month}-{int(day)}"
