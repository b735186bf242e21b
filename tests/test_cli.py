"""The CLI is a thin adapter: options in, the API called, JSON or text out."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from rag.cli import main


def run(args, tmp_path, **env):
    environment = {"RAG_HOME": str(tmp_path / "home"), "RAG_LLM": "extractive", **env}
    return CliRunner().invoke(main, args, env=environment, catch_exceptions=False)


def test_help_lists_the_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "ask", "search", "status", "delete", "serve"):
        assert command in result.output


def test_importing_the_cli_loads_no_model_library():
    import subprocess
    import sys

    code = (
        "import sys; from rag.cli import main; from rag import Assistant; import rag.assistant; "
        "heavy = {'torch', 'chromadb', 'llama_cpp', 'sentence_transformers', 'gradio'} & set(sys.modules); "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.slow
def test_ingest_status_ask_json(tmp_path, sample_dir):
    # The real embedding model, the real store; the extractive backend needs no LLM.
    result = run(["ingest", str(sample_dir)], tmp_path)
    assert result.exit_code == 0, result.output
    assert "2 added" in result.output
    again = run(["ingest", str(sample_dir)], tmp_path)
    assert "2 unchanged" in again.output and "0 chunks added" in again.output
    status = json.loads(run(["status", "--json"], tmp_path).stdout)
    assert status["articles"] == 2 and status["chunks"] > 4
    assert status["embedding_model"] == "all-MiniLM-L6-v2"
    answer = json.loads(run(["ask", "Where will Witkoff fly on Saturday?", "--json"], tmp_path).stdout)
    assert answer["abstained"] is False
    assert any("Rome" in c["quote"] for c in answer["citations"])
    searched = json.loads(run(["search", "Witkoff Rome Saturday", "--json", "-k", "3"], tmp_path).stdout)
    assert len(searched) == 3 and "Rome" in searched[0]["text"]
    assert [p["rank"] for p in searched] == [1, 2, 3]
    assert {"article_id", "title", "date", "text", "score"} <= set(searched[0])


@pytest.mark.slow
def test_ingest_reports_bad_files_by_name_and_exit_status(tmp_path, sample_dir):
    (sample_dir / "bad.txt").write_bytes(b"\x00\x00binary")
    result = CliRunner().invoke(
        main, ["ingest", str(sample_dir)], env={"RAG_HOME": str(tmp_path / "home"), "RAG_LLM": "extractive"}
    )
    assert result.exit_code == 1
    assert "bad.txt" in result.output and "binary" in result.output and "2 added" in result.output


def test_delete_unknown_article_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(main, ["delete", "nope"], env={"RAG_HOME": str(tmp_path / "home")})
    assert result.exit_code == 1 and "no article nope" in result.output


def test_missing_model_file_says_how_to_fix(tmp_path):
    result = CliRunner().invoke(
        main, ["model"], env={"RAG_HOME": str(tmp_path), "RAG_LLM_MODEL_PATH": str(tmp_path / "none.gguf")}
    )
    assert result.exit_code == 1 and "is not a file" in result.output


def test_the_terminal_progress_bar_counts_bytes_with_an_eta_and_chunks_per_second(capsys):
    from index.ingest import IngestReport, Progress
    from rag.progress import IngestProgress

    report = IngestReport()
    state = Progress(report, bytes_total=10 * 2**20, files_total=1)
    with IngestProgress(enabled=True) as bar:
        for step in range(1, 5):
            report.added.extend(f"a{step}-{i}" for i in range(100))
            report.chunks_added += 400
            state.bytes_done, state.seconds = step * 2**20, float(step)
            bar.update(state)
    shown = capsys.readouterr().err
    assert "4.00M/10.0M" in shown and "chunks_per_s=400.0" in shown and "articles=400" in shown, shown
    with IngestProgress(enabled=False) as quiet:  # off a terminal: nothing until the summary line
        quiet.update(state)
    assert capsys.readouterr().err == ""
