"""List completion: a "who" answer should not stop at the first person a small model names.

Measured on the sample corpus, the 1.5B model answered "Who attended the Paris
talks?" from one source sentence and named three of the eight people, although the
sentences naming the other five were among its sources. This step adds, verbatim
and cited, the most relevant sources that name people the answer left out. It
only uses sentences the evidence selector ranked close to the best one, only for
questions about people, and the added sentences go through verification like the
model's own.
"""

from __future__ import annotations

from collections.abc import Sequence

from lang.text import fold, full_names, words
from rag.types import Evidence


def asks_for_people(question: str) -> bool:
    q = question.lower().strip()
    return q.startswith(("who ", "who's", "which people", "which officials", "name the")) or " who " in f" {q} "


def missing_people(answer_text: str, evidence: Evidence) -> list[str]:
    """Full names in ``evidence`` whose surname the answer does not mention."""
    have = set(words(answer_text))
    return [name for name in full_names(evidence.quote) if fold(name.split()[-1]).strip("’'") not in have]


def completion_candidates(
    question: str,
    answer_text: str,
    evidence: Sequence[Evidence],
    cited: set[int],
    closeness: float = 0.85,
    limit: int = 3,
) -> list[int]:
    """Source numbers (1-based) worth adding to a "who" answer, best first.

    A candidate is uncited, scored at least ``closeness`` times the best source, and
    names at least two people the answer does not.
    """
    if not evidence or not asks_for_people(question):
        return []
    best = max(ev.score for ev in evidence)
    ranked = []
    for n, ev in enumerate(evidence, start=1):
        if n in cited or ev.score < closeness * best:
            continue
        new = missing_people(answer_text, ev)
        if len(new) >= 2:
            ranked.append((len(new), ev.score, n))
    ranked.sort(reverse=True)
    chosen: list[int] = []
    text = answer_text
    for _, _, n in ranked:
        # Re-check against what is already added: two sources may name the same people.
        if len(missing_people(text, evidence[n - 1])) >= 2:
            chosen.append(n)
            text += " " + evidence[n - 1].quote
        if len(chosen) == limit:
            break
    return chosen
