"""Near-duplicate text: the same wire story published twice."""

from __future__ import annotations


def near_duplicate(a: str, b: str, threshold: float = 0.9) -> bool:
    """Two passages sharing almost all their words (by the shorter one's vocabulary).

    Their numbers must agree: "rates rose to 4 percent" and "to 5 percent" are two
    different reports, not one story twice.
    """
    from rag.text import numbers, words

    wa, wb = set(words(a)), set(words(b))
    if not wa or not wb or numbers(a) != numbers(b):
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= threshold
