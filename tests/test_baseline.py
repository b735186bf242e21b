"""The llama-index CitationQueryEngine baseline: its helpers, its mapping, and a real run."""

from __future__ import annotations

import re
import threading

import pytest
from llama_index.core import Settings as LlamaIndexSettings

from evals.baseline import (
    _SOURCE_MENTION,
    NOT_VERIFIED,
    BaselineError,
    CitationBaseline,
    LlamaCppLLM,
    answer_sentences,
    says_cannot_answer,
    split_source,
)
from evals.gold import GoldItem
from evals.runner import run_suite
from index.loader import load_file
from lang.text import find_markers
from rag.assistant import Assistant
from rag.llm import LocalGenerator
from rag.retriever import Filters
from rag.settings import Settings
from tests.conftest import SAMPLE
from tests.fakes import HashEmbedder

ARTICLES = {load_file(p).article_id: load_file(p).text for p in SAMPLE.glob("*.txt")}
PARIS = "Who attended the Paris talks?"


# -- fast: pure helpers ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "Empty Response",
        "The provided sources do not mention the capital of Australia.",
        "The sources don't say who won the 2030 World Cup [1].",
        "There is no information about the payment in the sources.",
        "The amount is not mentioned in the sources.",
        "I don't know.",
        "I cannot find the answer in the sources.",
        "The winner cannot be determined from the provided sources.",
        "None of the sources are helpful for this query.",
    ],
)
def test_says_cannot_answer_recognises_abstentions(text):
    assert says_cannot_answer(text)


@pytest.mark.parametrize(
    "text",
    [
        "Marco Rubio and Steve Witkoff attended the talks [1].",
        # A gap noted after an answer is still an answer.
        "Macron hosted the talks [1]. The sources do not mention Putin.",
        "Nothing about the provided sources is doubtful; Rubio met Barrot [2].",
    ],
)
def test_says_cannot_answer_leaves_answers_alone(text):
    assert not says_cannot_answer(text)


def test_split_source_strips_the_engines_label():
    assert split_source("Source 3:\nRubio flew to Paris.\n", 1) == (3, "Rubio flew to Paris.")
    assert split_source("Source 12:\nLine one.\nLine two.\n", 1) == (12, "Line one.\nLine two.")
    # Without the label the text is kept and the position numbers it.
    assert split_source("Rubio flew to Paris.", 4) == (4, "Rubio flew to Paris.")


def test_answer_sentences_count_prose_source_mentions_as_citations():
    text = "According to Source 1, Rubio flew to Paris. Sybiga and Oumerov went too [3]. Sources 2 and 4 name Sauter."
    assert answer_sentences(text) == [
        ("According to Source 1, Rubio flew to Paris.", [1]),
        ("Sybiga and Oumerov went too.", [3]),
        ("Sources 2 and 4 name Sauter.", [2, 4]),
    ]
    assert answer_sentences("Macron met Rubio [2] (Source 2, Source 5).") == [
        ("Macron met Rubio (Source 2, Source 5).", [2, 5])
    ]


# -- fast: the whole engine over a real Chroma, with a hashing embedder and a fake llama ----


class FakeLlama:
    """Stands in for llama_cpp.Llama: records the chat it was given, replies with a script."""

    def __init__(self, reply: str, lock: threading.Lock) -> None:
        self.reply = reply
        self.lock = lock
        self.calls: list[dict] = []

    def create_chat_completion(self, messages, max_tokens, temperature, stream=False):
        assert self.lock.locked(), "the generator's lock must be held around llama.cpp"
        self.calls.append({"messages": messages, "max_tokens": max_tokens, "temperature": temperature})
        if stream:
            words = re.findall(r"\S+\s*", self.reply)  # streamed in pieces, as llama.cpp does
            return iter([{"choices": [{"delta": {"content": w}}]} for w in words])
        return {"choices": [{"message": {"content": self.reply}}], "usage": {"prompt_tokens": 1}}


@pytest.fixture
def scripted_baseline(settings, sample_dir):
    """A baseline over a real Chroma with the sample ingested; the LLM replies with a script."""

    def make(reply: str) -> tuple[CitationBaseline, FakeLlama]:
        generator = LocalGenerator(SAMPLE / "no-model.gguf")  # never loaded: _llm is set below
        generator._llm = FakeLlama(reply, generator._lock)
        assistant = Assistant(
            settings.model_copy(update={"llm": "local"}), embedder=HashEmbedder(), generator=generator
        )
        assistant.ingest([sample_dir])
        return CitationBaseline(assistant), generator._llm

    return make


def test_citations_map_each_source_back_to_its_chunk_and_article(scripted_baseline):
    baseline, llama = scripted_baseline("Rubio and Witkoff met Macron in Paris [1]. Ukraine sent a delegation [2].")
    answer = baseline.ask(PARIS)

    assert not answer.abstained
    assert answer.answer.startswith("Rubio and Witkoff")
    # One user turn holding the engine's default prompt, at temperature 0.
    (call,) = llama.calls
    assert [m["role"] for m in call["messages"]] == ["user"] and call["temperature"] == 0.0
    assert "Please provide an answer based solely on the provided sources" in call["messages"][0]["content"]
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))
    assert len(answer.citations) == baseline.top_k  # sample chunks are shorter than a citation chunk
    for c in answer.citations:
        assert not c.quote.startswith("Source ")
        assert c.quote in c.passage
        assert ARTICLES[c.article_id][c.start : c.end] == c.quote
        assert ARTICLES[c.article_id][c.passage_start :].startswith(c.passage)
        assert c.title
    assert [(s.text, s.citations) for s in answer.sentences] == [
        ("Rubio and Witkoff met Macron in Paris.", [1]),
        ("Ukraine sent a delegation.", [2]),
    ]
    assert all(s.supported and s.support == 1.0 and s.reason == NOT_VERIFIED for s in answer.sentences)
    assert answer.timings.total >= answer.timings.retrieve > 0
    # Nothing fell back on llama-index's global defaults (an OpenAI LLM and embedding).
    assert LlamaIndexSettings._llm is None and LlamaIndexSettings._embed_model is None


