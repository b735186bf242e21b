"""List sentences whose items cite their own sources: "A [1], B [1] and C [3] were at the opening."

A "who" question is best answered by one sentence naming everyone, each name with the
source that names it, rather than a run of whole source sentences. Such a sentence
joins several articles, so it cannot be verified as one claim (one claim, one
source): each item is verified alone, as the claim the sentence makes of it
("C were at the opening", against source 3), and the sentence is written again from
the items that stand. This module reads and writes such sentences; ``rag.verify``
checks them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from lang.text import MARKER_RUN, find_markers, names

# What comes between two items: ", ", ", and ", " and ".
_SEPARATOR = re.compile(r"^\s*(?:,\s*(?:and\s+)?|and\s+)")
# An item starts with a name or a determiner ("the singer Zaz"), not with a verb or
# a relative pronoun ("who met Putin" is a clause, not an item).
_ITEM_START = re.compile(r"^(?:[A-Z]|(?:the|a|an|his|her|its|their)\s)")
# Where a leading clause hands over to the first item, when nothing follows the list:
# "The festival was opened by A [1] and B [1]." verifies "The festival was opened by B".
_HEAD = re.compile(
    r"^.*\b(?:by|with|were|was|are|is|include[sd]?|including|met|meet|meets|attended|joined|among)\s+",
    re.IGNORECASE,
)
_MAX_ITEM_WORDS = 12
# A question asking who did something ("Who attended the Paris talks?", "Which
# officials went to Paris?"), not whom ("Who will Rubio speak with?"): what a bare
# list's items are said to have done. "Which" takes one plural word ("Which two
# box-office flops dragged ...": its subject is longer than a word, so no predicate).
_ASKS_WHO_DID = re.compile(
    r"^\s*(?i:who|which\s+(?!(?:two|three|four|five|six)\b)[a-z]+s)\s+"
    r"(?!(?:did|does|do|will|would|can|could|should|has|have|had|is|are|was|were)\s+(?:[A-Z]|the\s|a\s|an\s))"
    r"(?P<predicate>[a-z].*?)\s*\?*\s*$"
)


@dataclass(frozen=True)
class ListItem:
    text: str  # as written, without separator or markers
    markers: list[int]
    claim: str  # what the sentence says of this item alone


@dataclass(frozen=True)
class CitedList:
    """A list sentence read into its parts: ``head`` + items joined + ``tail``."""

    head: str
    items: list[ListItem]
    tail: str

    def written(self, kept: Sequence[str]) -> str:
        """The sentence again with only the items ``kept`` (their texts, in order)."""
        joined = kept[0] if len(kept) == 1 else ", ".join(kept[:-1]) + " and " + kept[-1]
        return f"{self.head}{joined}{self.tail}".strip()


def what_was_done(question: str) -> str:
    """What a "who did it" question says was done ("attended the Paris talks"), or ""."""
    match = _ASKS_WHO_DID.match(question)
    return match.group("predicate") if match else ""


def cited_list(piece: str, question: str = "") -> CitedList | None:
    """``piece`` (one sentence, markers in) read as a list of separately cited items, or None.

    At least two items, each followed by its own markers, each after the first
    introduced by ", " or "and", each short and naming someone or something. Anything
    else (markers only at the end, "Macron [3] met Witkoff [2]", a relative clause)
    is not a list: it is verified as one sentence.

    Each item's claim is what the sentence says of it: the item with the words after
    the list ("C were at the opening"), or with the clause before it ("The festival
    was opened by C"); the items of a bare list ("A [1], B [3].") answering "Who
    attended the talks?" claim what the question asks ("B attended the talks"), so
    that the article cited for each must speak of it.
    """
    runs = list(MARKER_RUN.finditer(piece))
    if len(runs) < 2:
        return None
    raw, at = [], 0
    for run in runs:
        raw.append((piece[at : run.start()], find_markers(run.group())))
        at = run.end()
    tail = piece[at:]
    texts = []
    for i, (segment, _) in enumerate(raw):
        if i:
            separator = _SEPARATOR.match(segment)
            if not separator:
                return None
            segment = segment[separator.end() :]
        texts.append(segment.strip().strip(","))
    said = tail.strip(" ,.!?;:")
    head = ""
    if not said:
        match = _HEAD.match(texts[0])
        if match and match.end() < len(texts[0]):
            head, texts[0] = texts[0][: match.end()], texts[0][match.end() :]
    done = "" if said or head else what_was_done(question)
    for text in texts:
        if not text or len(text.split()) > _MAX_ITEM_WORDS or not names(text) or not _ITEM_START.match(text):
            return None
    tail = tail.rstrip() or "."
    if said and tail[0].isalnum():
        tail = " " + tail
    items = [
        ListItem(text, markers, f"{head}{text} {said or done}." if said or done else f"{head}{text}.")
        for text, (_, markers) in zip(texts, raw, strict=True)
    ]
    return CitedList(head, items, tail if said else tail.strip())
