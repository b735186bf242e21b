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


def test_two_processes_ingesting_overlapping_folders_at_once_both_land(chroma_url, tmp_path):
    """Server mode takes many writers: two `rag ingest` processes, started together on
    overlapping folders with one RAG_HOME (so one keyword index file), both succeed, and
    every article is stored once, in Chroma and in the keyword index."""
    import os
    import subprocess
    from itertools import islice

    from evals.archives import iter_records

    stories = list(islice(iter_records("bbc"), 90))
    folders = [tmp_path / "first", tmp_path / "second"]
    for folder, part in zip(folders, (stories[:60], stories[30:]), strict=True):
        folder.mkdir()
        for story in part:
            (folder / f"{story['id']}.txt").write_text(story["text"], encoding="utf-8")
    env = {**os.environ, "RAG_HOME": str(tmp_path / "home"), "RAG_CHROMA_URL": chroma_url,
           "RAG_COLLECTION": "two_writers", "RAG_INGEST_BATCH_CHUNKS": "32"}  # fmt: skip
    rag = str(Path(sys.executable).parent / "rag")
    procs = [
        subprocess.Popen([rag, "ingest", str(folder)], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for folder in folders
    ]
    outputs = [p.communicate(timeout=600)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs

    settings = Settings(home=tmp_path / "home", chroma_url=chroma_url, llm="extractive", collection="two_writers")
    assistant = Assistant(settings)
    articles = assistant.store.articles()
    assert len(articles) == 90, outputs
    chunks = list(assistant.store.iter_chunks())
    assert len({(c.article_id, c.start) for c in chunks}) == len(chunks)  # no chunk twice
    # The keyword index (one SQLite file, written by both) holds every chunk once too.
    assistant.search("warm-up", 1)
    assert assistant.keyword.count() == len(chunks)
    # A story only the first folder had, and one only the second had, are both found.
    for story in (stories[0], stories[-1]):
        assert any(p.title == story["title"] for p in assistant.search(story["title"], 5))


def test_a_second_host_learns_of_another_host_s_writes_and_deletes(chroma_url, tmp_path, real_embedder):
    """Two app hosts (two RAG_HOMEs, so two keyword indexes) on one Chroma server: what one
    ingests or deletes reaches the other's keyword search without a scan of every id."""
    import os
    import subprocess

    env = {**os.environ, "RAG_HOME": str(tmp_path / "host-a"), "RAG_CHROMA_URL": chroma_url,
           "RAG_COLLECTION": "two_hosts", "RAG_LLM": "extractive"}  # fmt: skip
    rag = str(Path(sys.executable).parent / "rag")

    def host_a(*args: str) -> str:
        done = subprocess.run([rag, *args], env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    host_a("ingest", str(SAMPLE))
    settings = Settings(home=tmp_path / "host-b", chroma_url=chroma_url, llm="extractive", collection="two_hosts")
    host_b = Assistant(settings, embedder=real_embedder)
    assert host_b.search("Witkoff Rome", 3)  # the first question syncs every id, once
    scans = []
    original = host_b.store.all_ids
    host_b.store.all_ids = lambda: scans.append(1) or original()

    news = tmp_path / "news"
    news.mkdir()
    (news / "quokka.txt").write_text(
        "date 2025-05-02 Quokka census\n\nRangers on Rottnest Island counted 12,000 quokkas in the spring census."
    )
    host_a("ingest", str(news))
    before = host_b.keyword.count()
    hits = host_b.keyword.search("quokkas Rottnest", 5)  # not there until B asks a question
    assert hits == []
    found = host_b.search("quokkas Rottnest census", 3)
    assert found[0].title == "Quokka census" and host_b.keyword.count() > before
    assert host_b.keyword.search("quokkas Rottnest", 5)  # B's BM25 has it now

    host_a("delete", found[0].article_id)
    after = host_b.search("quokkas Rottnest census", 3)
    assert all(p.title != "Quokka census" for p in after)
    assert host_b.keyword.search("quokkas Rottnest", 5) == []  # forgotten on B too
    assert scans == []  # no scan of every id after the first question
