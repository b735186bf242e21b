"""An ingest killed with a real SIGKILL midway: no half articles, and the next run completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from index.chunker import chunk_article
from index.loader import load_file
from rag.assistant import Assistant
from rag.settings import Settings
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

CHILD = """
import sys
from rag.assistant import Assistant
from rag.settings import Settings
assistant = Assistant(Settings(home=sys.argv[1], llm="extractive", chunk_chars=300))
def tick(path, report):
    print(len(report.added), flush=True)
assistant.ingest([sys.argv[2]], on_file=tick)
print("done", flush=True)
"""


def _corpus(root, n=300):
    root.mkdir()
    towns = ["Arlon", "Bree", "Cask", "Dorn", "Elm", "Fenwick", "Galt", "Hythe", "Ivel", "Jarrow"]
    for i in range(n):
        town = towns[i % len(towns)]
        sentences = [
            f"The council of {town} approved budget number {i} on Tuesday after a long debate.",
            f"Its spending on schools rises by {i % 17 + 1} percent, the mayor of {town} said.",
            f"Opposition members in {town} criticised item {i * 7} of the plan.",
            f"A final vote on amendment {i * 13} is expected next month, officials said.",
        ]
        (root / f"article-{i:04d}.txt").write_text(" ".join(sentences))
    return root


def test_sigkill_midway_leaves_whole_articles_and_the_next_run_completes(tmp_path, real_embedder):
    corpus = _corpus(tmp_path / "corpus")
    home = tmp_path / "home"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(home), str(corpus)], stdout=subprocess.PIPE, text=True, env=env
    )
    deadline = time.monotonic() + 300
    added = 0
    for line in child.stdout:
        if line.strip() == "done":
            break
        added = int(line)
        if added >= 60 or time.monotonic() > deadline:
            os.kill(child.pid, signal.SIGKILL)
            break
    child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"

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
