"""Text helpers shared by evidence selection and verification: tokens, names, numbers."""

from __future__ import annotations

import functools
import re
import unicodedata

STOPWORDS = frozenset(
    """a an the and or but if of at by for with about against between into through during before after
    above below to from up down in out on off over under again further then once here there when where why
    how all any both each few more most other some such no nor not only own same so than too very can will
    just should now is are was were be been being have has had having do does did doing would could might
    must shall may i me my we our you your he him his she her it its they them their what which who whom
    this that these those am as until while also said says say according one two three said""".split()
)
# The months in order and the days of the week: the one list every date reader uses.
MONTHS = tuple("january february march april may june july august september october november december".split())
WEEKDAYS = tuple("monday tuesday wednesday thursday friday saturday sunday".split())
# Days and months, written out or short: when, not what or who.
CALENDAR = frozenset(MONTHS + WEEKDAYS + tuple(m[:3] for m in MONTHS) + ("sept",))
# A company's legal form: "General Motors Corp" is General Motors where a story says "GM" or
# "General Motors".
LEGAL_FORMS = frozenset("corp corporation inc incorporated ltd plc llc".split())
# Capitalised words that start sentences or name days/months: not evidence of a name.
NOT_NAMES = (
    STOPWORDS
    | CALENDAR
    | frozenset("mr mrs ms dr president minister according however meanwhile today yesterday tomorrow whose".split())
    | LEGAL_FORMS
)
# Capitalised words that open a news sentence's subject without being its name
# ("US Special Envoy Steve Witkoff").
TITLES = frozenset(
    """us uk eu un nato secretary state foreign defence defense prime chancellor general spokesman spokeswoman
    spokesperson senator governor ambassador envoy special deputy chief king queen pope sir lord mayor former
    ukrainian american russian french british german chinese japanese european israeli iranian""".split()
)

# A dotted initialism is one word, however spaced: "U.S.", "U. S." and "US" are all "us"
# (a wire story's "U.S." and the BBC's "US" meet; "U" and "S" alone mean nothing).
INITIALISM = r"\b[A-Z]\.(?:[ ]?[A-Z]\.)+"
_WORD = re.compile(rf"{INITIALISM}|[\w][\w'’-]*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# A run of markers with the spaces before them: " [1]", " [1][3]", " [1, 3] [4]".
MARKER_RUN = re.compile(f"(?:{_MARKER.pattern})+")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def shown(text: str) -> str:
    """Text as it may be shown: control characters (wire copy ends a story with U+0003) removed.

    For display only: stored text and the offsets into it keep every character.
    """
    return _CONTROL.sub("", text)


def fold(text: str) -> str:
    """Lower-case and strip accents: "Plötner" and "Plotner" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


def fold_initialism(token: str) -> str:
    """A token folded, an :data:`INITIALISM` run together: "U. S." -> "us"."""
    return fold(token.replace(".", "").replace(" ", "")) if "." in token and token[0].isalpha() else fold(token)


def _clean(word: str) -> str:
    if "." in word:  # an initialism
        return fold_initialism(word)
    word = fold(word).replace("’", "'")
    return word[:-2] if word.endswith("'s") else word.strip("'-")


def word_spans(text: str) -> list[tuple[int, int, str]]:
    """Each word's start, end and folded form (as :func:`words` gives it)."""
    return [(m.start(), m.end(), _clean(m.group())) for m in _WORD.finditer(text)]


def number_spans(text: str) -> list[tuple[int, int, str]]:
    """Each number's start, end and value (as :func:`numbers` gives it)."""
    return [(m.start(), m.end(), m.group().replace(",", "")) for m in _NUMBER.finditer(text)]


def words(text: str) -> list[str]:
    """Folded word tokens, possessives stripped."""
    return [w for w in (_clean(m.group()) for m in _WORD.finditer(text)) if w]


def content_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOPWORDS and not w.isdigit()]


def stem(word: str) -> str:
    """A crude stem (first five letters) so "negotiations" meets "negotiating"."""
    return word[:5] if len(word) > 5 else word


@functools.lru_cache(maxsize=1 << 16)
def _lemmas(word: str) -> dict[str, tuple[str, ...]]:
    """A folded word's lemmas by part of speech: lemminflect's bundled tables, no model, no download."""
    from lemminflect import getAllLemmas  # loads its tables (~0.2 s) on first use only

    return getAllLemmas(word)


