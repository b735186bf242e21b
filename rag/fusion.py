"""Reciprocal rank fusion, shared by retrieval (fusing rankings) and reranking (its rank prior)."""

from __future__ import annotations

RRF_K = 60  # the constant of reciprocal rank fusion (Cormack et al. 2009)


def rrf(rankings: list[list[str]], weights: list[float] | None = None) -> dict[str, float]:
    """Reciprocal rank fusion: ``sum(w / (RRF_K + rank))`` over the rankings an id appears in."""
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings), strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (RRF_K + rank)
    return fused
