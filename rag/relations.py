"""Whether a source states the claim's relation, not just its words.

A bag of words is satisfied by "TimeWarner's sales rose 8%" citing "sales rose 2%" and
"AOL's profit rose 8%" (every word is there), and by "the minister admitted" citing
"the minister denied". Two checks, both measured on the labelled claim set
(evals/claims/, families number-swap, negation and event-mismatch):

- a number is *bound* to what the claim says of it: the words next to it in the claim
  must stand next to it in the source;
- the *polarity* agrees: the sentence carrying the claim does not deny what the claim
  asserts, leave it open ("declined to say if"), nor say the opposite ("fell" for
  "rose", "sold" for "bought"), nor give a change the other way round ("from 157,000
  to 133,000" for "from 133,000 to 157,000").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from lang.en import FORECAST, HEDGED_SPAN, HEDGES, HEDGES_TO, LEFT_OPEN, NEGATORS, OPPOSITES, UNITS
from lang.text import (
    INITIALISM,
    STOPWORDS,
    acronyms,
    base_form,
    first_name,
    fold,
    fold_initialism,
    is_verb_form,
    names,
    numbers,
    stem,
    word_forms,
)
from rag.names import name_in

NEGATED_SPAN = 4  # how far after a negator to look for the word it denies (the first content word)

OPPOSITE: dict[str, frozenset[str]] = {}
for _yes, _no in OPPOSITES:
    a, b = frozenset(stem(w) for w in _yes.split()), frozenset(stem(w) for w in _no.split())
    for s in a:
        OPPOSITE[s] = OPPOSITE.get(s, frozenset()) | b
    for s in b:
        OPPOSITE[s] = OPPOSITE.get(s, frozenset()) | a


def _stem(word: str) -> str:
    """The stem of a word's verb lemma: "did not think" denies "thought", "fell" is "fall"'s opposite of "rose"."""
    return stem(base_form(word))


# Matched before folding, so that "U.S." (an initialism) is the one word "us" as the
# rest of the verifier reads it (lang.text), not the letters "u" and "s".
_TOKEN = re.compile(rf"{INITIALISM}|\d+(?:[.,]\d+)*|[^\W\d][\w'’-]*")
_PLAIN = re.compile(rf"{INITIALISM}|[\w'’]+")


def _folded(pattern: re.Pattern[str], text: str) -> list[str]:
    """The folded matches of ``pattern`` in ``text``, in order, initialisms run together."""
    return [fold_initialism(m.group()) for m in pattern.finditer(text)]


CLAIM_WINDOW = 3  # content words either side of a number in the claim
SOURCE_WINDOW = 6  # ... and in the source, which says more around it


# Where one statement ends and another begins inside a sentence: "Total production costs
# were £1.30 per gigajoule, UK Coal said, but the average selling price was just £1.18":
# "average selling price" is said of 1.18, not of 1.30.
_CLAUSE_BREAK = re.compile(r";|\bbut\b|,\s+(?:while|whereas)\b|\bwhereas\b", re.IGNORECASE)
CLAUSE = "|"  # the token standing between two clauses


def _tokens(text: str) -> list[str]:
    """Folded content tokens in order; numbers kept whole ("4.88", "11.1") without separators;
    :data:`CLAUSE` between clauses."""
    out: list[str] = []
    for k, clause in enumerate(_CLAUSE_BREAK.split(text)):
        if k:
            out.append(CLAUSE)
        out.extend(_clause_tokens(clause))
    return out


def _clause_tokens(text: str) -> list[str]:
    out = []
    for token in _folded(_TOKEN, text):
        if token[0].isdigit():
            out.append(token.replace(",", ""))
        elif token not in STOPWORDS and len(token) > 1:
            # "year-earlier" is "year earlier": the parts must meet the claim's words.
            out.extend(p for p in token.removesuffix("'s").removesuffix("’s").split("-") if len(p) > 1)
    return out


def _words_around(tokens: list[str], i: int, width: int) -> list[str]:
    """The words beside the number at ``i`` (:func:`_beside`), units left out, each once."""
    return list(dict.fromkeys(t for t in _beside(tokens, i, width) if t not in UNITS))


def _around(tokens: list[str], i: int, width: int) -> set[str]:
    """The stems of :func:`_words_around`."""
    return {stem(t) for t in _words_around(tokens, i, width)}


def _beside(tokens: list[str], i: int, width: int) -> list[str]:
    """Up to ``width`` words either side of the number at ``i``, not reaching past another number
    or into another clause.

    Words between two numbers belong to the nearer one's statement ("£75m ($141m) compared
    with £125m a year earlier": "year earlier" is said of 125, "profit" of 75). A run of
    numbers ("£75m ($141m)") counts as one.
    """
    first, last = i, i
    while tokens[i][0].isdigit() and first > 0 and tokens[first - 1][0].isdigit():
        first -= 1
    while tokens[i][0].isdigit() and last + 1 < len(tokens) and tokens[last + 1][0].isdigit():
        last += 1
    before: list[str] = []
    for t in reversed(tokens[:first]):
        if t[0].isdigit() or t == CLAUSE or len(before) == width:
            break
        before.append(t)
    after: list[str] = []
    for t in tokens[last + 1 :]:
        if t[0].isdigit() or t == CLAUSE or len(after) == width:
            break
        after.append(t)
    return before + after


def unbound_numbers(claim: str, premises: Sequence[str], question: str = "") -> list[str]:
    """The claim's numbers that no source holds next to what the claim says of them.

    "British Airways made a pre-tax profit of £125m in the three months to December",
    citing "... made a pre-tax profit of £75m compared with £125m a year earlier": 125
    is in the source, but as last year's figure. A number counts as bound when at least
    half of the claim's words beside it (three either side) stand within six words of
    it in one source. Numbers the question gives are not the claim's to bind.
    """
    asked = numbers(question)
    claim_tokens = _tokens(claim)
    sources = [_tokens(p) for p in premises]
    out = []
    for i, token in enumerate(claim_tokens):
        if not token[0].isdigit() or token in asked:
            continue
        wanted = [word_forms(w) for w in _words_around(claim_tokens, i, CLAIM_WINDOW)]
        if not wanted:
            continue
        best = max(
            (
                sum(bool(forms & held) for forms in wanted)
                for src in sources
                for j, t in enumerate(src)
                if t == token
                for held in [{f for w in _words_around(src, j, SOURCE_WINDOW) for f in word_forms(w)}]
            ),
            default=None,
        )
        if best is not None and best < len(wanted) / 2:
            out.append(token)
    return sorted(set(out))


def number_named_elsewhere(claim: str, premises: Sequence[str], question: str = "") -> list[str]:
    """The claim's numbers that every cited sentence holding them gives beside other names.

    "Isinbayeva cleared 4.88 metres in Lievin", citing "... after she cleared 4.88m at the
    Norwich Union Grand Prix in Birmingham": the sentence names something beside the
    number (Norwich Union Grand Prix, Birmingham) and nowhere names what the claim names
    beside it (Lievin), so the number is said of another place or party. A sentence
    naming nothing beside the number ("The club paid £15.8m"), or naming anywhere one of
    the claim's names beside it, may carry it. The question's numbers are exempt.
    """
    asked = numbers(question)
    claim_tokens = _tokens(claim)
    claim_names, out = names(claim), []
    sources = [(tokens, names(p)) for p in premises for tokens in [_tokens(p)]]
    for i, token in enumerate(claim_tokens):
        if not token[0].isdigit() or token in asked:
            continue
        ours = {t for t in _beside(claim_tokens, i, CLAIM_WINDOW) if t in claim_names}
        if not ours:
            continue
        holding = [
            (set(src), {t for t in _beside(src, j, SOURCE_WINDOW) if t in theirs_all})
            for src, theirs_all in sources
            for j, t in enumerate(src)
            if t == token
        ]
        if holding and all(theirs and not any(name_in(n, held) for n in ours) for held, theirs in holding):
            out.append(token)
    return sorted(set(out))


QUALIFIERS = frozenset(["for", "in", "at", "among"])  # "17 February for home customers"
QUALIFIER_SPAN = 4  # words after a figure in which its qualifier can stand


def _qualifier_at(tokens: list[str], k: int) -> tuple[str, str] | None:
    """The preposition at ``k`` and the content word after it ("for", "businesses"); None
    when no word, or a figure, follows."""
    head = next((w for w in tokens[k + 1 : k + 4] if w not in STOPWORDS), "")
    return (tokens[k], head) if head and not head[0].isdigit() else None


def _qualified(tokens: list[str], i: int) -> tuple[str, str] | None:
    """The qualifier after the figure at ``i`` ("1 April for businesses" -> ("for", "businesses")).

    The first preposition of :data:`QUALIFIERS` within a few words, before any other
    figure, and the content word after it; None when there is none.
    """
    for k in range(i + 1, min(len(tokens) - 1, i + 1 + QUALIFIER_SPAN)):
        if tokens[k][0].isdigit():
            return None
        if tokens[k] in QUALIFIERS:
            return _qualifier_at(tokens, k)
    return None


def paired_with_another(claim: str, premises: Sequence[str], question: str = "") -> list[str]:
    """The claim's figures that every cited sentence pairs with another qualifier.

    "The speeds come into effect for home customers on 1 April", citing "... on 17
    February for home customers and 1 April for businesses": each figure of the
    enumeration is followed by its own qualifier, and the claim gives 1 April the
    qualifier that follows 17 February. A figure counts as paired with another when,
    in a cited sentence, its qualifier ("for businesses") is one the claim does not
    hold and the claim's own qualifier with the same preposition ("for home") follows
    another figure there. The question's numbers are exempt.
    """
    plain = _every_token(claim)
    ours = {q for k, p in enumerate(plain) if p in QUALIFIERS and (q := _qualifier_at(plain, k))}
    if not ours:
        return []
    claim_words = set(plain)
    # Each cited sentence's figures by position, with the qualifier after each.
    sources = [
        (src, {g: _qualified(src, g) for g, u in enumerate(src) if u[0].isdigit()})
        for src in map(_every_token, premises)
    ]
    out = []
    for number in sorted(numbers(claim) - numbers(question)):
        verdicts = []
        for src, qualified in sources:
            others = {q for g, q in qualified.items() if q and src[g] != number}
            for theirs in (q for g, q in qualified.items() if src[g] == number):
                verdicts.append(
                    theirs is not None
                    and theirs[1] not in claim_words
                    and any(q in ours and q[0] == theirs[0] for q in others)
                )
        if verdicts and all(verdicts):
            out.append(number)
    return out


FORECAST_WINDOW = 6  # words before a figure that can make it a forecast


def forecast_as_fact(claim: str, premises: Sequence[str]) -> list[str]:
    """The claim's figures that every cited sentence holding them gives only as a forecast.

    "Taiwan's reserves were 72 billion dlrs" citing "reserves ... are likely to soar to
    72 billion U.S. Dlrs by the year end": the figure is what officials expect, not what
    the reserves were. A claim that forecasts too ("are expected to reach 72 billion")
    may cite it.
    """
    plain = _every_token(claim)
    if FORECAST & set(plain) or "will" in plain:
        return []
    sources = [_every_token(p) for p in premises]
    out = []
    for number in sorted(numbers(claim)):
        holding = [
            bool(FORECAST & set(src[max(0, i - FORECAST_WINDOW) : i]))
            for src in sources
            for i, t in enumerate(src)
            if t == number
        ]
        if holding and all(holding):
            out.append(number)
    return out


def _every_token(text: str) -> list[str]:
    """Folded words, stopwords kept ("could", "may"), and numbers whole ("2.5", "1669000")."""
    return [t.replace(",", "") if t[0].isdigit() else t for t in _folded(_TOKEN, text)]


def _denied(tokens: list[str]) -> set[str]:
    """Stems of the words a negator in ``tokens`` denies ("did not rise" -> {"rise"})."""
    out: set[str] = set()
    for i, t in enumerate(tokens):
        if t in NEGATORS or t.endswith("n't"):
            denied = [w for w in tokens[i + 1 : i + 1 + NEGATED_SPAN] if w not in STOPWORDS and not w[0].isdigit()]
            out.update(_stem(w) for w in denied[:1])
    return out


def _plain(text: str) -> list[str]:
    return _folded(_PLAIN, text)


def polarity_conflict(claim: str, carrier: str) -> str | None:
    """Why the carrying source says the opposite of the claim, or None.

    A denial in one and not the other ("was not approved" / "was approved"), or a
    relation the claim uses whose opposite alone is in the source, said of the same
    thing ("Pernod shares rose" / "Pernod shares fell"; a "rose" said of another
    company in the same sentence is no conflict).
    """
    claim_words, source_words = _plain(claim), _plain(carrier)
    claim_stems = {_stem(w) for w in claim_words}
    source_stems = {_stem(w) for w in source_words}
    denied_in_source = _denied(source_words) & claim_stems - _denied(claim_words)
    denied_in_claim = _denied(claim_words) & source_stems - _denied(source_words)
    if denied_in_source:
        return f"the source denies it ({sorted(denied_in_source)[0]}…)"
    if denied_in_claim:
        return f"the claim denies what the source says ({sorted(denied_in_claim)[0]}…)"
    claim_tokens, source_tokens = _tokens(claim), _tokens(carrier)
    for i, word in enumerate(claim_tokens):
        s = stem(word)
        if s in source_stems or word[0].isdigit():
            continue
        wanted = _around(claim_tokens, i, CLAIM_WINDOW)
        for j, other in enumerate(source_tokens):
            opposite = stem(other) in OPPOSITE.get(s, frozenset()) and stem(other) not in claim_stems
            if opposite and wanted and len(wanted & _around(source_tokens, j, SOURCE_WINDOW)) >= len(wanted) / 2:
                return f"the source says the opposite ({other}, not {word})"
    return None


def _hedged_words(text: str) -> tuple[list[str], list[bool]]:
    """:func:`_plain`'s words, and for each whether it hedges what follows ("could",
    "plans"); the month "May" does not."""
    written = [m.group() for m in _PLAIN.finditer(text)]
    folded = [fold_initialism(w) for w in written]
    return folded, [f in HEDGES and w != "May" for f, w in zip(folded, written, strict=True)]


def hedged_as_fact(claim: str, carrier: str) -> str | None:
    """Why the carrying source gives as a possibility, plan or report what the claim states as done, or None.

    "Leisure group Rank could unveil plans to demerge its film services unit" does not
    state "Rank has demerged its film services unit": the claim's verb is the one a hedge
    stands before (:data:`lang.en.HEDGES`: the first verb within a few words after a
    modal, the verb after "plans to" or the "-ing" after "considering"). A claim that
    hedges too ("Rank may demerge", "will demerge") may cite it.
    """
    claim_words, claim_hedges = _hedged_words(claim)
    if "will" in claim_words or any(claim_hedges):
        return None
    claim_stems = {_stem(w) for w in claim_words if w not in STOPWORDS}
    source_words, hedges = _hedged_words(carrier)
    for i, hedge in enumerate(hedges):
        hedged = _hedged(source_words, hedges, i) if hedge else None
        if hedged and is_verb_form(hedged) and _stem(hedged) in claim_stems:
            return f"the source only says it may be so ({source_words[i]} … {hedged})"
    return None


def _hedged(words: list[str], hedges: list[bool], i: int) -> str | None:
    """The word the hedge at ``i`` stands before, or None."""
    if words[i] in HEDGES_TO:
        following = words[i + 1] if i + 1 < len(words) else ""
        if following.endswith("ing"):
            return following
        return words[i + 2] if following == "to" and i + 2 < len(words) else None
    after = [
        w for k, w in enumerate(words[i + 1 : i + 1 + HEDGED_SPAN], i + 1)
        if w not in STOPWORDS and not hedges[k] and not w[0].isdigit()
    ]  # fmt: skip
    return after[0] if after else None


_LEFT_OPEN = re.compile(LEFT_OPEN, re.IGNORECASE)


def left_open(claim: str, carrier: str) -> str | None:
    """Why the carrying source leaves open what the claim asserts, or None.

    "He declined to say if the ceiling should be maintained or raised to 16.6 mln bpd"
    does not state "Lukman said the ceiling should be raised to 16.6 mln bpd": the claim's
    words are in the source, but inside what it declines to say. Only when the claim
    shares more of its words with the open clause than with the rest of the sentence, and
    does not itself report the question as open.
    """
    m = _LEFT_OPEN.search(carrier)
    if not m or _LEFT_OPEN.search(claim) or re.search(r"\b(?:whether|if)\b", claim, re.IGNORECASE):
        return None
    claim_stems = {_stem(w) for w in _plain(claim) if w not in STOPWORDS}
    inside = claim_stems & {_stem(w) for w in _plain(carrier[m.end() :])}
    before = claim_stems & {_stem(w) for w in _plain(carrier[: m.start()])} - inside
    if len(inside) > len(before):
        return f"the source leaves it open ({m.group().strip()} ...)"
    return None


_RANGE = re.compile(r"\bfrom\s+\D{0,4}?(\d[\d,.]*)\D{0,24}?\s+to\s+\D{0,4}?(\d[\d,.]*)", re.IGNORECASE)


def _ranges(text: str) -> set[tuple[str, str]]:
    return {(a.replace(",", "").rstrip("."), b.replace(",", "").rstrip(".")) for a, b in _RANGE.findall(text)}


def reversed_range(claim: str, premises: Sequence[str]) -> str | None:
    """Why the source gives the claim's change the other way round, or None.

    "revised up from 133,000 to 157,000" citing "revised down ... from 157,000 to
    133,000": both numbers are there, next to the same words, in the wrong order.
    """
    said = set().union(*(_ranges(p) for p in premises)) if premises else set()
    for a, b in sorted(_ranges(claim)):
        if (b, a) in said and (a, b) not in said:
            return f"the source says from {b} to {a}, not from {a} to {b}"
    return None


def number_of_another(claim: str, premises: Sequence[str], question: str = "", around: str = "") -> list[str]:
    """The claim's numbers that the cited sentences give of someone else.

    "USAir has offered 71 dlrs cash per share" does not state "Norfolk Southern offered
    71 dlrs", even beside a sentence naming Norfolk Southern's offer, nor in a passage
    about it: every cited sentence holding 71 has another subject (USAir, its first
    name) and does not name the claim's subject (its first name). A sentence that does
    not open with a name ("It was released on July 21", "The club sacked him") may
    carry it, and so may one naming the claim's subject. A capitalised first word that
    the claim, the sentence or the passage ``around`` it also writes in lower case is no
    name ("Rights will be traded ..." beside "an issue of rights").
    """
    subject = first_name(claim)
    if not subject:
        return []
    # The claim's subject as a premise may write it: its names, run together ("Time
    # Warner", "TimeWarner"), or its initials ("General Motors", "GM").
    joined = fold(subject).replace(" ", "").removesuffix("'s").removesuffix("’s")
    initials = {k for k, parts in acronyms(claim).items() if parts & names(subject)}
    subject_forms = names(subject) | {joined} | initials
    claim_names = names(claim)
    out = []
    for number in sorted(numbers(claim) - numbers(question)):
        holding = [p for p in premises if number in numbers(p)]
        if holding and all(_of_another(p, claim + " " + around, subject_forms, claim_names) for p in holding):
            out.append(number)
    return out


_PRONOUNS = frozenset(["it", "its", "he", "his", "she", "her", "they", "their", "this", "that", "these", "those"])


def _of_another(premise: str, texts: str, subject_forms: set[str], claim_names: set[str]) -> bool:
    """Whether ``premise`` is about someone other than the claim's subject (and never names it).

    ``texts``: the claim and what else may write the premise's first word in lower case.
    """
    theirs = first_name(premise)
    opening = fold(premise[: premise.find(theirs)]).split() if theirs else []
    if not theirs or len(opening) > 3 or any("," in w or w in _PRONOUNS for w in opening):
        # "It was released on July 21", "The club, owned by Roman Abramovich, sacked him":
        # the subject is not named where the sentence opens ("US airline Zenith has"
        # does name it), so it may be the claim's.
        return False
    if " " not in theirs and not opening and re.search(rf"\b{re.escape(theirs.lower())}\b", texts + " " + premise):
        return False  # "Quarterly profits at ...": a capitalised first word the texts also write in lower case
    theirs_forms = names(theirs) | {k for k, parts in acronyms(premise).items() if parts & names(theirs)}
    return not (theirs_forms & claim_names) and not (subject_forms & names(premise))
