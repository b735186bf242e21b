"""Retrieval: the passages nearest to a question, filtered by date and source."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from index.embedder import Embedder
from index.keyword import KeywordIndex
from index.similarity import Fingerprint
from index.store import ChunkStore
from index.types import Passage
from rag.answer_kind import Asked
from rag.fusion import RRF_K, rrf
from rag.rerank import DEFAULT_WEIGHTS, Weights, rerank


@dataclass(frozen=True)
class Filters:
    """Restrict retrieval to articles dated ``since``..``until`` (inclusive) or from ``source``."""

    since: date | None = None
    until: date | None = None
    source: str | None = None

    def where(self) -> dict[str, Any] | None:
        """The Chroma ``where`` clause (dates compare as integers like 20250417)."""
        clauses: list[dict[str, Any]] = []
        if self.since:
            clauses.append({"date_int": {"$gte": int(self.since.strftime("%Y%m%d"))}})
        if self.until:
            clauses.append({"date_int": {"$lte": int(self.until.strftime("%Y%m%d"))}})
        if self.source:
            clauses.append({"source": self.source})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def describe(self) -> str:
        parts = []
        if self.since:
            parts.append(f"since {self.since.isoformat()}")
        if self.until:
            parts.append(f"until {self.until.isoformat()}")
        if self.source:
            parts.append(f"source {self.source}")
        return ", ".join(parts)


class VectorRetriever:
    """Dense retrieval over the chunk store."""

    def __init__(self, store: ChunkStore, embedder: Embedder) -> None:
        self.store = store
        self.embedder = embedder

    def retrieve(self, query: str | Asked, k: int, filters: Filters | None = None) -> list[Passage]:
        vector = self.embedder.embed([query.text if isinstance(query, Asked) else query])[0]
        return self.store.query(vector, k, where=(filters or Filters()).where())


_RECENT = re.compile(r"\b(latest|most recent|newest|recent(ly)?|last|current(ly)?|now|today)\b", re.IGNORECASE)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")


def wants_recent(query: str) -> bool:
    return bool(_RECENT.search(query))


def signal_boosts(query: str, passages: dict[str, Passage]) -> dict[str, float]:
    """Extra fused score from what news questions hinge on: years, and recency.

    A year named in the question ("in 2021") is worth about a first place in one
    ranking for a passage that mentions it or is dated in it; "latest"/"most recent"
    favours newer dated articles, up to the same amount for the newest.
    """
    boosts = dict.fromkeys(passages, 0.0)
    years = set(_YEAR.findall(query))
    for chunk_id, p in passages.items():
        if years and (any(y in p.text for y in years) or (p.date or "")[:4] in years):
            boosts[chunk_id] += 1.0 / (RRF_K + 1)
    if wants_recent(query):
        dated = sorted({p.date for p in passages.values() if p.date})
        for chunk_id, p in passages.items():
            if p.date and len(dated) > 1:
                boosts[chunk_id] += dated.index(p.date) / (len(dated) - 1) / (RRF_K + 1)
    return boosts


class HybridRetriever:
    """Vector search and BM25 over the same chunks, fused by reciprocal rank, then reranked.

    The fused candidates are reranked by whether a sentence of theirs holds the kind
    of answer asked (``rag.rerank``; ``reranking=False`` keeps the fused order). Each
    returned passage carries its cosine similarity to the query as ``score`` (the
    scale abstention is calibrated on). Near-duplicate
    passages (the same story from two wires) are kept once, and no article takes more
    than ``per_article`` of the slots while passages of other articles remain.
    """

    def __init__(
        self,
        store: ChunkStore,
        keyword: KeywordIndex,
        embedder: Embedder,
        pool: int = 30,
        per_article: int = 3,
        reranking: bool = True,
        weights: Weights = DEFAULT_WEIGHTS,
    ) -> None:
        self.per_article = per_article
        self.reranking = reranking
        self.weights = weights
        self.store = store
        self.keyword = keyword
        self.embedder = embedder
        self.pool = pool

    def retrieve(self, query: str | Asked, k: int, filters: Filters | None = None) -> list[Passage]:
        """The ``k`` best passages; ``query`` may come already read (:class:`Asked`)."""
        ranked = self.fused(query.text if isinstance(query, Asked) else query, k, filters)
        if self.reranking:
            n = self._pool_size(k)
            ranked = rerank(query, ranked[:n], self.weights) + ranked[n:]
        return self._diverse(ranked, k)

    def fused(self, query: str, k: int, filters: Filters | None = None) -> list[Passage]:
        """The candidates for ``k`` results in fused order (RRF plus year and recency signals)."""
        where = (filters or Filters()).where()
        vector = self.embedder.embed([query])[0]
        n = self._pool_size(k)
        dense = self.store.query(vector, n, where=where)
        sparse = self.keyword.search(query, n, where=where)
        fused = rrf([[p.chunk_id for p in dense], [chunk_id for chunk_id, _ in sparse]])
        order = sorted(fused, key=lambda i: -fused[i])
        known = {p.chunk_id: p for p in dense}
        missing = [i for i in order[: 3 * k] if i not in known]
        known.update({p.chunk_id: p for p in self.store.passages(missing, vector)})
        gone = [i for i in missing if i not in known]
        if gone:  # deleted from the store by another host: the keyword index forgets them too
            self.keyword.delete_ids(gone)
        for chunk_id, boost in signal_boosts(query, known).items():
            fused[chunk_id] = fused.get(chunk_id, 0.0) + boost
        return [known[i] for i in sorted(fused, key=lambda i: -fused[i]) if i in known]

    def _pool_size(self, k: int) -> int:
        """How many candidates each search returns, and the reranker reads, for ``k`` results."""
        return max(self.pool, 3 * k)

    def _diverse(self, ranked: list[Passage], k: int) -> list[Passage]:
        """The first ``k`` of ``ranked`` without near-duplicates, at most ``per_article`` per article first."""
        out: list[Passage] = []
        prints: list[Fingerprint] = []
        held_back: list[Passage] = []
        per_article: dict[str, int] = {}
        for passage in ranked:
            fingerprint = Fingerprint.of(passage.text)
            if any(fingerprint.near(kept) for kept in prints):
                continue
            # Source diversity: one long article should not fill every slot while other
            # articles also match; its further passages wait until the others are in.
            if per_article.get(passage.article_id, 0) >= self.per_article:
                held_back.append(passage)
                continue
            per_article[passage.article_id] = per_article.get(passage.article_id, 0) + 1
            out.append(passage)
            prints.append(fingerprint)
            if len(out) == k:
                return out
        return (out + held_back)[:k]