def is_verb_form(word: str) -> bool:
    """Whether a folded word can be a verb ("sold", "united"; not "sales", "new"); a word the
    tables do not know ("demerge", not "a340") may be one."""
    lemmas = _lemmas(word)
    return bool(lemmas.get("VERB")) if lemmas else word.isalpha()


def base_form(word: str) -> str:
    """A folded word's verb lemma when it has one ("thought" -> "think", "fell" -> "fall",
    "won" -> "win"), else the word."""
    verbs = _lemmas(word).get("VERB")
    return verbs[0] if verbs else word


@functools.lru_cache(maxsize=1 << 16)
def word_forms(word: str) -> frozenset[str]:
    """Four-letter stems of a folded word and of its lemmas.

    "won" and "wins" meet at "win", "held" and "holds" at "hold", "sons" and "son" at "son",
    which a prefix alone misses for irregular forms.
    """
    return frozenset({word[:4], *(lemma[:4] for lemmas in _lemmas(word).values() for lemma in lemmas)})


def forms_of(text: str) -> set[str]:
    """``word_forms`` of every word of ``text``: what a question's word is looked for in."""
    return {form for w in set(words(text)) for form in word_forms(w)}


_SENTENCE_START = re.compile(r"(?:^|[.!?:;]\s|\n)\s*[\"“‘'(]*$")


def opens_with_adverb(text: str, start: int, word: str) -> bool:
    """Whether the folded ``word`` at ``start`` opens a sentence and is an adverb there
    ("Nearly a quarter ...", "Earlier, ...", "Overall ..."): capitalised by its place, not a name.

    lemminflect's tables tell: a word they know as an adverb and never as a noun or verb
    ("nearly", "earlier", "overall"; not "Brown", "Best" or "Sharp", which can be names).
    """
    if not _SENTENCE_START.search(text[max(0, start - 4) : start]):
        return False
    kinds = _lemmas(word)
    return "ADV" in kinds and not kinds.keys() & {"NOUN", "PROPN", "VERB"}


def capitalised(token: str) -> bool:
    """Whether a word is written as a name: "Ryanair", and a brand's camel case ("easyJet",
    "eBay", "iPod") that opens in lower case."""
    return token[0].isupper() or (token[0].islower() and any(c.isupper() for c in token[1:]))


def names(text: str) -> set[str]:
    """Folded capitalised words that look like names (not sentence-initial function words or adverbs)."""
    found = set()
    for m in _WORD.finditer(text):
        token = m.group()
        if capitalised(token):
            cleaned = _clean(token)
            if cleaned not in NOT_NAMES and len(cleaned) > 1 and not opens_with_adverb(text, m.start(), cleaned):
                found.add(cleaned)
    return found


def first_name(text: str) -> str | None:
    """The first run of capitalised name words, titles skipped ("US Envoy Steve Witkoff met
    Putin" -> "Steve Witkoff"): the subject, in most news sentences."""
    found: list[str] = []
    for m in _WORD.finditer(text):
        token, cleaned = m.group(), _clean(m.group())
        if (
            capitalised(token) and cleaned not in NOT_NAMES | TITLES and len(cleaned) > 1 and not cleaned.isdigit()
            and not opens_with_adverb(text, m.start(), cleaned)  # "Almost a quarter of ..."
        ):  # fmt: skip
            found.append(token)
        elif found:
            break
    return " ".join(found) or None


def numbers(text: str) -> set[str]:
    """Numbers in a text, without thousands separators."""
    return {m.group().replace(",", "") for m in _NUMBER.finditer(text)}


_CARDINALS = "zero one two three four five six seven eight nine ten eleven twelve".split()
_ORDINALS = "zeroth first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth".split()


def number_words(number: str) -> set[str]:
    """The words that spell a small number, as count or rank: "4" -> {"four", "fourth", "4th"}."""
    if not number.isdigit() or int(number) >= len(_CARDINALS):
        return set()
    n = int(number)
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n, "th")
    return {_CARDINALS[n], _ORDINALS[n], f"{n}{suffix}"}


def numbers_missing(claim: str, source: str, asked: str = "", around: str = "") -> list[str]:
    """The claim's numbers that the source holds neither as numbers nor spelled out.

    A number the question ``asked`` holds may instead be ``around`` the source (the
    passage it is quoted from): "Splatoon 2 was released on July 21, 2017", citing "It
    was released on July 21, 2017" from a passage about Splatoon 2, asked "When was
    Splatoon 2 released?". Names the question holds are read the same way.
    """

    def holds(text: str):
        held, spelled = numbers(text), set(words(text))
        return lambda number: number in held or bool(number_words(number) & spelled)

    in_source, in_around, given = holds(source), holds(around), numbers(asked)
    return sorted(n for n in numbers(claim) if not in_source(n) and not (n in given and in_around(n)))


