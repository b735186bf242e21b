"""Embeddings from an OpenAI-compatible /v1/embeddings endpoint (RAG_EMBED_URL), end to end.

The endpoint is another host's `rag api` (a real server process on loopback, serving the
bundled model); the client is the official ``openai`` package inside OpenAIEmbedder.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.embedder import EmbeddingServiceError, OpenAIEmbedder
from index.store import StoreError
from rag.assistant import Assistant
from rag.settings import Settings
from tests.conftest import SAMPLE
from tests.fakes import HashEmbedder
from tests.servers import free_port, serving, wait_for
from ui.api import create_app


def test_the_endpoint_returns_the_served_model_s_vectors_as_floats_and_base64(settings):
    local = HashEmbedder()
    with serving(create_app(Assistant(settings, embedder=local))) as url:
        remote = OpenAIEmbedder(local.name, f"{url}/v1", batch_size=2)  # batches of 2: order must hold
        texts = ["Witkoff flies to Rome.", "The ferry runs all winter.", "Bowness pier reopens."]
        for got, want in zip(remote.embed(texts), local.embed(texts), strict=True):
            assert got == pytest.approx(want, abs=1e-6)  # the openai client asks for base64 float32
        import httpx

        plain = httpx.post(f"{url}/v1/embeddings", json={"model": local.name, "input": "x", "encoding_format": "float"})
        assert plain.json()["data"][0]["embedding"] == pytest.approx(local.embed(["x"])[0])
        with pytest.raises(EmbeddingServiceError, match="not served here"):
            OpenAIEmbedder("text-embedding-3-small", f"{url}/v1").embed(["x"])
        assert httpx.post(f"{url}/v1/embeddings", json={"model": local.name, "input": []}).status_code == 400
    with pytest.raises(EmbeddingServiceError, match="cannot reach"):
        OpenAIEmbedder(local.name, f"http://127.0.0.1:{free_port()}/v1").embed(["x"])


@pytest.mark.slow
def test_an_index_embedded_through_another_host_s_rag_api(tmp_path, real_embedder):
    port = free_port()
    env = {**os.environ, "RAG_HOME": str(tmp_path / "server-home"), "RAG_LLM": "extractive", "RAG_API_KEY": "k"}
    cmd = [str(Path(sys.executable).parent / "rag"), "api", "--port", str(port)]
    base = f"http://127.0.0.1:{port}/v1"
    log = tmp_path / "api.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        wait_for(f"{base}/models", proc, 120, {"Authorization": "Bearer k"})
        os.environ["RAG_EMBED_API_KEY"] = "k"
        try:
            settings = Settings(home=tmp_path / "home", llm="extractive", embed_url=base)
            remote = Assistant(settings)
            assert remote.embedder.name == real_embedder.name
            remote.ingest([SAMPLE])
            answer = remote.ask("Where will Witkoff fly on Saturday?")
            assert not answer.abstained and "Rome" in answer.answer
            # The same vectors as the local model's: the index is the model's, not the host's.
            text = "Witkoff will fly to Rome on Saturday."
            (got,), (want,) = remote.embedder.embed([text]), real_embedder.embed([text])
            assert sum(a * b for a, b in zip(got, want, strict=True)) > 0.9999
            local = Assistant(Settings(home=tmp_path / "home", llm="extractive"), embedder=real_embedder)
            assert "Rome" in local.ask("Where will Witkoff fly on Saturday?").answer
            other = Settings(home=tmp_path / "home", llm="extractive", embed_url=base, embed_model="other-model")
            with pytest.raises(StoreError, match="other-model"):
                Assistant(other).search("Rome")
        finally:
            os.environ.pop("RAG_EMBED_API_KEY", None)
    finally:
        proc.terminate()
        proc.wait(20)
