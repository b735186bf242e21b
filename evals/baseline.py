"""The baseline a user would pick instead of this project: llama-index's ``CitationQueryEngine``.

Why it exists: the eval suites should say how much the assistant's own pipeline
(hybrid retrieval, sentence evidence, verification, abstention) adds over the
out-of-the-box llama-index answer with citations. To make that a fair comparison
the baseline reads the SAME Chroma collection, embeds queries with the SAME
embedding model, and generates with the SAME in-process GGUF (the very
``llama_cpp.Llama`` object the assistant loaded), so only the pipeline differs.

``CitationBaseline`` has the methods ``evals.runner.run_suite`` calls
(``standalone_question``, ``search``, ``ask``), so it runs wherever an Assistant does.

What it deliberately does NOT do, since that is what is being measured:
  * no verification: every answer sentence is reported as supported (support 1.0,
    reason "baseline: not verified"), whatever it cites;
  * no condensing of follow-ups: ``history`` is ignored and the question is
    retrieved and answered as typed;
  * no tuning: the engine's default prompts, default ``citation_chunk_size``
    (512 tokens) and default compact response mode; vector retrieval only, top 5;
  * no metadata filters (``ask`` refuses them rather than silently ignoring them);
  * no relevance floor: abstention is only read off the model's own words.

Known limitations and out-of-the-box oddities it keeps on purpose:
  * the engine re-splits each retrieved chunk into "Source N" pieces and drops
    offsets; a citation's ``start``/``end`` are recovered by finding the piece in its
    chunk (exact text), and are -1 when it cannot be found;
  * the synthesizer renders every source with its metadata (MetadataMode.LLM: article
    id, title, date, file path, offsets), placed *above* the "Source N:" label, so
    it reads as the tail of the source before; on the sample about 460 of the prompt's
    1,220 tokens are metadata, and the model can "cite" a title that the quote (the
    source's text) does not contain;
  * small models often cite in prose ("According to Source 1, ...") instead of
    "[1]"; such mentions are counted as citations, or the baseline would cite nothing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from llama_index.core.base.embeddings.base import BaseEmbedding
from llama_index.core.llms import CompletionResponse, CompletionResponseGen, CustomLLM, LLMMetadata
from llama_index.core.llms.callbacks import llm_completion_callback
from pydantic import PrivateAttr

from rag.llm import LocalGenerator
from rag.retriever import Filters
from rag.types import Answer, AnswerSentence, Citation, Timings
from rag.verify import split_answer

if TYPE_CHECKING:
    from rag.assistant import Assistant

NAME = "llama-index CitationQueryEngine"
CONTEXT_WINDOW = 4096
NUM_OUTPUT = 256
NOT_VERIFIED = "baseline: not verified"

# How the engine labels each piece of context (CitationQueryEngine._create_citation_nodes):
# f"Source {n}:\n{text}\n".
_SOURCE_PREFIX = re.compile(r"\ASource (\d+):\n")

# Small models often cite in prose, the way the prompt labels the context ("According to
# Source 1, ..."), rather than as "[1]"; either way the sentence names its source.
_SOURCE_MENTION = re.compile(r"\bsources?\s+(\d+(?:\s*(?:,|and|&|or)\s*(?:source\s+)?\d+)*)", re.IGNORECASE)

# Typical ways a model says the sources do not hold the answer. "Empty Response" is
# what llama-index itself returns when nothing was retrieved.
_CANNOT_ANSWER = re.compile(
    r"\b(?:does|do|did)\s+not\s+(?:provide|mention|contain|say|specify|state|include)\b"
    r"|\b(?:doesn't|don't|didn't)\s+(?:provide|mention|contain|say|specify|state|include)\b"
    r"|\bno\s+(?:relevant\s+|specific\s+)?information\b"
    r"|\bnot\s+(?:mentioned|provided|specified|stated)\b"
    r"|\bI\s+(?:don't|do\s+not|cannot|can't)\s+(?:know|find|answer|determine)\b"
    r"|\bcannot\s+be\s+(?:determined|answered|found)\b"
    r"|\bnone\s+of\s+the\s+(?:provided\s+)?sources\b"
    r"|\AEmpty Response\Z",
    re.IGNORECASE,
)


class BaselineError(RuntimeError):
    """The baseline cannot be built for this assistant; the message says why."""


# -- pure helpers (unit-tested without models) ---------------------------------------


def says_cannot_answer(text: str) -> bool:
    """True when the answer is empty or opens by saying the sources do not hold it.

    Only the first sentence is read: "Macron attended [1]. The sources do not mention
    Putin." is an answer that notes a gap, not an abstention.
    """
    text = text.strip()
    if not text:
        return True
    sentences = split_answer(text)
    opening = sentences[0][0] if sentences else text
    return bool(_CANNOT_ANSWER.search(opening))


def answer_sentences(text: str) -> list[tuple[str, list[int]]]:
    """``split_answer`` pairs, with prose mentions ("Source 2", "Sources 1 and 3") counted as citations.

    The sentence text is kept as the model wrote it; only the citation numbers are added.
    """
    out = []
    for sentence, markers in split_answer(text):
        mentioned = [int(n) for group in _SOURCE_MENTION.findall(sentence) for n in re.findall(r"\d+", group)]
        out.append((sentence, list(dict.fromkeys([*markers, *mentioned]))))
    return out


def split_source(text: str, fallback_n: int) -> tuple[int, str]:
    """("Source 3:\\nSome text.\\n", _) -> (3, "Some text."): the engine's number and the bare quote."""
    match = _SOURCE_PREFIX.match(text)
    if match is None:
        return fallback_n, text.strip()
    return int(match.group(1)), text[match.end() :].strip()


