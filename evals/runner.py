"""Run a gold set through an assistant and score every question."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from evals.gold import GoldItem
from evals.metrics import aggregate, score_record
from evals.records import Record
from rag.assistant import Assistant
from rag.verify import SupportScorer

RETRIEVED_K = 10


@dataclass
class SuiteRun:
    records: list[Record]
    aggregate: dict[str, Any]
    seconds: float


def run_suite(
    assistant: Assistant, items: Sequence[GoldItem], progress: Callable[[int, GoldItem], None] | None = None
) -> list[Record]:
    """Ask every question (with its history) and keep what is needed to score it."""
    records = []
    for i, item in enumerate(items):
        if progress:
            progress(i, item)
        query = assistant.standalone_question(item.question, item.history)
        passages = assistant.search(query, k=RETRIEVED_K)
        retrieved = [{"article_id": p.article_id, "title": p.title, "text": p.text} for p in passages]
        answer = assistant.ask(item.question, history=item.history)
        records.append(Record.from_answer(item, answer, retrieved))
    return records


def score(records: Sequence[Record], scorer: SupportScorer) -> SuiteRun:
    began = time.perf_counter()
    scored = [score_record(r, scorer) for r in records]
    return SuiteRun(scored, aggregate(scored), time.perf_counter() - began)
