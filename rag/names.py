"""Whether a name is in a text: the one matcher every check uses, across spellings and slips."""

from __future__ import annotations

import re


def _close(a: str, b: str) -> bool:
    """At most one edit apart (insert, delete or substitute)."""
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = j = edits = 0
    while i < len(a) and j < len(b):
        if a[i] != b[j]:
            edits += 1
            if edits > 1:
                return False
            if len(a) == len(b):
                i += 1
            j += 1
        else:
            i += 1
            j += 1
    return edits + (len(b) - j) <= 1


# "Q3" is what a story calls the "third quarter" (or "third-quarter", or the wire's "3rd qtr").
_QUARTERS = {"q1": ("first", "1st"), "q2": ("second", "2nd"), "q3": ("third", "3rd"), "q4": ("fourth", "4th")}


def _quarter_in(name: str, source_words: set[str]) -> bool:
    if name not in _QUARTERS:
        return False
    spoken = {w for w in source_words for part in w.split("-") if part in ("quarter", "quarterly", "qtr")}
    return any(part in _QUARTERS[name] for w in spoken for part in w.split("-")) or (
        bool(spoken) and any(n in source_words for n in _QUARTERS[name])
    )


def name_in(name: str, source_words: set[str]) -> bool:
    """A folded name is in the source, allowing transliteration and one-letter differences;
    a hyphenated name is there when each of its parts is."""
    from index.keyword import variant_key

    if name in source_words or _quarter_in(name, source_words):
        return True
    parts = [p for p in re.split(r"[-‐–]", name) if p]
    if len(parts) > 1:  # "Volkswagen-Ford" is named where Volkswagen and Ford are
        return all(name_in(p, source_words) for p in parts)
    key = variant_key(name.capitalize())
    for word in source_words:
        if len(name) >= 4 and _close(name, word):
            return True
        if key and variant_key(word.capitalize()) == key:
            return True
    return False