# -- llama-index adapters over the assistant's own models ----------------------------


class AssistantEmbedding(BaseEmbedding):
    """llama-index's embedding interface over the assistant's embedder.

    Queries and texts go through the same ``embed``, exactly as the assistant's own
    retriever embeds queries, so both rank the same stored vectors with the same query.
    """

    _embedder: Any = PrivateAttr()

    def __init__(self, embedder: Any, **kwargs: Any) -> None:
        super().__init__(model_name=getattr(embedder, "name", "assistant-embedder"), **kwargs)
        self._embedder = embedder

    @classmethod
    def class_name(cls) -> str:
        return "AssistantEmbedding"

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._embedder.embed([query])[0]

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._embedder.embed([text])[0]

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._embedder.embed(list(texts))

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)


class LlamaCppLLM(CustomLLM):
    """llama-index's LLM interface over an already loaded ``llama_cpp.Llama``.

    Prompts go through ``create_chat_completion`` as one user turn, so the model gets
    the chat template stored in its GGUF, as it does in the assistant; temperature 0
    for the same determinism. The shared lock is the generator's: llama.cpp contexts
    are not thread-safe.
    """

    context_window: int = CONTEXT_WINDOW
    num_output: int = NUM_OUTPUT
    model_name: str = "local"
    _llama: Any = PrivateAttr()
    _lock: Any = PrivateAttr()
    # The last prompt and token usage, for comparing prompt sizes with the assistant's.
    _last_prompt: str = PrivateAttr(default="")
    _last_usage: dict[str, int] = PrivateAttr(default_factory=dict)

    def __init__(self, llama: Any, lock: Any, model_name: str = "local", **kwargs: Any) -> None:
        super().__init__(model_name=model_name, **kwargs)
        self._llama = llama
        self._lock = lock

    @classmethod
    def class_name(cls) -> str:
        return "LlamaCppLLM"

    @property
    def metadata(self) -> LLMMetadata:
        return LLMMetadata(context_window=self.context_window, num_output=self.num_output, model_name=self.model_name)

    @property
    def last_prompt(self) -> str:
        return self._last_prompt

    @property
    def last_usage(self) -> dict[str, int]:
        return dict(self._last_usage)

    def _messages(self, prompt: str) -> list[dict[str, str]]:
        self._last_prompt = prompt
        return [{"role": "user", "content": prompt}]

    @llm_completion_callback()
    def complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponse:
        with self._lock:
            out = self._llama.create_chat_completion(
                messages=self._messages(prompt), max_tokens=self.num_output, temperature=0.0
            )
        self._last_usage = dict(out.get("usage") or {})
        return CompletionResponse(text=out["choices"][0]["message"].get("content") or "", raw=out)

    @llm_completion_callback()
    def stream_complete(self, prompt: str, formatted: bool = False, **kwargs: Any) -> CompletionResponseGen:
        messages = self._messages(prompt)

        def pieces() -> CompletionResponseGen:
            text = ""
            with self._lock:
                stream = self._llama.create_chat_completion(
                    messages=messages, max_tokens=self.num_output, temperature=0.0, stream=True
                )
                for chunk in stream:
                    delta = chunk["choices"][0]["delta"].get("content")
                    if delta:
                        text += delta
                        yield CompletionResponse(text=text, delta=delta)

        return pieces()


# -- the baseline ----------------------------------------------------------------------


@dataclass(frozen=True)
class BaselinePassage:
    """A retrieved chunk as ``run_suite`` records it (``article_id``, ``text``), plus its id and score."""

    chunk_id: str
    article_id: str
    title: str
    text: str
    score: float


