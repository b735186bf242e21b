"""Sentence splitting that keeps character offsets.

A small rule-based splitter: news text is mostly well punctuated, and offsets into
the original article matter more here than linguistic finesse (every quote a user
sees must be a verbatim slice of the article).
"""

from __future__ import annotations

import re

# Words that end in a period without ending a sentence.
_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "sr",
    "jr",
    "st",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "gov",
    "sen",
    "rep",
    "pres",
    "rev",
    "hon",
    "no",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.k",
    "u.n",
    "e.g",
    "i.e",
    "a.m",
    "p.m",
    "approx",
    "dept",
    "est",
    "fig",
}

# A candidate end: terminal punctuation, optional closing quotes/brackets, then space.
_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_NEWLINES = re.compile(r"\n\s*\n|\n")


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` closes an abbreviation or an initial."""
    if text[dot] != ".":
        return False
    word = re.search(r"([A-Za-z.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1).lower().strip(".")
    if token in _ABBREVIATIONS:
        return True
    # Dotted capital initials ("J.P. Morgan", "the U.A.E."), as "U.S." above.
    if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word.group(1).strip(".")):
        return True
    # Single capital initials ("J. Smith"), but not a sentence ending in "I."
    return len(token) == 1 and token != "i" and text[dot - 1].isupper()


def _split_line(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _END.finditer(text, start, end):
        if _is_abbreviation(text, match.start()):
            continue
        # The next sentence should start like one (capital, digit, quote); avoids "3.5 m".
        nxt = re.match(r"\s+(\S)", text[match.end() : end])
        if nxt and not (nxt.group(1).isupper() or nxt.group(1).isdigit() or nxt.group(1) in "\"'“‘(["):
            continue
        spans.append((cursor, match.end()))
        cursor = match.end()
    spans.append((cursor, end))
    return spans


# Hard-wrapped text (wire copy, plain-text dumps): lines of at most this many characters,
# at least _WRAPPED_LINES of them this long or longer.
_WRAP_MAX = 100
_WRAP_MIN = 40
_WRAPPED_LINES = 3
_CLOSED = (".", "!", "?", ":", '"', "”")


def soft_breaks(text: str) -> set[int]:
    """Offsets of the line breaks that only wrap a paragraph, in hard-wrapped text.

    Wire stories are wrapped at a fixed width (Reuters: about 65 columns) and start each
    paragraph with an indent. A break is soft when the text is wrapped (no line longer
    than ``_WRAP_MAX``, several of at least ``_WRAP_MIN``), the next line neither is blank
    nor starts indented, and it starts in lower case or with a digit, or its first word
    would not have fitted on the line before (the widest line gives the width), or the
    line before is the text's first, of four words or more, not in capitals and ends
    unpunctuated (a wire story's first line is short where its dateline was cut off).
    A heading or a paragraph's last line leaves room, so its break stays hard. Prose
    with a paragraph per line is never wrapped.
    """
    lines: list[tuple[int, int]] = []
    start = 0
    for line in text.split("\n"):
        lines.append((start, start + len(line)))
        start += len(line) + 1
    lengths = [len(text[s:e].rstrip()) for s, e in lines]
    if not lengths or max(lengths) > _WRAP_MAX or sum(n >= _WRAP_MIN for n in lengths) < _WRAPPED_LINES:
        return set()
    width = max(lengths)
    soft = set()
    for i, ((s, e), length, (ns, ne)) in enumerate(zip(lines, lengths, lines[1:], strict=False)):
        following = text[ns:ne]
        if not length or not following.strip() or following[0].isspace():
            continue
        runs_on = following[0].islower() or following[0].isdigit()
        if runs_on or (i == 0 and _cut_dateline(text[s:e])) or length + 1 + len(following.split()[0]) > width:
            soft.add(e)
    return soft


def _cut_dateline(first_line: str) -> bool:
    """A first line of four words or more, not in capitals, ending unpunctuated."""
    line = first_line.strip()
    return len(line.split()) >= 4 and not line.isupper() and not line.endswith(_CLOSED)


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Split ``text`` into sentence spans ``(start, end)``, stripped of white space.

    Line breaks end a sentence (headlines and datelines have no period), except the
    soft breaks of hard-wrapped text (:func:`soft_breaks`): there a sentence runs on
    across lines, and its span keeps the line break (a verbatim slice of the text).

    >>> text = "Rubio flew to Paris. He met Macron."
    >>> [text[s:e] for s, e in split_sentences(text)]
    ['Rubio flew to Paris.', 'He met Macron.']
    """
    spans: list[tuple[int, int]] = []
    line_start = 0
    soft = soft_breaks(text) if "\n" in text else set()
    boundaries = [(m.start(), m.end()) for m in _NEWLINES.finditer(text) if m.start() not in soft]
    boundaries.append((len(text), len(text)))
    for line_end, next_start in boundaries:
        for s, e in _split_line(text, line_start, line_end):
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            if e > s:
                spans.append((s, e))
        line_start = next_start
    return spans


def sentences_with_labels(text: str, label_words: int = 2) -> list[tuple[int, int]]:
    """``split_sentences``, with a short label joined to the sentence after it on its line.

    Listings and scraped snippets put a value after a label that ends in a period
    ("Release date. December 1, 2017"); read apart, the date is in a sentence that says
    nothing of what it dates. A "sentence" of at most ``label_words`` words followed by
    another on the same line is read with it.

    >>> text = "Release date. December 1, 2017. It sold well."
    >>> [text[s:e] for s, e in sentences_with_labels(text)]
    ['Release date. December 1, 2017.', 'It sold well.']
    """
    spans = split_sentences(text)
    joined: list[tuple[int, int]] = []
    label_start: int | None = None
    for i, (s, e) in enumerate(spans):
        start = s if label_start is None else label_start
        label_start = None
        follows = i + 1 < len(spans) and "\n" not in text[e : spans[i + 1][0]]
        if follows and len(text[start:e].split()) <= label_words:
            label_start = start
            continue
        joined.append((start, e))
    return joined
