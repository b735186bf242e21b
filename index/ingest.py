"""Ingestion: files -> articles -> chunks -> embeddings -> the store.

Idempotent: chunk ids derive from content, an article whose chunks are all stored
already is skipped without embedding, and a file whose content changed replaces the
chunks it had before.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.chunker import chunk_article
from index.embedder import Embedder
from index.formats import FieldMap
from index.keyword import KeywordIndex
from index.loader import LoadError, Skipped, iter_files, load_articles
from index.similarity import near_duplicate
from index.store import ChunkStore
from index.types import Article, Chunk


@dataclass
class IngestReport:
    """What one ingest run did; ``summary()`` is the line the CLI prints."""

    added: list[str] = field(default_factory=list)
    duplicates: list[Skipped] = field(default_factory=list)
    removed_articles: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    chunks_added: int = 0
    chunks_removed: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.skipped

    def summary(self) -> str:
        extra = f", {len(self.duplicates)} near-duplicates" if self.duplicates else ""
        extra += f", {len(self.removed_articles)} removed (files gone)" if self.removed_articles else ""
        return (
            f"{len(self.added)} added, {len(self.replaced)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.skipped)} skipped{extra}; {self.chunks_added} chunks added, "
            f"{self.chunks_removed} removed in {self.seconds:.1f}s"
        )


def embedding_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its article's title gives the passage context."""
    title = chunk.metadata.get("title")
    return f"{title}\n{chunk.text}" if title else chunk.text


class Ingestor:
    """Writes articles into a :class:`ChunkStore`, embedding only what is new."""

    def __init__(
        self,
        store: ChunkStore,
        embedder: Embedder,
        chunk_chars: int = 700,
        overlap_sentences: int = 1,
        keyword: KeywordIndex | None = None,
        fields: FieldMap | None = None,
        skip_near_duplicates: bool = True,
    ) -> None:
        self.fields = fields or FieldMap()
        self.skip_near_duplicates = skip_near_duplicates
        self.store = store
        self.embedder = embedder
        self.keyword = keyword
        self.chunk_chars = chunk_chars
        self.overlap_sentences = overlap_sentences

    def ingest_article(self, article: Article, report: IngestReport) -> None:
        chunks = chunk_article(article, self.chunk_chars, self.overlap_sentences)
        wanted = {c.chunk_id for c in chunks}
        stored = self.store.chunk_ids(article_id=article.article_id)
        # Earlier versions of the same file have other (content-derived) article ids.
        stale = self.store.article_ids_for_path(article.path) - {article.article_id} if article.path else set()
        if stored == wanted and not stale:
            report.unchanged.append(article.article_id)
            return
        new = [c for c in chunks if c.chunk_id not in stored]
        vectors = self.embedder.embed([embedding_text(c) for c in new]) if new else []
        if not stored and not stale and self.skip_near_duplicates and new:
            twin = self._near_duplicate_of(article, new, vectors)
            if twin:
                report.duplicates.append(Skipped(article.path or article.article_id, f"near-duplicate of {twin}"))
                return
        # Add the new version before removing the old one: a crash in between leaves
        # an extra copy to clean up on the next run, never a missing article.
        if new:
            self.store.add(new, vectors)
            if self.keyword is not None:
                self.keyword.add(new)
        self._delete_ids(sorted(stored - wanted))
        removed = len(stored - wanted) + sum(self.delete_article(old) for old in sorted(stale))
        report.chunks_added += len(new)
        report.chunks_removed += removed
        (report.replaced if stored or stale else report.added).append(article.article_id)

    def _near_duplicate_of(self, article: Article, chunks: list[Chunk], vectors: list[list[float]]) -> str | None:
        """Another stored article telling the same story (two wires), if any: "id (title)"."""
        for hit in self.store.query(vectors[0], 3):
            if hit.article_id != article.article_id and hit.score >= 0.95 and near_duplicate(chunks[0].text, hit.text):
                return f"{hit.article_id} ({hit.title})"
        return None

    def _delete_ids(self, ids: list[str]) -> None:
        self.store.delete_ids(ids)
        if self.keyword is not None:
            self.keyword.delete_ids(ids)

    def delete_article(self, article_id: str) -> int:
        """Remove an article's chunks from the store and the keyword index; how many there were."""
        ids = sorted(self.store.chunk_ids(article_id=article_id))
        self._delete_ids(ids)
        return len(ids)

    def ingest_paths(
        self, paths: Iterable[Path], on_file: Callable[[Path, IngestReport], None] | None = None, sync: bool = False
    ) -> IngestReport:
        """Ingest files and folders; a bad file is reported in ``skipped`` and the rest goes on.

        With ``sync``, articles stored from files under ``paths`` that this run did not
        see (the file is gone, or no longer holds them) are removed. Files that could
        not be read this time keep their old articles: nothing is lost to a bad read.
        """
        report = IngestReport()
        began = time.perf_counter()
        paths = list(paths)
        seen: set[str] = set()
        unreadable: set[str] = set()
        for path in iter_files(paths):
            try:
                articles, bad = load_articles(path, self.fields)
            except LoadError as exc:
                report.skipped.append(Skipped(str(path), str(exc)))
                unreadable.add(str(path.resolve()))
            else:
                report.skipped.extend(bad)
                for article in articles:
                    seen.add(article.article_id)
                    self.ingest_article(article, report)
            if on_file:
                on_file(path, report)
        if sync:
            self._remove_unseen(paths, seen, unreadable, report)
        report.seconds = time.perf_counter() - began
        return report

    def _remove_unseen(self, roots: list[Path], seen: set[str], unreadable: set[str], report: IngestReport) -> None:
        resolved = [r.resolve() for r in roots]
        for row in self.store.articles():
            if row["article_id"] in seen or not row.get("path"):
                continue
            source = Path(str(row["path"]).split("#")[0]).resolve()
            if str(source) in unreadable or not any(source == r or source.is_relative_to(r) for r in resolved):
                continue
            report.chunks_removed += self.delete_article(row["article_id"])
            report.removed_articles.append(row["article_id"])


def sync_keyword_index(store: ChunkStore, keyword: KeywordIndex) -> int:
    """Bring the keyword index in step with the store (after a crash between the two).

    Compares the two sets of chunk ids (counts alone can hide a swap), adds what is
    missing and removes what is extra. Returns how many entries changed.
    """
    stored, indexed = store.all_ids(), keyword.ids()
    if stored == indexed:
        return 0
    missing_ids = stored - indexed
    missing = [chunk for chunk in store.iter_chunks() if chunk.chunk_id in missing_ids] if missing_ids else []
    keyword.add(missing)
    extra = sorted(indexed - stored)
    keyword.delete_ids(extra)
    return len(missing) + len(extra)
