"""The source's own words for a drafted answer that verification could not accept as written.

A small model often finds the right sentence and the right answer in it, then rewrites
it with words of the question the source does not use ("... for its newly launched
MSN search engine") or a detail it adds ("April 17, 2024"), and verification rightly
drops the rewritten sentence. When the answer the draft gives (the date, amount,
number or name the question asks for) stands in the very source sentence the draft
cited, that sentence itself, quoted verbatim, is offered in its place, and goes
through the same verification as any drafted sentence (one source, the question's
subject, the question's relation words), so nothing the source does not state is shown.
The cited sources are tried first, then the others: a draft often cites the sentence
beside the one that gives its answer, or none (on the archive suites' dev halves this
answered 3 more of the 78 questions, 2 BBC and 1 Reuters, and no near miss).

Not for open questions (there is no answer of a kind to compare) or when the model
said the sources do not answer; and when the question names a year, the sentence or
its passage must name it too, and a sentence naming years of its own must name that one
(a 2004 figure does not answer a question about 2005). Nor when the cited article never
speaks of the question's words the draft repeats (asked which bank agreed to *lend*, a
draft naming a bank from a story about export credits): the source's sentence would
answer another question. Nor when the draft states as a fact a figure the sentence only
expects ("reserves were 72 billion dlrs" where the sentence says they "are likely to soar
to 72 billion"): asked what was reported, a forecast is no answer. On by default
(``RAG_RESCUE``); measured in the README.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from lang.text import numbers, strip_markers
from rag.answer_kind import YEAR, Asked
from rag.relations import forecast_as_fact
from rag.types import AnswerSentence, Evidence
from rag.verify import SupportScorer, unspoken_relation, verify_answer

REASON = "in the source's own words: the draft gave this answer but not as the source states it"


def rescue(
    dropped: Sequence[AnswerSentence], evidence: Sequence[Evidence], scorer: SupportScorer, asked: Asked,
    articles: Mapping[str, str],
) -> list[AnswerSentence]:  # fmt: skip
    """Verbatim source sentences standing in for dropped draft sentences (see the module doc)."""
    if asked.kind is None:
        return []
    out: list[AnswerSentence] = []
    used: set[int] = set()
    for sentence in dropped:
        answers = asked.answers_in(strip_markers(sentence.text)) - numbers(asked.text)  # not the question's own
        if not answers:
            continue
        # The cited sources first, then the others: a draft that gives the answer but
        # cites the sentence beside the one holding it, or none, is a citation slip.
        others = [m for m in range(1, len(evidence) + 1) if m not in sentence.citations]
        for n in [*sentence.citations, *others]:
            if n in used or not 1 <= n <= len(evidence):
                continue
            ev = evidence[n - 1]
            quote = " ".join(ev.quote.split())
            if not answers & asked.answers_in(quote):
                continue
            if asked.years and not _of_the_years(asked, quote, ev):
                continue
            if unspoken_relation(sentence.text, asked, articles.get(ev.article_id, f"{ev.title} {ev.passage}")):
                continue  # the article never speaks of what was asked ("per share"): its figure is another's
            if forecast_as_fact(sentence.text, [quote]):
                continue  # the draft states as done what the sentence only expects: no answer to what was reported
            checked = verify_answer(f"{quote} [{n}]", evidence, scorer, asked, True, articles).sentences
            if checked and all(s.supported and s.citations == [n] for s in checked):
                out.append(AnswerSentence(quote, [n], True, min(s.support for s in checked), REASON))
                used.add(n)
                break
    return out


def _of_the_years(asked: Asked, quote: str, ev: Evidence) -> bool:
    """Whether the sentence is about the years the question names: its own years when it
    names any ("up 27% from its 2003 performance" is not about 2005), else its passage's,
    title's or date's."""
    own = set(YEAR.findall(quote))
    if own:
        return asked.years <= own
    return asked.years <= set(YEAR.findall(f"{ev.title} {ev.passage} {ev.date or ''}"))