# A sum of money: "$1.3m", "USD 5", "1.3 million dollars", and as wire copy writes it,
# "1.3 mln dlrs", "450 mln stg", "100 mln marks".
_MONEY = re.compile(
    r"(?:[$€£¥]|\b(?:usd|eur|gbp)\s?)\s?(\d+(?:[.,]\d+)*)|(\d+(?:[.,]\d+)*)\s?"
    r"(?:(?:thousand|million|billion|trillion|bn|mln|bln)\s)?"
    r"(?:dollars?|dlrs?|dls|euros?|pounds?|yen|stg|sterling|marks|francs|lire|guilders)\b",
    re.IGNORECASE,
)


def _money(text: str) -> set[str]:
    return {(m.group(1) or m.group(2)).replace(",", "") for m in _MONEY.finditer(text)}


def money_as_counts(claim: str, source: str) -> list[str]:
    """Sums of money in the claim that the source holds only as plain numbers.

    "Revenue was $365,232" citing "2019, 365,232" (vehicles produced): the number is
    there, but not as money. A number the source lacks is ``numbers_missing``'s to report.
    """
    held = _money(source)
    plain = numbers(source)
    return sorted(n for n in _money(claim) if n not in held and n in plain)


_RUN_OF_COMMAS = re.compile(r"([,;])(?:\s*[,;])+")
_COMMAS_AT_END = re.compile(r"\s*[,;]+(?=\s*[.!?]?\s*$)")


def strip_markers(text: str) -> str:
    """Remove ``[n]`` markers (and the space before them) from a text.

    The commas a model puts between markers ("2019 [1], [2], [3].") go with them.
    """
    bare = _MARKER.sub("", text)
    return _COMMAS_AT_END.sub("", _RUN_OF_COMMAS.sub(r"\1", bare)).strip()


def find_markers(text: str) -> list[int]:
    """The citation numbers in a text, in order, once each: "[1][2, 3]" -> [1, 2, 3]."""
    seen: list[int] = []
    for m in _MARKER.finditer(text):
        for part in re.split(r"[,;]", m.group(1)):
            n = int(part.strip())
            if n not in seen:
                seen.append(n)
    return seen


_NAME_RUN = re.compile(r"[A-Z][\w’'-]+(?:\s+(?:[A-Z][\w’'-]+|de|von|van|al|bin|la|le))*\s+[A-Z][\w’'-]+")


def full_names(text: str) -> list[str]:
    """Runs of two or more capitalised words ("Andriï Sybiga", "Günter Sauter"), in order.

    Runs made only of function words, days or titles ("The President") are left out.
    """
    out = []
    for m in _NAME_RUN.finditer(text):
        parts = [_clean(p) for p in m.group().split()]
        if any(p not in NOT_NAMES for p in parts):
            out.append(m.group())
    return out


_INITIALS_RUN = re.compile(r"[A-Z][\w’'-]*(?:\s+(?:(?:of|and|for|&)\s+)?[A-Z][\w’'-]*)+")


def acronyms(text: str) -> dict[str, set[str]]:
    """Folded initials of the runs of capitalised words in ``text``, each with the run's folded words.

    "General Motors Corp" -> "gm" (and "gmc", "mc"), "Bank of England" -> "boe" and "be":
    a story names a company in full, an answer by its initials, or the other way round.
    Every part of a run of two to five capitalised words counts, small words between.
    """
    out: dict[str, set[str]] = {}
    for m in _INITIALS_RUN.finditer(text):
        tokens = m.group().replace("&", "and").split()
        for i, first in enumerate(tokens):
            if not first[0].isupper():
                continue
            for j in range(i + 1, min(len(tokens), i + 8)):
                part = tokens[i : j + 1]
                capitalised = [t for t in part if t[0].isupper()]
                if not part[-1][0].isupper() or not 2 <= len(capitalised) <= 5:
                    continue
                for kept in (capitalised, part):
                    out.setdefault("".join(t[0] for t in kept).lower(), set()).update(_clean(t) for t in capitalised)
    return out
