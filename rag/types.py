"""What an answer is made of. ``Answer.to_dict()`` is what ``rag ask --json`` prints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Evidence:
    """One numbered source given to the LLM: a sentence of an article, with offsets.

    ``passage`` is the chunk the sentence came from, so a reader can see it in context;
    ``article_text[start:end] == quote`` always holds.
    """

    article_id: str
    title: str
    quote: str
    start: int
    end: int
    chunk_id: str
    passage: str
    passage_start: int
    score: float = 0.0
    date: str | None = None
    source: str | None = None
    url: str | None = None
    heading: str | None = None  # the section heading above the sentence, if any
    # The sentence just before the quote in its article, when a retrieved passage holds
    # it: who "he" is in "he said" (see rag.verify.misattributed).
    before: str = ""

    @property
    def scoring_text(self) -> str:
        """The sentence with its section heading, which often names the place or topic."""
        return f"{self.heading}: {self.quote}" if self.heading else self.quote


@dataclass(frozen=True)
class Citation:
    """A numbered citation in the answer: the exact quote that supports it."""

    n: int
    article_id: str
    title: str
    quote: str
    start: int
    end: int
    chunk_id: str
    passage: str
    passage_start: int
    date: str | None = None
    source: str | None = None
    url: str | None = None

    @classmethod
    def from_evidence(cls, n: int, ev: Evidence) -> Citation:
        return cls(
            n=n, article_id=ev.article_id, title=ev.title, quote=ev.quote, start=ev.start, end=ev.end,
            chunk_id=ev.chunk_id, passage=ev.passage, passage_start=ev.passage_start,
            date=ev.date, source=ev.source, url=ev.url,
        )  # fmt: skip


@dataclass(frozen=True)
class CitedItem:
    """One item of a list sentence, cited on its own: "the singer Zaz [3]".

    ``text`` is the item as the sentence writes it; ``claim`` is what was verified
    against its sources ("the singer Zaz were at the opening").
    """

    text: str
    citations: list[int]
    claim: str


@dataclass(frozen=True)
class AnswerSentence:
    """One sentence of the answer, the citations that support it, and how well they do.

    A list sentence ("Rubio [1], Sybiga [3] and Sauter [5] were in Paris.") has
    ``items``: each name with the sources that state it, verified alone, its markers
    shown after it; ``citations`` is then every item's, in order.
    """

    text: str
    citations: list[int]
    supported: bool
    support: float
    reason: str = ""
    items: list[CitedItem] = field(default_factory=list)

    def segments(self) -> list[tuple[str, list[int]]]:
        """The text in pieces, each followed by the markers that belong after it.

        "He met Macron." + [1, 2] -> [("He met Macron", [1, 2]), (".", [])]; a list
        sentence has a piece per item, then the rest.
        """
        text = self.text
        if not self.items:
            end = len(text.rstrip(".!?"))
            return [(text[:end], self.citations), (text[end:], [])]
        out, at = [], 0
        for item in self.items:
            found = text.find(item.text, at)
            if found < 0:  # not written as the item says: markers after the sentence
                return [(text, self.citations)]
            out.append((text[at : found + len(item.text)], item.citations))
            at = found + len(item.text)
        return out + [(text[at:], [])]

    def renumbered(self, numbering: Mapping[int, int]) -> AnswerSentence:
        items = [CitedItem(i.text, [numbering[n] for n in i.citations], i.claim) for i in self.items]
        citations = [numbering[n] for n in self.citations]
        return AnswerSentence(self.text, citations, self.supported, self.support, self.reason, items)


@dataclass(frozen=True)
class Side:
    """One answer the sources give, as they write it, and the sources that give it."""

    says: str
    sources: list[int]  # source numbers: the evidence's, then the answer's once renumbered
    articles: int
    latest: str | None = None  # the most recent publication date among them, if known


@dataclass(frozen=True)
class Conflict:
    """Sources that disagree on what was asked: the answer's side first."""

    sides: list[Side]
    lean: str = ""  # which side more articles give, or the latest report gives ("" when neither)
    kind: str = ""

    def renumbered(self, numbering: Mapping[int, int]) -> Conflict:
        sides = [Side(s.says, sorted(numbering[n] for n in s.sources), s.articles, s.latest) for s in self.sides]
        return Conflict(sides, self.lean, self.kind)

    def sentence(self) -> str:
        """ "Reports differ: Tampa, Florida [1]; Glendale, Arizona [2]." and the lean, if any."""
        parts = "; ".join(f"{s.says} {''.join(f'[{n}]' for n in s.sources)}" for s in self.sides)
        return f"Reports differ: {parts}." + (f" {self.lean}" if self.lean else "")


@dataclass
class Timings:
    """Seconds spent in each stage of answering one question."""

    retrieve: float = 0.0
    generate: float = 0.0
    verify: float = 0.0
    total: float = 0.0
    first_token: float | None = None
    first_source: float | None = None


@dataclass
class Answer:
    """A verified answer: text with ``[n]`` markers, its citations and per-sentence support."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    sentences: list[AnswerSentence] = field(default_factory=list)
    searched: str = ""
    backend: str = ""
    raw_answer: str = ""
    timings: Timings = field(default_factory=Timings)
    # Why it abstained ("" when it answered), and the model's sentences verification
    # dropped, each with its reason: what an evaluator or a curious user reads.
    why: str = ""
    dropped: list[AnswerSentence] = field(default_factory=list)
    # Sources that give another answer to what was asked (see rag.conflicts); the
    # answer's text ends with a sentence saying so, citing each side.
    conflicts: list[Conflict] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Sources:
    """The numbered sources an answer is drafted from: what ``Assistant.stream`` yields first.

    ``citations`` are numbered as the model sees them. ``preview``, when the evidence is
    strong, is an extractive answer from them (their own sentences, verified, numbered
    the same way) for a reader to read at once; the model's verified answer follows.
    """

    citations: list[Citation]
    preview: Answer | None = None
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "citations": [asdict(c) for c in self.citations],
            "preview": self.preview.to_dict() if self.preview else None,
            "seconds": self.seconds,
        }
