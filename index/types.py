"""The records that flow through ingestion: an article and its chunks."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Article:
    """One news article, its full text, and what is known about it.

    ``text`` is the body the offsets of every chunk and quote point into; a header
    line such as ``date 2025-04-17 Title`` is parsed into metadata and not part of it.
    """

    article_id: str
    title: str
    text: str
    date: str | None = None  # ISO 8601 (YYYY-MM-DD) when known
    source: str | None = None
    url: str | None = None
    author: str | None = None
    path: str | None = None

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for the store (Chroma accepts no None, lists or dicts)."""
        meta: dict[str, str | int] = {"article_id": self.article_id, "title": self.title}
        for key in ("date", "source", "url", "author", "path"):
            value = getattr(self, key)
            if value:
                meta[key] = value
        if self.date:
            # Chroma range filters need numbers: 2025-04-17 -> 20250417.
            meta["date_int"] = int(self.date[:10].replace("-", ""))
        return meta


@dataclass(frozen=True)
class Chunk:
    """A run of whole sentences of an article: ``article.text[start:end] == text``."""

    chunk_id: str
    article_id: str
    text: str
    start: int
    end: int
    metadata: dict[str, str | int] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class Passage:
    """A retrieved chunk with its article's metadata and a relevance score."""

    chunk_id: str
    article_id: str
    title: str
    text: str
    start: int
    end: int
    score: float
    date: str | None = None
    source: str | None = None
    url: str | None = None

    @classmethod
    def from_record(cls, chunk_id: str, text: str, meta: dict, score: float) -> Passage:
        return cls(
            chunk_id=chunk_id,
            article_id=str(meta["article_id"]),
            title=str(meta.get("title") or ""),
            text=text,
            start=int(meta["start"]),
            end=int(meta["end"]),
            score=score,
            date=meta.get("date"),
            source=meta.get("source"),
            url=meta.get("url"),
        )
