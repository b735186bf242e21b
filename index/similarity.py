"""Near-duplicate text: the same wire story published twice."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Fingerprint:
    """What near-duplicate comparison looks at in a text: its words and its numbers.

    Computing it once per passage keeps comparing many passages pairwise cheap.
    """

    words: frozenset[str]
    numbers: frozenset[str]

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        from lang.text import numbers, words

        return cls(frozenset(words(text)), frozenset(numbers(text)))

    def near(self, other: Fingerprint, threshold: float = 0.9) -> bool:
        """Sharing almost all words (by the smaller vocabulary), with the same numbers."""
        if not self.words or not other.words or self.numbers != other.numbers:
            return False
        return len(self.words & other.words) / min(len(self.words), len(other.words)) >= threshold


def near_duplicate(a: str, b: str, threshold: float = 0.9) -> bool:
    """Two passages sharing almost all their words (by the shorter one's vocabulary).

    Their numbers must agree: "rates rose to 4 percent" and "to 5 percent" are two
    different reports, not one story twice.
    """
    return Fingerprint.of(a).near(Fingerprint.of(b), threshold)
