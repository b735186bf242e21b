"""Reports: JSON with every per-question record, and a self-contained HTML page.

The HTML has the aggregate table, the gate's verdict, two plots (latency and
answer-score distributions, drawn as inline SVG so the page needs nothing else),
and every failing question with its answer, citations and why it failed. All text
from articles, questions and answers is escaped.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evals.gate import GateResult
from evals.records import Record


def write_json(path: Path, records: Sequence[Record], aggregate: dict[str, Any], gate: GateResult, meta: dict) -> None:
    data = {
        "meta": meta,
        "aggregate": aggregate,
        "gate": {"passed": gate.passed, "failures": gate.failures, "checked": gate.checked},
        "records": [r.to_dict() for r in records],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def _histogram_svg(values: Sequence[float], title: str, bins: int = 12, width: int = 420, height: int = 160) -> str:
    if not values:
        return f"<p>{html.escape(title)}: no data</p>"
    low, high = min(values), max(values)
    span = (high - low) or 1.0
    counts = [0] * bins
    for v in values:
        counts[min(bins - 1, int((v - low) / span * bins))] += 1
    top = max(counts)
    bar_w = (width - 40) / bins
    bars = []
    for i, c in enumerate(counts):
        h = (height - 40) * c / top
        x, y = 30 + i * bar_w, height - 20 - h
        bars.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" fill="#4a78c2"/>')
    return (
        f'<svg width="{width}" height="{height}" role="img" aria-label="{html.escape(title)}">'
        f'<text x="10" y="14" font-size="12">{html.escape(title)} (n={len(values)})</text>'
        + "".join(bars)
        + f'<text x="30" y="{height - 4}" font-size="10">{low:.2f}</text>'
        f'<text x="{width - 50}" y="{height - 4}" font-size="10">{high:.2f}</text></svg>'
    )


def _record_html(r: Record) -> str:
    e = html.escape
    cites = "".join(f"<li>[{n}] “{e(q)}”</li>" for n, q in sorted(r.citations.items()))
    reasons = "".join(f"<li>{e(x)}</li>" for x in r.failures)
    gold = e(", ".join(r.item.answers) or "(unanswerable)")
    return (
        f"<details><summary>{e(r.item.question)}</summary>"
        f"<p><b>Accepted:</b> {gold}</p><p><b>Answer:</b> {e(r.answer)}</p>"
        f"<p><b>Why it failed:</b></p><ul>{reasons}</ul><p><b>Citations:</b></p><ul>{cites}</ul></details>"
    )


def write_html(path: Path, records: Sequence[Record], aggregate: dict[str, Any], gate: GateResult, meta: dict) -> None:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(k)}</td><td>{'' if v is None else e(str(v))}</td>"
        f"<td>{e(str(gate.checked.get(k, {}).get('min', gate.checked.get(k, {}).get('max', ''))))}</td></tr>"
        for k, v in aggregate.items()
    )
    verdict = "PASSED" if gate.passed else "FAILED"
    gate_lines = "".join(f"<li>{e(f)}</li>" for f in gate.failures)
    judge = meta.get("judge", {})
    judge_html = (
        f"<p class='loud'>LLM judge tier SKIPPED: {e(judge.get('reason', ''))}</p>"
        if judge.get("skipped", True)
        else f"<p>LLM judge faithfulness: {e(str(judge.get('faithfulness')))} over {judge.get('claims')} claims</p>"
    )
    failing = [r for r in records if r.failures]
    plots = _histogram_svg([r.latency for r in records], "latency per question (s)") + _histogram_svg(
        [r.metrics["crag"] for r in records if r.metrics.get("crag") is not None], "CRAG score per question"
    )
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>Eval report: {e(meta.get("suite", ""))}</title>
<style>body{{font-family:sans-serif;max-width:60rem;margin:2rem auto}}td{{padding:2px 10px}}
.loud{{background:#fde2a7;padding:6px;font-weight:bold}}.FAILED{{color:#b00}}.PASSED{{color:#070}}</style></head><body>
<h1>Eval report: {e(meta.get("suite", ""))}</h1>
<p>Backend {e(str(meta.get("backend")))}; control {e(str(meta.get("control") or "none"))}; {len(records)} questions in {meta.get("seconds", 0):.0f}s.</p>
<h2 class="{verdict}">Gate {verdict}</h2><ul>{gate_lines}</ul>{judge_html}
<h2>Metrics</h2><table><tr><th>metric</th><th>value</th><th>threshold</th></tr>{rows}</table>
<h2>Distributions</h2>{plots}
<h2>Failing questions ({len(failing)})</h2>{"".join(_record_html(r) for r in failing)}
</body></html>"""
    path.write_text(page, encoding="utf-8")


def write_reports(directory: Path, records, aggregate, gate, meta) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    js, page = directory / "report.json", directory / "report.html"
    write_json(js, records, aggregate, gate, meta)
    write_html(page, records, aggregate, gate, meta)
    return js, page
