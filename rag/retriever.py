"""Retrieval: the passages nearest to a question, filtered by date and source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from index.embedder import Embedder
from index.store import ChunkStore
from index.types import Passage


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

    def retrieve(self, query: str, k: int, filters: Filters | None = None) -> list[Passage]:
        vector = self.embedder.embed([query])[0]
        return self.store.query(vector, k, where=(filters or Filters()).where())
