"""Suite (a) through the gate with the real local model, and every control failing it.

The real run takes a few minutes (48 questions on 2 cores); the controls reuse its
records and break them, as the design suggests, instead of generating again.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from evals import controls
from evals.gate import check, load_thresholds
from evals.gold import load_suite
from evals.report import write_reports
from evals.runner import run_suite, score
from rag.assistant import Assistant
from rag.cli import main
from rag.settings import Settings
from tests.conftest import ROOT, SAMPLE

pytestmark = pytest.mark.slow
SUITE = ROOT / "evals" / "suites" / "sample.jsonl"
ARTIFACTS = ROOT / "test-artifacts" / "eval"


@pytest.fixture(scope="module")
def local_run(tmp_path_factory, real_embedder, local_generator):
    home = tmp_path_factory.mktemp("eval-home")
    assistant = Assistant(Settings(home=home), embedder=real_embedder, generator=local_generator)
    assistant.ingest([SAMPLE])
    records = run_suite(assistant, load_suite(SUITE))
    return assistant, records


def test_local_model_passes_the_gate_on_the_sample_suite(local_run):
    assistant, records = local_run
    run = score(records, assistant.scorer)
    gate = check(run.aggregate, load_thresholds(SUITE))
    meta = {"suite": str(SUITE), "backend": assistant._backend_name(), "judge": {"skipped": True, "reason": "test"}}
    write_reports(ARTIFACTS / "local", run.records, run.aggregate, gate, meta)
    assert gate.passed, (gate.failures, run.aggregate)


@pytest.mark.parametrize("name", controls.general())
def test_every_negative_control_fails_the_gate(local_run, name):
    assistant, records = local_run
    run = score(controls.apply(name, records), assistant.scorer)
    gate = check(run.aggregate, load_thresholds(SUITE))
    assert not gate.passed, f"control {name} passed the gate: {run.aggregate}"


def test_cli_gate_exit_status_with_and_without_a_control(tmp_path):
    env = {"RAG_HOME": str(tmp_path / "home")}
    report = tmp_path / "report"
    ok = CliRunner().invoke(
        main, ["eval", str(SUITE), "--corpus", str(SAMPLE), "--backend", "extractive", "--report", str(report)], env=env
    )
    assert ok.exit_code == 0, ok.output
    data = json.loads((report / "report.json").read_text())
    assert data["gate"]["passed"] and len(data["records"]) == len(load_suite(SUITE))
    assert "LLM judge tier SKIPPED" in (report / "report.html").read_text()
    broken = CliRunner().invoke(
        main, ["eval", str(SUITE), "--backend", "extractive", "--control", "never-abstain"], env=env
    )
    assert broken.exit_code == 1 and "gate: FAILED" in broken.output
    regress = CliRunner().invoke(
        main,
        ["eval", str(SUITE), "--backend", "extractive", "--control", "fabricated-fact",
         "--baseline", str(report / "report.json")],
        env=env,
    )  # fmt: skip
    assert regress.exit_code == 1 and "regressed" in regress.output
