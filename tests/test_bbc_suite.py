"""The BBC suite through the gate, on a reduced archive, with the real local model.

The archive is one JSONL dump as users bring it: the suite's gold articles (and the
articles its unanswerable questions are baited with) among a fixed sample of the
others, 300 in all, read from ../shared at run time. The dev half of the questions
runs here (about 7 minutes on 2 cores); `make bench` runs the test half over the
whole archive (evals/bench/archive_eval.py). Every negative control, the stitched
support among them, must fail the same gate.
"""

from __future__ import annotations

import pytest

from evals import controls
from evals.archives import write_reduced
from evals.gate import check, load_thresholds
from evals.gold import load_suite
from evals.report import write_reports
from evals.runner import run_suite, score
from rag.assistant import Assistant
from rag.settings import Settings
from tests.conftest import ROOT

pytestmark = pytest.mark.slow
SUITE = ROOT / "evals" / "suites" / "bbc.jsonl"
ARTICLES = 300


@pytest.fixture(scope="module")
def bbc_run(tmp_path_factory, real_embedder, local_generator):
    tmp = tmp_path_factory.mktemp("bbc")
    titles = {t for item in load_suite(SUITE) for t in item.titles}
    dump = write_reduced("bbc", titles, tmp / "bbc.jsonl", ARTICLES)
    assistant = Assistant(Settings(home=tmp / "home"), embedder=real_embedder, generator=local_generator)
    report = assistant.ingest([dump])
    # The dump repeats a few texts (kept once) and near-duplicates (reported, not added).
    assert report.ok and len(assistant.store.articles()) >= ARTICLES - 15, report.summary()
    assert report.duplicates, "the sample no longer holds a near-duplicate: the re-ingest test proves less"
    return assistant, run_suite(assistant, load_suite(SUITE, "dev")), dump, report


def test_ingesting_the_dump_again_changes_nothing_and_embeds_nothing(bbc_run):
    assistant, _, dump, first = bbc_run
    count, calls = assistant.store.count(), []
    embed = assistant.embedder.embed
    assistant.embedder.embed = lambda texts: calls.append(len(texts)) or embed(texts)
    try:
        again = assistant.ingest([dump])
    finally:
        del assistant.embedder.embed
    assert again.chunks_added == 0 and again.chunks_removed == 0 and assistant.store.count() == count
    assert sorted(d.reason for d in again.duplicates) == sorted(d.reason for d in first.duplicates)
    assert calls == []  # near-duplicates skipped the first time are not embedded again


def test_local_model_passes_the_gate_on_the_bbc_dev_half(bbc_run):
    assistant, records, _, _ = bbc_run
    run = score(records, assistant.scorer)
    gate = check(run.aggregate, load_thresholds(SUITE))
    meta = {"suite": f"{SUITE} (dev, {ARTICLES} articles)", "backend": assistant._backend_name(),
            "judge": {"skipped": True, "reason": "test"}}  # fmt: skip
    write_reports(ROOT / "test-artifacts" / "eval-bbc", run.records, run.aggregate, gate, meta)
    assert gate.passed, (gate.failures, run.aggregate)
    assert run.aggregate["stitched_rate"] == 0.0


@pytest.mark.parametrize("name", controls.general())
def test_every_negative_control_fails_the_bbc_gate(bbc_run, name):
    assistant, records, _, _ = bbc_run
    run = score(controls.apply(name, records), assistant.scorer)
    assert not check(run.aggregate, load_thresholds(SUITE)).passed, f"control {name} passed: {run.aggregate}"
