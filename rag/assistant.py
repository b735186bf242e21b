"""The public Python API: ``Assistant().ask(question) -> Answer``.

Example:
    >>> from rag import Assistant
    >>> assistant = Assistant()                      # settings from RAG_* variables
    >>> assistant.ingest(["data/sample"])            # doctest: +SKIP
    >>> answer = assistant.ask("Who attended the Paris talks?")  # doctest: +SKIP
    >>> print(answer.answer, answer.citations[0].quote)          # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from index.embedder import Embedder, make_embedder
from index.ingest import Ingestor, IngestReport, catch_up_keyword_index, sync_keyword_index
from index.keyword import KeywordIndex
from index.lock import IndexLock
from index.store import ChunkStore
from index.types import Passage
from rag.answer_kind import Asked
from rag.complete import completion_candidates
from rag.condense import condense
from rag.conflicts import find_conflicts
from rag.evidence import select_evidence
from rag.instructions import mask_instructions
from rag.judge import LLMJudgeScorer
from rag.llm import ExtractiveGenerator, Generator, LocalGenerator, make_generator
from rag.prompts import says_not_found
from rag.rescue import rescue
from rag.retriever import Filters, HybridRetriever, VectorRetriever
from rag.settings import Settings
from rag.types import Answer, AnswerSentence, Citation, Conflict, Evidence, Sources, Timings
from rag.verify import (
    LexicalEmbeddingScorer,
    SupportScorer,
    answers_the_kind_asked,
    base_scorer,
    speaks_of_the_question,
    states_the_years,
    verify_answer,
)

ABSTAIN_TEXT = "The articles do not say."


class Assistant:
    """Ingest articles, search them, and answer questions with verified citations.

    Every collaborator can be passed in (tests pass fakes); by default they are built
    from ``settings`` and loaded on first use, so constructing an Assistant is cheap.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        embedder: Embedder | None = None,
        store: ChunkStore | None = None,
        generator: Generator | None = None,
        scorer: SupportScorer | None = None,
    ) -> None:
        self.settings = settings or Settings()
        self.embedder = embedder or make_embedder(self.settings)
        self.store = store or ChunkStore(
            self.settings.chroma_path, self.settings.collection, self.settings.chroma_url,
            embedding_model=getattr(self.embedder, "name", None),
        )  # fmt: skip
        self._generator = generator
        self.scorer = scorer or self._default_scorer(generator)
        self.keyword = KeywordIndex(self.settings.home / "keyword.sqlite3")
        self.retriever = (
            HybridRetriever(self.store, self.keyword, self.embedder)
            if self.settings.retrieval == "hybrid"
            else VectorRetriever(self.store, self.embedder)
        )
        self._synced = False
        self.lock = IndexLock(self.settings.home, self.settings.write_wait)
        self._generation = self.lock.generation()  # the store opens lazily, after this
        self._condensed: dict[tuple[str, tuple[str, ...]], str] = {}

    def variant(self, **overrides: Any) -> Assistant:
        """The same index and models with other settings (another backend, another top-k)."""
        settings = self.settings.model_copy(update=overrides)
        same_backend = settings.llm == self.settings.llm
        same_scorer = same_backend and all(
            getattr(settings, k) == getattr(self.settings, k) for k in ("judge", "judge_min_yes", "min_support")
        )
        return Assistant(
            settings, embedder=self.embedder, store=self.store,
            generator=self.generator if same_backend else None, scorer=self.scorer if same_scorer else None,
        )  # fmt: skip

    def _default_scorer(self, generator: Generator | None) -> SupportScorer:
        """The lexical checks, with the local model's veto when ``settings.judge`` asks for it.

        The judge needs the llama.cpp model (the local backend); with another backend,
        or a generator passed in that is not a :class:`LocalGenerator`, it is off. It
        asks the same model in a context of its own (``LocalGenerator.fork``), so that
        the answer's prompt prefix and the judge's both stay cached.
        """
        lexical = LexicalEmbeddingScorer(self.embedder, self.settings.min_support)
        local = self.settings.llm == "local" and (generator is None or isinstance(generator, LocalGenerator))
        if self.settings.judge == "off" or not local:
            return lexical
        return LLMJudgeScorer(
            lexical, lambda: self.generator.fork(), mode=self.settings.judge, min_yes=self.settings.judge_min_yes
        )

    @property
    def generator(self) -> Generator:
        if self._generator is None:
            self._generator = make_generator(self.settings)
        return self._generator

    # -- the index ----------------------------------------------------------------

    def ingest(self, paths: Sequence[str | Path], progress=None, sync: bool = False) -> IngestReport:
        """Ingest files and folders, committing batch by batch; ``progress`` gets an
        :class:`index.ingest.Progress` after every batch and file. See
        :meth:`index.ingest.Ingestor.ingest_paths`."""
        with self._writing():
            return self._ingestor().ingest_paths([Path(p) for p in paths], progress=progress, sync=sync)

    def delete(self, article_id: str) -> int:
        """Remove an article from the index; returns how many chunks it had."""
        with self._writing():
            return self._ingestor().delete_article(article_id)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """One writer at a time on an embedded index (``index.lock``); a Chroma server takes many."""
        if self.settings.chroma_url:
            yield
            return
        with self.lock.writing():
            self._fresh()  # what others wrote before this run
            yield

    def _committed(self) -> None:
        if not self.settings.chroma_url:
            self._generation = self.lock.bump()

    def _fresh(self) -> None:
        """Reopen the embedded store when another process has written to it since we looked."""
        if self.settings.chroma_url:
            return
        generation = self.lock.generation()
        if generation != self._generation:
            self.store.reopen()
            self._synced = False
            self._generation = generation

    def _ingestor(self) -> Ingestor:
        return Ingestor(
            self.store, self.embedder, self.settings.chunk_chars, self.settings.chunk_overlap_sentences, self.keyword,
            fields=self.settings.field_map(), batch_chunks=self.settings.ingest_batch_chunks,
            committed=self._committed,
        )  # fmt: skip

    def warm_up(self) -> float:
        """Load the models now instead of on the first question; returns the seconds it took.

        The embedding model, the keyword index's sync, and for the local backend the
        GGUF with its prompt prefix evaluated (``LocalGenerator.warm_up``), and the
        judge's context with its own prefix when ``RAG_JUDGE`` is on.
        """
        began = time.perf_counter()
        self.search("warm-up", 1)
        warm = getattr(self.generator, "warm_up", None)
        if warm is not None:
            warm()
        judge = getattr(self.scorer, "judge", None)
        if judge is not None:
            judge.warm_up()
        return time.perf_counter() - began

    def status(self) -> dict[str, Any]:
        articles = self.store.articles()
        return {
            "articles": len(articles),
            "chunks": self.store.count(),
            "store": self.store.location,
            "collection": self.store.collection_name,
            "embedding_model": self.embedder.name,
            "llm": self.settings.llm,
        }

    # -- questions ------------------------------------------------------------------

    def search(self, query: str | Asked, k: int | None = None, filters: Filters | None = None) -> list[Passage]:
        """Ranked passages for ``query`` (a question, or one already read: :class:`Asked`); no LLM is called."""
        self._fresh()
        if not self._synced:
            self._keyword_in_step()
            self._synced = True
        elif self.settings.chroma_url:
            # Other hosts may write to the same server: learn what they wrote since.
            catch_up_keyword_index(self.store, self.keyword)
        return self.retriever.retrieve(query, k or self.settings.top_k, filters)

    def _keyword_in_step(self) -> None:
        """Bring the keyword index in step with the store, once per process.

        Chunks written since it last looked are found by their ingest sequence (one
        query); a crash between the store's write and the index's leaves one of those,
        or a count that differs, which only then costs a comparison of every id (minutes
        at a million chunks). An index that never looked compares every id once.
        """
        if self.keyword.get_state("ingest_seq"):
            catch_up_keyword_index(self.store, self.keyword)
            if self.keyword.count() == self.store.count():
                return
        began = time.time_ns() // 1000
        sync_keyword_index(self.store, self.keyword)
        self.keyword.set_state("ingest_seq", began)

    def standalone_question(self, question: str, history: Sequence[str] = ()) -> str:
        """A follow-up made self-contained with the conversation's earlier questions.

        "Who will he meet there?" after "Where will Witkoff fly on Saturday?" is
        rewritten by the LLM (see rag.condense); without one, the earlier questions
        are appended. Results are remembered, so retrieval and answering agree.
        """
        key = (question.strip(), tuple(history))
        if key not in self._condensed:
            self._condensed[key] = condense(question, history, self.generator)
        return self._condensed[key]

    def ask(self, question: str, filters: Filters | None = None, history: Sequence[str] = ()) -> Answer:
        """Answer ``question`` from the articles, or abstain when they do not say.

        ``history`` holds the conversation's earlier questions, oldest first.
        """
        answer = None
        for event in self.stream(question, filters, history):
            if isinstance(event, Answer):
                answer = event
        assert answer is not None
        return answer

    def stream(
        self, question: str, filters: Filters | None = None, history: Sequence[str] = ()
    ) -> Iterator[Sources | str | Answer]:
        """Yield the sources first, then the answer's text as it is generated, then the verified :class:`Answer`.

        The :class:`Sources` event comes before any model token: the numbered sources the
        model reads and, when the evidence is strong, a verified extractive preview built
        from them. An abstention without a model call yields the :class:`Answer` alone.
        """
        if not question.strip():
            raise ValueError("The question is empty.")
        question = self.standalone_question(question, history)
        filters = filters or Filters()
        timings = Timings()
        began = time.perf_counter()
        searched = question + (f" ({filters.describe()})" if filters.describe() else "")

        asked = Asked.of(question)
        # Text that speaks to an assistant is blanked before anything reads the passages:
        # it is never a source, nor the context a claim is verified against.
        passages = [replace(p, text=mask_instructions(p.text)) for p in self.search(asked, filters=filters)]
        best = max((p.score for p in passages), default=0.0)
        evidence = select_evidence(asked, passages, self.embedder, self.settings.evidence_sentences)
        timings.retrieve = time.perf_counter() - began
        floor = self.settings.min_evidence
        if self.generator.name == "extractive":
            floor = max(floor, self.settings.extractive_min_evidence)
        if best < self.settings.min_relevance or not evidence or max(e.score for e in evidence) < floor:
            # Nothing relevant enough: say so without asking a model to guess.
            timings.total = time.perf_counter() - began
            yield self._abstain(question, searched, timings, "", "no passage is relevant enough to ask the model")
            return

        articles = self._article_texts(evidence)
        yield self._sources(asked, searched, evidence, articles, began)
        timings.first_source = time.perf_counter() - began
        pieces: list[str] = []
        gen_began = time.perf_counter()
        for piece in self.generator.generate(question, evidence):
            if timings.first_token is None:
                timings.first_token = time.perf_counter() - began
            pieces.append(piece)
            yield piece
        raw = "".join(pieces).strip()
        timings.generate = time.perf_counter() - gen_began
        yield self._verified(raw, asked, searched, evidence, articles, timings, began, self.scorer)

    def _article_texts(self, evidence: Sequence[Evidence]) -> dict[str, str]:
        """The cited articles' texts (for what they are about), instructions masked."""
        texts = self.store.article_texts([ev.article_id for ev in evidence])
        return {article_id: mask_instructions(text) for article_id, text in texts.items()}

    def _sources(
        self, asked: Asked, searched: str, evidence: Sequence[Evidence], articles: dict[str, str], began: float
    ) -> Sources:
        """The numbered sources and, when the evidence is strong, a verified extractive preview.

        The preview is the best source sentences themselves, checked like any answer (with
        the lexical checks only: it must come in well under a second) and numbered as the
        sources are; it is offered only when the generator is a model, which it precedes.
        """
        citations = [Citation.from_evidence(n, ev) for n, ev in enumerate(evidence, start=1)]
        preview = None
        if (
            self.generator.name != "extractive"
            and max(e.score for e in evidence) >= self.settings.extractive_min_evidence
        ):
            raw = "".join(ExtractiveGenerator().generate(asked.text, evidence)).strip()
            timings = Timings()
            answer = self._verified(
                raw, asked, searched, evidence, articles, timings, began, base_scorer(self.scorer), renumber=False
            )
            if not answer.abstained:
                preview = replace(answer, backend="extractive preview")
        return Sources(citations, preview, round(time.perf_counter() - began, 4))

    def _verified(
        self, raw: str, asked: Asked, searched: str, evidence: Sequence[Evidence], articles: dict[str, str],
        timings: Timings, began: float, scorer: SupportScorer, renumber: bool = True,
    ) -> Answer:  # fmt: skip
        """The draft ``raw`` verified sentence by sentence: the answer shown, or an abstention saying why.

        The answer's sources are renumbered 1..m in order of use, or keep the numbers of
        ``evidence`` (``renumber=False``: the preview, shown beside all the sources)."""
        question = asked.text
        verify_began = time.perf_counter()
        checked = [] if says_not_found(raw) else verify_answer(raw, evidence, scorer, asked, True, articles).sentences
        dropped = [s for s in checked if not s.supported]
        if self.settings.rescue and dropped and not any(s.supported for s in checked):
            # Nothing of the draft stands as written: the cited source's own sentence may.
            checked = checked + rescue(dropped, evidence, base_scorer(scorer), asked, articles)
        verified_sentences = checked if self.settings.keep_unsupported else [s for s in checked if s.supported]
        listed = any(s.items for s in verified_sentences if s.supported)  # the model named them one by one
        if self.settings.complete_lists and not listed and any(s.supported for s in verified_sentences):
            verified_sentences += self._completions(question, verified_sentences, evidence)
        timings.verify = time.perf_counter() - verify_began
        timings.total = time.perf_counter() - began
        supported = [s for s in verified_sentences if s.supported]
        supported_text = " ".join(s.text for s in supported)
        quotes = [evidence[n - 1].scoring_text for s in supported for n in s.citations]
        # A list item's claim carries the question's words ("Sybiga attended the Paris
        # talks") and stood only where its cited article uses them (rag.verify's
        # unspoken_relation): it speaks of the question where its one sentence may not.
        quotes += [item.claim for s in supported for item in s.items]
        why = _why_abstain(raw, supported_text, asked, quotes)
        if not why and not states_the_years(asked, [evidence[n - 1] for s in supported for n in s.citations]):
            why = f"the cited sentences do not speak of {', '.join(sorted(asked.years))}"
        if why:
            return self._abstain(question, searched, timings, raw, why, dropped)
        # The answer is the first verified sentence giving what was asked: do other sources give another?
        claim = next((s for s in supported if asked.answers_in(s.text)), None) if self.settings.conflicts else None
        conflicts = find_conflicts(asked, claim.text, set(claim.citations), evidence) if claim else []
        answer = self._compose(question, searched, raw, verified_sentences, evidence, timings, renumber, conflicts)
        answer.dropped = [] if self.settings.keep_unsupported else dropped
        return answer

    def _completions(
        self, question: str, sentences: list[AnswerSentence], evidence: Sequence[Evidence]
    ) -> list[AnswerSentence]:
        """Sources naming people a "who" answer left out, added verbatim (see rag.complete)."""
        cited = {n for s in sentences for n in s.citations}
        text = " ".join(s.text for s in sentences)
        added = []
        for n in completion_candidates(question, text, evidence, cited):
            quote = " ".join(evidence[n - 1].quote.split())
            # A source's own sentence: the lexical checks, never the judge's second opinion.
            support = base_scorer(self.scorer).score(quote, [evidence[n - 1].quote], question, evidence[n - 1].passage)
            if support.supported:
                added.append(AnswerSentence(quote, [n], True, support.score, "added from the sources"))
        return added

    def _abstain(
        self, question: str, searched: str, timings: Timings, raw: str, why: str,
        dropped: Sequence[AnswerSentence] = (),
    ) -> Answer:  # fmt: skip
        return Answer(
            question=question, answer=ABSTAIN_TEXT, abstained=True, searched=searched,
            backend=self._backend_name(), raw_answer=raw, timings=timings, why=why, dropped=list(dropped),
        )  # fmt: skip

    def _backend_name(self) -> str:
        return self._generator.name if self._generator is not None else self.settings.llm

    def _compose(
        self, question: str, searched: str, raw: str, sentences: list[AnswerSentence],
        evidence: Sequence[Evidence], timings: Timings, renumber: bool = True, conflicts: Sequence[Conflict] = (),
    ) -> Answer:  # fmt: skip
        """Renumber the sources actually cited as 1..m, in order of first use (or keep their numbers).

        Each conflict's sentence ends the text, its sides' sources numbered after the answer's."""
        numbering: dict[int, int] = {}
        used = [n for sentence in sentences for n in sentence.citations]
        for n in used + [n for c in conflicts for side in c.sides for n in side.sources]:
            numbering.setdefault(n, len(numbering) + 1 if renumber else n)
        renumbered = [s.renumbered(numbering) for s in sentences]
        citations = [Citation.from_evidence(new, evidence[old - 1]) for old, new in numbering.items()]
        shown_conflicts = [c.renumbered(numbering) for c in conflicts]
        text = " ".join([_with_markers(s) for s in renumbered] + [c.sentence() for c in shown_conflicts])
        return Answer(
            question=question, answer=text, abstained=False, citations=citations, sentences=renumbered,
            searched=searched, backend=self._backend_name(), raw_answer=raw, timings=timings,
            conflicts=shown_conflicts,
        )  # fmt: skip


def _why_abstain(raw: str, supported_text: str, asked: Asked, quotes: Sequence[str]) -> str:
    """Why an answer that was drafted is not shown ("" when it is)."""
    if says_not_found(raw):
        return "the model found no answer in the sources"
    if not supported_text:
        return "no sentence of the draft is stated by the source it cites"
    if not answers_the_kind_asked(asked, supported_text):
        return f"the verified sentences do not give what a {asked.kind or 'open'} question asks for"
    if not speaks_of_the_question(asked, quotes):
        return "the cited sources do not speak of what the question asks"
    return ""


def _with_markers(sentence: AnswerSentence) -> str:
    """ "He met Macron." + [1, 2] -> "He met Macron [1][2]."; a list's items each with their own."""
    out = []
    pieces = sentence.segments()
    for i, (text, citations) in enumerate(pieces):
        markers = "".join(f"[{n}]" for n in citations)
        flag = " (unsupported)" if not sentence.supported and i == max(len(pieces) - 2, 0) else ""
        out.append(f"{text} {markers}{flag}" if markers or flag else text)
    return "".join(out).replace("  ", " ")
