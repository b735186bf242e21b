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
    names: frozenset[str] = frozenset()

    @classmethod
    def of(cls, text: str) -> Fingerprint:
        from lang.text import names, numbers, words

        return cls(frozenset(words(text)), frozenset(numbers(text)), frozenset(names(text)))

    def near(self, other: Fingerprint, threshold: float = 0.9) -> bool:
        """Sharing almost all words (by the smaller vocabulary), with the same numbers and no name swapped.

        A name one text adds ("... , Reuters said") keeps two copies one story; a name
        each holds where the other has another ("in Tampa" / "in Glendale") makes them
        two reports that disagree, and both are kept for the reader to see.
        """
        if not self.words or not other.words or self.numbers != other.numbers:
            return False
        if self.names - other.names and other.names - self.names:
            return False
        return len(self.words & other.words) / min(len(self.words), len(other.words)) >= threshold


def near_duplicate(a: str, b: str, threshold: float = 0.9) -> bool:
    """Two passages sharing almost all their words (by the shorter one's vocabulary).

    Their numbers must agree: "rates rose to 4 percent" and "to 5 percent" are two
    different reports, not one story twice; so are two that name different people or
    places in the same words.
    """
    return Fingerprint.of(a).near(Fingerprint.of(b), threshold)
