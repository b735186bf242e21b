"""Evaluation: benchmarks now; gold sets, metrics and the CI gate come next (issue 6)."""
