"""The OpenAI backend end to end against a real OpenAI-compatible server on loopback.

The server is llama-cpp-python's own (``python -m llama_cpp.server``) serving the
bundled GGUF: a real HTTP server speaking the OpenAI API, no mock.
"""

from __future__ import annotations

import pytest

from rag.assistant import Assistant
from rag.llm import LLMError, OpenAIGenerator
from rag.settings import Settings

from tests.conftest import SAMPLE
from tests.servers import free_port, llama_server

pytestmark = pytest.mark.slow
KEY = "test-key-123"
ALIAS = "qwen2.5-1.5b-instruct"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from rag.model_files import ensure_model

    model = ensure_model(Settings().model_cache)
    log = tmp_path_factory.mktemp("llama-server") / "server.log"
    with llama_server(model, log, KEY, ALIAS) as base_url:
        yield base_url


def test_answers_through_the_server_with_verified_citations(server, tmp_path, real_embedder, monkeypatch):
    monkeypatch.setenv("OPENAI_BASE_URL", server)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    assistant = Assistant(Settings(home=tmp_path, llm="openai", llm_model=ALIAS), embedder=real_embedder)
    assistant.ingest([SAMPLE])
    answer = assistant.ask("Where will Witkoff fly on Saturday?")
    assert answer.backend == f"openai:{ALIAS}"
    assert not answer.abstained, answer.raw_answer
    assert "Rome" in answer.answer and any("Rome" in c.quote for c in answer.citations)
    assert answer.timings.first_token is not None


def test_bad_key_is_a_clear_error(server):
    gen = OpenAIGenerator(ALIAS, "wrong-key", server, timeout=30, max_tokens=8)
    with pytest.raises(LLMError, match="rejected the API key|HTTP 401"):
        list(gen.generate("Who?", []))


def test_refused_connection_is_a_clear_error():
    gen = OpenAIGenerator(ALIAS, KEY, f"http://127.0.0.1:{free_port()}/v1", timeout=5, max_tokens=8)
    with pytest.raises(LLMError, match="cannot connect"):
        list(gen.generate("Who?", []))


def test_timeout_is_a_clear_error(server):
    gen = OpenAIGenerator(ALIAS, KEY, server, timeout=0.001, max_tokens=64)
    with pytest.raises(LLMError, match="did not answer within|cannot connect"):
        list(gen.generate("Who attended the talks?", []))
