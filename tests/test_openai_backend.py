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


def test_llm_judge_tier_runs_against_the_server(server, monkeypatch):
    from evals.gold import GoldItem
    from evals.judge import judge
    from evals.records import Record

    quote = "Witkoff will fly to Rome on Saturday for a second round of discussions with Abbas Araghchi."
    good = Record(
        item=GoldItem("Where?", ["Rome"]), answer="", abstained=False,
        sentences=[{"text": "Witkoff will fly to Rome on Saturday.", "citations": [1], "supported": True}],
        citations={1: quote}, retrieved=[], latency=1.0,
    )  # fmt: skip
    monkeypatch.setenv("OPENAI_BASE_URL", server)
    monkeypatch.setenv("OPENAI_API_KEY", KEY)
    result = judge([good], ALIAS)
    assert result["skipped"] is False and result["claims"] == 1
    assert result["faithfulness"] in (0.0, 1.0)
    monkeypatch.delenv("OPENAI_BASE_URL")
    assert judge([good], ALIAS)["skipped"] is True


def test_eval_generate_drafts_questions_with_evidence(server, tmp_path, monkeypatch):
    import json

    from click.testing import CliRunner

    from rag.cli import main

    out = tmp_path / "draft.jsonl"
    env = {"RAG_HOME": str(tmp_path), "RAG_LLM": "openai", "RAG_LLM_MODEL": ALIAS, "OPENAI_BASE_URL": server,
           "OPENAI_API_KEY": KEY}  # fmt: skip
    result = CliRunner().invoke(main, ["eval", "generate", str(SAMPLE), "--n", "3", "--out", str(out)], env=env)
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in out.read_text().splitlines()]
    assert 1 <= len(items) <= 3
    texts = " ".join(p.read_text() for p in SAMPLE.glob("*.txt"))
    for item in items:
        assert item["question"].strip()
        assert item["evidence"][0] in texts and item["answers"][0]
