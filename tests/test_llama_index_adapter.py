"""The assistant inside llama-index: our retriever in llama-index's own RetrieverQueryEngine
(retrieve -> postprocess -> synthesize), and our query engine behind llama-index's tool
interface, over a real embedded Chroma."""

from __future__ import annotations

import asyncio

import pytest
from llama_index.core.llms import MockLLM
from llama_index.core.postprocessor import SimilarityPostprocessor
from llama_index.core.query_engine import RetrieverQueryEngine
from llama_index.core.tools import QueryEngineTool

from index.loader import load_file
from rag.assistant import Assistant
from rag.llama_index import NewsQueryEngine, NewsRetriever
from rag.settings import Settings
from tests.conftest import SAMPLE
from tests.fakes import HashEmbedder

ARTICLES = {load_file(p).article_id: load_file(p).text for p in SAMPLE.glob("*.txt")}


@pytest.fixture
def assistant(settings):
    assistant = Assistant(settings, embedder=HashEmbedder())
    assistant.ingest([SAMPLE])
    return assistant


def test_the_retriever_runs_in_llama_index_s_own_query_engine(assistant):
    retriever = NewsRetriever(assistant, k=4)
    nodes = retriever.retrieve("Witkoff Rome Saturday")
    assert len(nodes) == 4 and any("Rome" in n.node.text for n in nodes)
    for n in nodes:
        meta = n.node.metadata
        assert ARTICLES[meta["article_id"]][meta["start"] : meta["end"]] == n.node.text  # offsets hold
    engine = RetrieverQueryEngine.from_args(
        retriever, llm=MockLLM(max_tokens=8), node_postprocessors=[SimilarityPostprocessor(similarity_cutoff=0.0)]
    )
    response = engine.query("Where will Witkoff fly on Saturday?")
    assert response.source_nodes and {n.node.node_id for n in response.source_nodes} <= {
        p.chunk_id for p in assistant.search("Where will Witkoff fly on Saturday?", 12)
    }


def test_the_query_engine_answers_with_verified_citations_as_source_nodes(assistant):
    engine = NewsQueryEngine(assistant)
    response = engine.query("Where will Witkoff fly on Saturday?")
    assert "Rome" in response.response and "[1]" in response.response
    assert response.metadata["abstained"] is False and all(s["supported"] for s in response.metadata["sentences"])
    first = response.source_nodes[0].node
    assert first.metadata["n"] == 1
    assert ARTICLES[first.metadata["article_id"]][first.metadata["start"] : first.metadata["end"]] == first.text
    # Async, and through llama-index's tool interface (what an agent calls).
    again = asyncio.run(engine.aquery("Where will Witkoff fly on Saturday?"))
    assert again.response == response.response
    tool = QueryEngineTool.from_defaults(engine, name="news", description="Cited answers from the news archive")
    output = tool.call("Where will Witkoff fly on Saturday?")
    assert "Rome" in output.content and output.raw_output.source_nodes


def test_abstention_comes_through_as_such(assistant):
    response = NewsQueryEngine(assistant).query("What is the capital of Australia?")
    assert response.metadata["abstained"] and response.source_nodes == [] and response.metadata["why"]


@pytest.mark.slow
def test_the_real_models_answer_through_llama_index(tmp_path, real_embedder, local_generator):
    assistant = Assistant(Settings(home=tmp_path / "home"), embedder=real_embedder, generator=local_generator)
    assistant.ingest([SAMPLE])
    response = NewsQueryEngine(assistant).query("Where will Witkoff fly on Saturday?")
    assert "Rome" in response.response and response.source_nodes
