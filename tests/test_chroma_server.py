"""Server mode: every command against a real `chroma run` server on loopback."""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from rag.assistant import Assistant
from rag.cli import main
from rag.settings import Settings
from tests.conftest import SAMPLE
from tests.servers import free_port, running

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory):
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent))
    assert chroma, "chromadb's `chroma` command is not installed in this environment"
    port = free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    cmd = [chroma, "run", "--path", str(data), "--host", "127.0.0.1", "--port", str(port)]
    with running(cmd, f"http://127.0.0.1:{port}/api/v2/heartbeat", data / "server.log", timeout=60):
        yield f"http://127.0.0.1:{port}"


def test_ingest_search_and_ask_through_the_server(chroma_url, tmp_path, real_embedder):
    settings = Settings(home=tmp_path / "home", chroma_url=chroma_url, llm="extractive", collection="server_test")
    assistant = Assistant(settings, embedder=real_embedder)
    assert assistant.store.location == chroma_url
    report = assistant.ingest([SAMPLE])
    assert len(report.added) == 2
    count = assistant.store.count()
    # A second client (another process would do the same) sees the same data.
    other = Assistant(settings, embedder=real_embedder)
    assert other.store.count() == count
    assert len(other.ingest([SAMPLE]).unchanged) == 2 and other.store.count() == count
    assert not (tmp_path / "home" / "chroma").exists()  # nothing embedded on disk
    answer = other.ask("Where will Witkoff fly on Saturday?")
    assert not answer.abstained and any("Rome" in c.quote for c in answer.citations)


def test_cli_uses_the_server_from_rag_chroma_url(chroma_url, tmp_path):
    env = {"RAG_HOME": str(tmp_path / "home"), "RAG_CHROMA_URL": chroma_url, "RAG_COLLECTION": "cli_test"}
    assert CliRunner().invoke(main, ["ingest", str(SAMPLE)], env=env).exit_code == 0
    status = json.loads(CliRunner().invoke(main, ["status", "--json"], env=env).stdout)
    assert status["store"] == chroma_url and status["articles"] == 2


def test_unreachable_server_is_a_clear_error(tmp_path):
    env = {"RAG_HOME": str(tmp_path / "home"), "RAG_CHROMA_URL": f"http://127.0.0.1:{free_port()}"}
    result = CliRunner().invoke(main, ["status"], env=env)
    assert result.exit_code == 1 and "cannot reach the Chroma server" in result.output
