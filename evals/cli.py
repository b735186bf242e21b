"""``rag eval SUITE.jsonl`` (the CI gate) and ``rag eval generate PATH`` (draft a gold set)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click


class _EvalGroup(click.Group):
    """``rag eval SUITE.jsonl ...`` runs a suite; ``rag eval generate ...`` drafts one."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_EvalGroup)
def eval_command() -> None:
    """Evaluate answers against a gold set; exit non-zero when the gate fails."""


@eval_command.command("run")
@click.argument("suite", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--baseline", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="An earlier report.json."
)
@click.option(
    "--report",
    "report_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write report.json and report.html here.",
)
@click.option("--control", help="Run against a deliberately broken assistant (see evals/controls.py).")
@click.option("--corpus", type=click.Path(exists=True, path_type=Path), multiple=True, help="Ingest these first.")
@click.option("--backend", type=click.Choice(["local", "openai", "extractive"]), help="Overrides RAG_LLM.")
@click.pass_context
def run(ctx, suite: Path, baseline: Path | None, report_dir: Path | None, control: str | None, corpus, backend) -> None:
    """Run SUITE.jsonl through the assistant and apply the gate."""
    from evals import controls
    from evals.gate import check, load_thresholds
    from evals.gold import load_suite
    from evals.judge import judge
    from evals.report import write_reports
    from evals.runner import run_suite, score
    from rag.assistant import Assistant

    settings = ctx.find_root().obj
    if backend:
        settings = settings.model_copy(update={"llm": backend})
    assistant = Assistant(settings)
    if corpus:
        assistant.ingest(list(corpus))
    items = load_suite(suite)
    began = time.perf_counter()
    records = run_suite(
        assistant, items, lambda i, item: click.echo(f"[{i + 1}/{len(items)}] {item.question}", err=True)
    )
    if control:
        records = controls.apply(control, records)
    result = score(records, assistant.scorer)
    base = json.loads(baseline.read_text())["aggregate"] if baseline else None
    gate = check(result.aggregate, load_thresholds(suite), base)
    meta = {
        "suite": str(suite), "backend": assistant._backend_name(), "control": control,
        "seconds": time.perf_counter() - began, "judge": judge(records, settings.llm_model),
    }  # fmt: skip
    for key, value in result.aggregate.items():
        click.echo(f"{key:24s} {value}")
    if meta["judge"].get("skipped"):
        click.secho(f"LLM JUDGE TIER SKIPPED: {meta['judge']['reason']}", fg="yellow", bold=True, err=True)
    if report_dir:
        js, page = write_reports(report_dir, records, result.aggregate, gate, meta)
        click.echo(f"reports: {js} {page}")
    if gate.passed:
        click.secho("gate: PASSED", fg="green")
    else:
        for failure in gate.failures:
            click.secho(f"gate: {failure}", fg="red", err=True)
        click.secho("gate: FAILED", fg="red")
        sys.exit(1)


@eval_command.command("generate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--n", "count", default=50, show_default=True, help="How many questions to draft.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.pass_context
def generate(ctx, paths, count: int, out: Path | None) -> None:
    """Draft a gold set from your articles with the configured LLM, for a person to review."""
    from evals.generate import draft_gold_set

    settings = ctx.find_root().obj
    lines = [json.dumps(item, ensure_ascii=False) for item in draft_gold_set(settings, list(paths), count)]
    text = "\n".join(lines) + "\n"
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(f"{len(lines)} draft questions in {out}: review every one before using it as a gate", err=True)
    else:
        click.echo(text, nl=False)