class CitationBaseline:
    """llama-index's CitationQueryEngine over an assistant's collection, embedder and GGUF.

    Construction is cheap; the index and engine are built on first use.
    """

    name = NAME

    def __init__(self, assistant: Assistant, top_k: int = 5) -> None:
        generator = assistant.generator
        if not isinstance(generator, LocalGenerator):
            # The point is the same model on both sides; another backend would compare models, not pipelines.
            raise BaselineError(
                f"CitationBaseline needs the local llama.cpp backend (RAG_LLM=local) to share its model; "
                f"this assistant's backend is {generator.name!r}."
            )
        self.assistant = assistant
        self.settings = assistant.settings
        self.top_k = top_k
        self._generator = generator
        self._index: Any = None
        self._engine: Any = None
        self._llm: LlamaCppLLM | None = None

    # -- lazily built llama-index objects --

    @property
    def index(self) -> Any:
        if self._index is None:
            from llama_index.core import VectorStoreIndex

            self._index = VectorStoreIndex.from_vector_store(
                self.assistant.store.vector_store, embed_model=AssistantEmbedding(self.assistant.embedder)
            )
        return self._index

    @property
    def llm(self) -> LlamaCppLLM:
        if self._llm is None:
            with self._generator._lock:  # _load is not locked itself; a concurrent answer may be loading too
                llama = self._generator._load()
            self._llm = LlamaCppLLM(llama, self._generator._lock, model_name=self._generator.name)
        return self._llm

    @property
    def engine(self) -> Any:
        if self._engine is None:
            from llama_index.core.query_engine import CitationQueryEngine

            # Defaults on purpose: prompts, citation_chunk_size, response mode.
            self._engine = CitationQueryEngine.from_args(self.index, llm=self.llm, similarity_top_k=self.top_k)
        return self._engine

    # -- what run_suite calls --

    def standalone_question(self, question: str, history: Sequence[str] = ()) -> str:
        """The question as typed: the baseline does not condense follow-ups."""
        return question

    def search(self, query: str, k: int = 10) -> list[BaselinePassage]:
        """The baseline retriever's top ``k`` chunks, best first (vector similarity only)."""
        nodes = self.index.as_retriever(similarity_top_k=k).retrieve(query)
        return [_passage(n) for n in nodes]

    def ask(self, question: str, filters: Filters | None = None, history: Sequence[str] = ()) -> Answer:
        """Run the engine and report its answer in the assistant's :class:`Answer` shape (unverified)."""
        if filters is not None and filters.describe():
            raise BaselineError("CitationBaseline does not support metadata filters.")
        if not question.strip():
            raise ValueError("The question is empty.")
        from llama_index.core.schema import QueryBundle

        engine, bundle, timings = self.engine, QueryBundle(question), Timings()
        began = time.perf_counter()
        # retrieve + synthesize is exactly what engine.query does; split to time the stages.
        nodes = engine.retrieve(bundle)
        timings.retrieve = time.perf_counter() - began
        response = engine.synthesize(bundle, nodes)
        timings.total = time.perf_counter() - began
        timings.generate = timings.total - timings.retrieve

        text = (response.response or "").strip()
        chunks = {n.node.node_id: n.node for n in nodes}
        return Answer(
            question=question,
            answer=text,
            abstained=says_cannot_answer(text),
            citations=[_citation(sn, i, chunks) for i, sn in enumerate(response.source_nodes, start=1)],
            sentences=[AnswerSentence(s, cited, True, 1.0, NOT_VERIFIED) for s, cited in answer_sentences(text)],
            searched=question,
            backend=f"{NAME} ({self._generator.name})",
            raw_answer=text,
            timings=timings,
        )


def _passage(scored: Any) -> BaselinePassage:
    from llama_index.core.schema import MetadataMode

    node = scored.node
    return BaselinePassage(
        chunk_id=node.node_id,
        article_id=str(node.metadata.get("article_id", "")),
        title=str(node.metadata.get("title") or ""),
        text=node.get_content(metadata_mode=MetadataMode.NONE),
        score=float(scored.score or 0.0),
    )


def _citation(source: Any, position: int, chunks: dict[str, Any]) -> Citation:
    """One "Source N" piece as a Citation; offsets found by exact search in its chunk."""
    from llama_index.core.schema import MetadataMode

    node = source.node
    n, quote = split_source(node.get_content(metadata_mode=MetadataMode.NONE), position)
    meta = node.metadata
    original = chunks.get(node.node_id)
    passage = original.get_content(metadata_mode=MetadataMode.NONE) if original is not None else quote
    offset = passage.find(quote) if quote else -1
    chunk_start = int(meta["start"]) if "start" in meta else -1
    start = chunk_start + offset if offset >= 0 and chunk_start >= 0 else -1
    return Citation(
        n=n,
        article_id=str(meta.get("article_id", "")),
        title=str(meta.get("title") or ""),
        quote=quote,
        start=start,
        end=start + len(quote) if start >= 0 else -1,
        chunk_id=node.node_id,
        passage=passage,
        passage_start=chunk_start,
        date=meta.get("date"),
        source=meta.get("source"),
        url=meta.get("url"),
    )
