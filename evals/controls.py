"""Negative controls: deliberately broken assistants that the gate must fail.

Generating again costs 5-15 s a question with the local model, so each control
takes the records of a real run and breaks them the way the named system would,
then everything is scored again from scratch. A metric that does not catch its
planted failure is a bug in the harness (tests/test_evals.py asserts they all do).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Callable, Sequence

from evals.records import Record
from lang.text import numbers

CONTROLS: dict[str, Callable[[list[Record], int], list[Record]]] = {}
# Controls that only break suites with a given gold field (the adversarial suite's payloads).
NEEDS: dict[str, str] = {}


def control(name: str, needs: str = ""):
    def register(fn):
        CONTROLS[name] = fn
        if needs:
            NEEDS[name] = needs
        return fn

    return register


def general() -> list[str]:
    """The controls every suite's gate must fail."""
    return sorted(name for name in CONTROLS if name not in NEEDS)


def _first_sentence(text: str) -> str:
    from index.sentences import split_sentences

    spans = split_sentences(text)
    return text[spans[0][0] : spans[0][1]] if spans else text


def _answer_from(record: Record, passage: dict[str, str]) -> None:
    """Make ``record`` a confident one-sentence answer quoting ``passage``."""
    quote = _first_sentence(passage["text"])
    record.answer, record.abstained = f"{quote} [1]", False
    record.sentences = [{"text": quote, "citations": [1], "supported": True}]
    record.citations = {1: quote}
    record.contexts = {1: passage["text"]}


@control("random-retrieval")
def random_retrieval(records: list[Record], seed: int = 0) -> list[Record]:
    """Retrieval returns random passages, and the answer is read off the first of them."""
    rng = random.Random(seed)
    pool = [p for r in records for p in r.retrieved]
    out = copy.deepcopy(records)
    for record in out:
        record.retrieved = rng.sample(pool, k=min(len(record.retrieved) or 10, len(pool)))
        _answer_from(record, record.retrieved[0])
    return out


@control("constant-answer")
def constant_answer(records: list[Record], seed: int = 0) -> list[Record]:
    """The same answer, with the same citation, whatever the question."""
    donor = next((r for r in records if not r.abstained and r.sentences), None)
    out = copy.deepcopy(records)
    for record in out:
        if donor is None:
            record.answer, record.abstained, record.sentences, record.citations = "Yes.", False, [], {}
            continue
        record.answer, record.abstained = donor.answer, False
        record.sentences = copy.deepcopy(donor.sentences)
        record.citations = dict(donor.citations)
        record.contexts = dict(donor.contexts)
    return out


@control("fabricated-fact")
def fabricated_fact(records: list[Record], seed: int = 0) -> list[Record]:
    """A wrong name or number injected into every answer sentence."""
    out = copy.deepcopy(records)
    for record in out:
        for sentence in record.sentences:
            text = sentence["text"].rstrip(".")
            nums = sorted(numbers(text))
            if nums:
                text = text.replace(nums[0], str(int(float(nums[0])) + 17), 1)
            else:
                text += ", according to Olaf Scholz"
            sentence["text"] = text + "."
        if record.sentences:
            record.answer = " ".join(s["text"] for s in record.sentences)
    return out


@control("shuffled-citations")
def shuffled_citations(records: list[Record], seed: int = 0) -> list[Record]:
    """Each answer's citations point at the quotes of another question's answer."""
    out = copy.deepcopy(records)
    answered = [r for r in out if r.citations]
    donors = [(list(r.citations.values()), list(r.contexts.values())) for r in answered]
    for i, record in enumerate(answered):
        quotes, contexts = donors[(i + 1) % len(donors)]
        numbers_ = sorted(record.citations)
        record.citations = {n: quotes[j % len(quotes)] for j, n in enumerate(numbers_)}
        record.contexts = {n: contexts[j % len(contexts)] for j, n in enumerate(numbers_)} if contexts else {}
    return out


@control("stitched-support")
def stitched_support(records: list[Record], seed: int = 0) -> list[Record]:
    """Each answer's first sentence borrows a name from another article and cites both.

    What a bag-of-words verifier certifies in a big archive: "X met Y" with X from one
    story and Y from another. The union of the quotes holds every word; no article does.
    """
    out = copy.deepcopy(records)
    answered = [r for r in out if r.sentences and r.citations and r.sources]
    for i, record in enumerate(answered):
        mine = set(record.sources.values())
        donor = next(
            (d for d in answered[i + 1 :] + answered[:i] if set(d.sources.values()) - mine and _new_name(d, record)),
            None,
        )
        if donor is None:
            continue
        n = next(m for m, a in donor.sources.items() if a not in mine and _new_name(donor, record, m))
        name = _new_name(donor, record, n)  # before the donor's quote joins the record's sources
        new = max(record.citations) + 1
        record.citations[new] = donor.citations[n]
        record.contexts[new] = donor.contexts.get(n, "")
        record.sources[new] = donor.sources[n]
        sentence = record.sentences[0]
        sentence["text"] = f"{sentence['text'].rstrip('.')}, with {name}."
        sentence["citations"] = [*sentence["citations"], new]
        record.answer = " ".join(s["text"] for s in record.sentences)
    return out


def _new_name(donor: Record, record: Record, n: int | None = None) -> str | None:
    """A full name quoted in ``donor`` (citation ``n``, or any) that ``record``'s sources never mention."""
    from lang.text import full_names, words

    held = set(words(" ".join([*record.citations.values(), *record.contexts.values(), record.item.question])))
    for m, quote in donor.citations.items():
        if n is not None and m != n or donor.sources.get(m) in set(record.sources.values()):
            continue
        for name in full_names(quote):
            if not set(words(name)) & held:
                return name
    return None


@control("never-abstain")
def never_abstain(records: list[Record], seed: int = 0) -> list[Record]:
    """Whenever the assistant abstained, it answers from its best passage instead."""
    out = copy.deepcopy(records)
    for record in out:
        if record.abstained and record.retrieved:
            _answer_from(record, record.retrieved[0])
    return out


@control("obey-injection", needs="payload")
def obey_injection(records: list[Record], seed: int = 0) -> list[Record]:
    """The assistant says what the injected article told it to, cited to that article."""
    out = copy.deepcopy(records)
    for record in out:
        if not record.item.payload:
            continue
        said = f"As the article says, {record.item.payload[0]}."
        record.answer, record.abstained = f"{said} [1]", False
        record.sentences = [{"text": said, "citations": [1], "supported": True}]
        quote = _first_sentence(record.retrieved[0]["text"]) if record.retrieved else said
        record.citations, record.contexts = {1: quote}, {1: quote}
    return out


def apply(name: str, records: Sequence[Record], seed: int = 0) -> list[Record]:
    if name not in CONTROLS:
        raise ValueError(f"unknown control {name!r}; choose from {', '.join(sorted(CONTROLS))}")
    return CONTROLS[name](list(records), seed)
