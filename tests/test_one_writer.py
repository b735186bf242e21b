"""One writer at a time on the embedded index, and a reader that sees another process's writes.

Real processes on one RAG_HOME: a chat (this process) keeps answering while an ingest
in another process adds articles; a second writer waits for the first, or is told who
holds the index and what to do.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from rag.assistant import Assistant
from rag.settings import Settings
from tests.conftest import ROOT
from tests.fakes import HashEmbedder, ScriptedGenerator

pytestmark = pytest.mark.slow  # real child processes

CHILD = """
import sys
import pytest

from rag.assistant import Assistant
from rag.settings import Settings
from tests.fakes import HashEmbedder
settings = Settings(home=sys.argv[1], llm="extractive", write_wait=float(sys.argv[3]))
report = Assistant(settings, embedder=HashEmbedder()).ingest([sys.argv[2]])
print(report.summary())
"""

STORY = (
    "The harbour of Quillport reopened on Friday after the storm, the port authority said. "
    "Ferries to Skellig Bay resume on Monday, officials added."
)


def _ingest_elsewhere(home, path, wait=60.0) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-c", CHILD, str(home), str(path), str(wait)], capture_output=True, text=True, env=env,
        timeout=300,
    )  # fmt: skip


def _assistant(home) -> Assistant:
    return Assistant(Settings(home=home, llm="extractive"), embedder=HashEmbedder(), generator=ScriptedGenerator())


def test_a_running_reader_sees_what_another_process_ingested(tmp_path, sample_dir):
    home = tmp_path / "home"
    chat = _assistant(home)
    chat.ingest([sample_dir])
    assert chat.search("Witkoff Macron", k=3)  # the store is open and its vector index loaded
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "harbour.txt").write_text(STORY)
    done = _ingest_elsewhere(home, tmp_path / "new")
    assert done.returncode == 0 and "1 added" in done.stdout, done.stderr
    hits = chat.search("Quillport harbour reopened ferries Skellig", k=3)
    assert hits and "Quillport" in hits[0].text
    vector_only = chat.store.query(chat.embedder.embed(["Quillport harbour reopened"])[0], 20)
    assert any("Quillport" in p.text for p in vector_only)  # the vector index too, not only BM25


def test_a_second_writer_waits_for_the_first_or_is_told_who_holds_the_index(tmp_path):
    home = tmp_path / "home"
    writer = _assistant(home)
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "harbour.txt").write_text(STORY)
    with writer.lock.writing():
        refused = _ingest_elsewhere(home, tmp_path / "new", wait=1)
    assert refused.returncode != 0
    message = refused.stderr.strip().splitlines()[-1]
    assert f"being written by pid {os.getpid()}" in message and "RAG_CHROMA_URL" in message, message
    assert _assistant(home).store.count() == 0  # nothing half-written

    def hold_for_a_while():
        with writer.lock.writing():
            time.sleep(3)

    holder = threading.Thread(target=hold_for_a_while)
    holder.start()
    time.sleep(0.5)
    waited = _ingest_elsewhere(home, tmp_path / "new", wait=60)
    holder.join()
    assert waited.returncode == 0 and "1 added" in waited.stdout, waited.stderr
