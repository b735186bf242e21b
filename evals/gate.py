"""The CI gate: thresholds next to the suite, and regressions against a stored baseline.

``SUITE.thresholds.json`` beside ``SUITE.jsonl``::

    {"min": {"hit@5": 0.9, "correct": 0.6}, "max": {"ungrounded_rate": 0.05}, "noise": 0.05}

A metric below its ``min`` or above its ``max`` fails. With a baseline (the
``aggregate`` of an earlier report), a metric that got worse by more than ``noise``
(absolute) fails too. Metrics that cannot be computed (no question applies) fail
when a threshold names them: a gate must not pass by measuring nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Direction of "better" for the baseline comparison.
LOWER_IS_BETTER = {"ungrounded_rate", "stitched_rate", "false_abstain", "latency_p50_s", "latency_p95_s"}
# Latency is reported but too noisy on a shared machine to gate against a baseline.
NOT_COMPARED = {"latency_p50_s", "latency_p95_s", "questions"}


@dataclass
class GateResult:
    passed: bool
    failures: list[str] = field(default_factory=list)
    checked: dict[str, dict[str, Any]] = field(default_factory=dict)


def thresholds_path(suite: Path) -> Path:
    return suite.with_name(suite.name.removesuffix(".jsonl") + ".thresholds.json")


def load_thresholds(suite: Path) -> dict[str, Any]:
    path = thresholds_path(suite)
    if not path.is_file():
        return {"min": {}, "max": {}, "noise": 0.05}
    data = json.loads(path.read_text())
    return {"min": data.get("min", {}), "max": data.get("max", {}), "noise": float(data.get("noise", 0.05))}


def check(aggregate: dict[str, Any], thresholds: dict[str, Any], baseline: dict[str, Any] | None = None) -> GateResult:
    result = GateResult(passed=True)
    for metric, floor in thresholds["min"].items():
        value = aggregate.get(metric)
        ok = value is not None and value >= floor
        result.checked[metric] = {"value": value, "min": floor, "ok": ok}
        if not ok:
            result.failures.append(f"{metric} = {value} is below its threshold {floor}")
    for metric, ceiling in thresholds["max"].items():
        value = aggregate.get(metric)
        ok = value is not None and value <= ceiling
        result.checked.setdefault(metric, {}).update({"value": value, "max": ceiling, "ok": ok})
        if not ok:
            result.failures.append(f"{metric} = {value} is above its threshold {ceiling}")
    if baseline:
        noise = thresholds["noise"]
        for metric, before in baseline.items():
            now = aggregate.get(metric)
            if metric in NOT_COMPARED or not isinstance(before, int | float) or now is None:
                continue
            worse = (now - before) if metric in LOWER_IS_BETTER else (before - now)
            if worse > noise:
                result.failures.append(f"{metric} regressed from {before} to {now} (noise {noise})")
    result.passed = not result.failures
    return result
