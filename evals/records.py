"""What one question's run left behind: enough to score it, and to alter it for a control."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from evals.gold import GoldItem
from rag.types import Answer, AnswerSentence


@dataclass
class Record:
    item: GoldItem
    answer: str
    abstained: bool
    sentences: list[dict[str, Any]]  # text, citations (list of n), supported
    citations: dict[int, str]  # n -> quote
    retrieved: list[dict[str, str]]  # article_id, text; best first
    latency: float
    contexts: dict[int, str] = field(default_factory=dict)  # n -> the passage around the quote
    sources: dict[int, str] = field(default_factory=dict)  # n -> the article the quote is from
    dates: dict[int, str] = field(default_factory=dict)  # n -> the date of that article, when known
    metrics: dict[str, float | None] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    # Diagnostics, not scored: the model's draft, why the answer abstained, and the
    # draft's sentences verification dropped with the reason for each.
    raw_answer: str = ""
    why: str = ""
    dropped: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def from_answer(cls, item: GoldItem, answer: Answer, retrieved: list[dict[str, str]]) -> Record:
        return cls(
            item=item,
            answer=answer.answer,
            abstained=answer.abstained,
            sentences=[
                {"text": text, "citations": list(citations), "supported": s.supported}
                for s in answer.sentences
                for text, citations in _claims(s)
            ],
            citations={c.n: c.quote for c in answer.citations},
            retrieved=retrieved,
            latency=answer.timings.total,
            contexts={c.n: c.passage for c in answer.citations},
            sources={c.n: c.article_id for c in answer.citations},
            dates={c.n: c.date for c in answer.citations if c.date},
            raw_answer=answer.raw_answer,
            why=answer.why,
            dropped=[{"text": s.text, "citations": list(s.citations), "reason": s.reason} for s in answer.dropped],
        )

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["citations"] = {str(k): v for k, v in self.citations.items()}
        data["contexts"] = {str(k): v for k, v in self.contexts.items()}
        data["sources"] = {str(k): v for k, v in self.sources.items()}
        data["dates"] = {str(k): v for k, v in self.dates.items()}
        return data


def _claims(sentence: AnswerSentence) -> list[tuple[str, list[int]]]:
    """What a sentence claims, each with its citations: a list sentence claims each item apart.

    "Rubio [1] and Sybiga [3] were in Paris" is scored as "Rubio were in Paris" against
    source 1 and "Sybiga were in Paris" against source 3, as it was verified.
    """
    if sentence.items:
        return [(item.claim, item.citations) for item in sentence.items]
    return [(sentence.text, sentence.citations)]
