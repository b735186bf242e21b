"""An ingest killed with a real SIGKILL midway: no half articles, and the next run completes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from index.chunker import chunk_article
from index.loader import load_articles, load_file
from rag.assistant import Assistant
from rag.settings import Settings
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CHILD = """
import sys
from rag.assistant import Assistant
from rag.settings import Settings
settings = Settings(home=sys.argv[1], llm="extractive", chunk_chars=300, ingest_batch_chunks=int(sys.argv[3]))
assistant = Assistant(settings)
def tick(state):
    print(len(state.report.added), flush=True)
assistant.ingest([sys.argv[2]], progress=tick)
print("done", flush=True)
"""


def _sentences(i):
    towns = ["Arlon", "Bree", "Cask", "Dorn", "Elm", "Fenwick", "Galt", "Hythe", "Ivel", "Jarrow"]
    town = towns[i % len(towns)]
    return " ".join([
        f"The council of {town} approved budget number {i} on Tuesday after a long debate.",
        f"Its spending on schools rises by {i % 17 + 1} percent, the mayor of {town} said.",
        f"Opposition members in {town} criticised item {i * 7} of the plan.",
        f"A final vote on amendment {i * 13} is expected next month, officials said.",
    ])  # fmt: skip


def _corpus(root, n=300):
    root.mkdir()
    for i in range(n):
        (root / f"article-{i:04d}.txt").write_text(_sentences(i))
    return root


def _dump(path, n=600):
    """One JSONL file of n articles, as archives arrive."""
    lines = [json.dumps({"title": f"Budget {i}", "date": "2024-03-01", "text": _sentences(i)}) for i in range(n)]
    path.write_text("\n".join(lines) + "\n")
    return path


def _kill_midway(home, source, batch, at_least):
    """Start an ingest in a child process and SIGKILL it once ``at_least`` articles are committed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(home), str(source), str(batch)], stdout=subprocess.PIPE, text=True, env=env
    )
    deadline = time.monotonic() + 300
    for line in child.stdout:
        if line.strip() == "done":
            break
        if int(line) >= at_least or time.monotonic() > deadline:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"


def test_sigkill_midway_leaves_whole_articles_and_the_next_run_completes(tmp_path, real_embedder):
    corpus = _corpus(tmp_path / "corpus")
    home = tmp_path / "home"
    _kill_midway(home, corpus, batch=256, at_least=60)

    expected = {}
    for path in sorted(corpus.glob("*.txt")):
        article = load_file(path)
        expected[article.article_id] = len(chunk_article(article, target_chars=300))
    settings = Settings(home=home, llm="extractive", chunk_chars=300)
    after_kill = Assistant(settings, embedder=real_embedder)
    rows = after_kill.store.articles()
    assert 0 < len(rows) < len(expected)
    for row in rows:  # whole articles only
        assert row["chunks"] == expected[row["article_id"]], row
    hits = after_kill.search("council budget schools mayor", k=3)  # the index still answers
    assert hits and hits[0].text

    report = Assistant(settings, embedder=real_embedder).ingest([corpus])
    final = Assistant(settings, embedder=real_embedder)
    assert final.store.count() == sum(expected.values())
    assert len(report.unchanged) == len(rows) and len(report.added) == len(expected) - len(rows)
    final.search("council", k=1)  # brings the keyword index in step if the kill fell between the two
    assert final.keyword.ids() == final.store.all_ids()


def test_sigkill_inside_one_jsonl_dump_keeps_committed_batches_and_embeds_nothing_twice(tmp_path, real_embedder):
    """One file of 600 articles: batches commit inside the file, so a kill loses only the batch in flight."""
    dump = _dump(tmp_path / "dump.jsonl")
    home = tmp_path / "home"
    _kill_midway(home, dump, batch=64, at_least=100)

    expected = {a.article_id: len(chunk_article(a, target_chars=300)) for a in load_articles(dump)[0]}
    settings = Settings(home=home, llm="extractive", chunk_chars=300, ingest_batch_chunks=64)
    rows = Assistant(settings, embedder=real_embedder).store.articles()
    assert 100 <= len(rows) < len(expected), "committed batches of the dump were lost (or none were written)"
    for row in rows:
        assert row["chunks"] == expected[row["article_id"]], row

    report = Assistant(settings, embedder=real_embedder).ingest([dump])
    stored_before = sum(row["chunks"] for row in rows)
    assert report.chunks_added == sum(expected.values()) - stored_before  # nothing embedded twice
    assert len(report.unchanged) == len(rows)
    final = Assistant(settings, embedder=real_embedder)
    assert final.store.count() == sum(expected.values())
    final.search("council", k=1)
    assert final.keyword.ids() == final.store.all_ids()