def test_follow_ups_are_not_condensed_and_filters_are_refused(scripted_baseline):
    baseline, _ = scripted_baseline("The sources do not say.")
    assert baseline.standalone_question("Who will he meet?", ["Where will Witkoff fly?"]) == "Who will he meet?"
    assert baseline.ask("Who will he meet?", history=["Where will Witkoff fly?"]).abstained
    with pytest.raises(BaselineError, match="filters"):
        baseline.ask(PARIS, filters=Filters(source="Reuters"))


def test_an_empty_collection_gives_llama_index_empty_response_as_an_abstention(settings):
    generator = LocalGenerator(SAMPLE / "no-model.gguf")
    generator._llm = FakeLlama("never asked", generator._lock)
    assistant = Assistant(settings.model_copy(update={"llm": "local"}), embedder=HashEmbedder(), generator=generator)
    answer = CitationBaseline(assistant).ask(PARIS)
    assert (answer.answer, answer.abstained, answer.citations) == ("Empty Response", True, [])
    assert generator._llm.calls == []


def test_run_suite_accepts_the_baseline_in_place_of_an_assistant(scripted_baseline):
    baseline, _ = scripted_baseline("Sybiga and Oumerov went to Paris [3].")
    (record,) = run_suite(baseline, [GoldItem(PARIS, answers=["Sybiga"], history=["Where did Rubio fly?"])])
    assert record.answer.startswith("Sybiga") and not record.abstained
    assert len(record.retrieved) == 10 and all(r["article_id"] in ARTICLES for r in record.retrieved)
    assert record.sentences == [{"text": "Sybiga and Oumerov went to Paris.", "citations": [3], "supported": True}]
    assert set(record.citations) == set(record.contexts) == {1, 2, 3, 4, 5}


def test_stream_complete_holds_the_lock_and_accumulates():
    lock = threading.Lock()
    llm = LlamaCppLLM(FakeLlama("Rubio met Macron.", lock), lock)
    pieces = list(llm.stream_complete("prompt"))
    assert pieces[-1].text == "Rubio met Macron." and pieces[-1].delta == "Macron."
    assert llm.metadata.context_window == 4096 and llm.metadata.num_output == 256
    assert not lock.locked()


def test_an_extractive_assistant_is_refused_with_a_clear_error(settings):
    assistant = Assistant(settings, embedder=HashEmbedder())  # settings.llm == "extractive"
    with pytest.raises(BaselineError, match=r"RAG_LLM=local.*'extractive'"):
        CitationBaseline(assistant)


# -- slow: the real models --------------------------------------------------------------


@pytest.fixture(scope="module")
def real_baseline(tmp_path_factory, real_embedder, local_generator):
    home = tmp_path_factory.mktemp("home")
    assistant = Assistant(Settings(home=home, chroma_url=None), embedder=real_embedder, generator=local_generator)
    report = assistant.ingest([SAMPLE])
    assert len(report.added) == 2 and not report.skipped
    return CitationBaseline(assistant)


@pytest.mark.slow
def test_real_baseline_answers_the_paris_question_from_its_sources(real_baseline):
    answer = real_baseline.ask(PARIS)

    assert answer.answer and not answer.abstained, answer.answer
    assert "Rubio" in answer.answer, answer.answer
    assert answer.citations
    for c in answer.citations:
        assert c.article_id in ARTICLES
        assert c.quote and c.quote in ARTICLES[c.article_id]
        if c.start >= 0:
            assert ARTICLES[c.article_id][c.start : c.end] == c.quote
    numbers = {c.n for c in answer.citations}
    cited = {n for s in answer.sentences for n in s.citations}
    # Whether the engine's model writes "[n]" markers at all is the model's doing, not the wiring's:
    # with the 1.5B model it sometimes answers uncited (seen in CI), and the bench counts that as it
    # is. What the wiring owes: every marker written is read, and each names a source it was given.
    # (Marker parsing on scripted replies is tested above.)
    written = find_markers(answer.answer) or _SOURCE_MENTION.search(answer.answer)
    assert bool(cited) == bool(written), answer.answer
    assert cited <= numbers, (cited, numbers, answer.answer)
    assert all(s.supported and s.reason == NOT_VERIFIED for s in answer.sentences)
    assert answer.timings.total > 0
    # The same model object the assistant uses, not a second copy.
    assert real_baseline.llm._llama is real_baseline.assistant.generator._load()


@pytest.mark.slow
def test_real_baseline_search_returns_ingested_chunks_in_rank_order(real_baseline):
    passages = real_baseline.search(PARIS, k=10)
    assert passages
    assert len(passages) <= 10
    for p in passages:
        assert p.article_id in ARTICLES
        assert p.text in ARTICLES[p.article_id]
    scores = [p.score for p in passages]
    assert scores == sorted(scores, reverse=True)
    stored = real_baseline.assistant.store.all_ids()
    assert {p.chunk_id for p in passages} <= stored
