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

import numpy as np

from index.chunker import chunk_article
from index.embedder import Embedder
from index.formats import FieldMap
from index.keyword import KeywordIndex
from index.loader import ArticleReader, LoadError, Skipped, iter_files, resolved
from index.memory import release_freed_memory
from index.similarity import near_duplicate
from index.store import TWINS, ChunkStore
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


@dataclass
class Progress:
    """Where an ingest run is, handed to the ``progress`` callback (the same object, updated)."""

    report: IngestReport
    bytes_total: int
    files_total: int
    bytes_done: int = 0
    files_done: int = 0
    seconds: float = 0.0
    path: Path | None = None  # the file being read

    @property
    def articles(self) -> int:
        """Articles read so far: added, updated, unchanged or skipped."""
        r = self.report
        return len(r.added) + len(r.replaced) + len(r.unchanged) + len(r.duplicates) + len(r.skipped)

    @property
    def chunks_per_s(self) -> float:
        return self.report.chunks_added / self.seconds if self.seconds > 0 else 0.0

    @property
    def fraction(self) -> float:
        return min(1.0, self.bytes_done / self.bytes_total) if self.bytes_total else 1.0

    @property
    def eta_s(self) -> float | None:
        """Seconds left at the pace so far (bytes read per second); None before any."""
        if not self.bytes_done or not self.seconds:
            return None
        return max(0.0, self.seconds * (self.bytes_total - self.bytes_done) / self.bytes_done)

    def line(self) -> str:
        """One line for logs and the chat: articles, chunks, throughput, share and ETA."""
        eta = f", about {self.eta_s:.0f} s left" if self.eta_s is not None and self.fraction < 1 else ""
        return (
            f"{_count(self.articles, 'article')}, {_count(self.report.chunks_added, 'chunk')} "
            f"({self.chunks_per_s:.1f}/s), {self.fraction:.0%} of {_count(self.files_total, 'file')}{eta}"
        )


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


@dataclass
class _Plan:
    """One article to write: its chunks, what the store has of it, and older versions."""

    article: Article
    chunks: list[Chunk]
    stored: set[str]
    stale: set[str]

    @property
    def wanted(self) -> set[str]:
        return {c.chunk_id for c in self.chunks}

    @property
    def new(self) -> list[Chunk]:
        return [c for c in self.chunks if c.chunk_id not in self.stored]


@dataclass(frozen=True)
class _Twin:
    """The stored (or just written) article a new one repeats."""

    article_id: str
    label: str  # "id (title)", as reported
    chunk_id: str  # the chunk it was matched on, which records the skipped article


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
        batch_chunks: int = 1024,
        committed: Callable[[], None] | None = None,
    ) -> None:
        self.batch_chunks = batch_chunks
        self.committed = committed or (lambda: None)  # told after every write that landed
        self.fields = fields or FieldMap()
        self.skip_near_duplicates = skip_near_duplicates
        self.store = store
        self.embedder = embedder
        self.keyword = keyword
        self.chunk_chars = chunk_chars
        self.overlap_sentences = overlap_sentences

    def _snapshot(self) -> None:
        """What the store holds, read once per run (not two queries per article)."""
        self._chunks_of: dict[str, set[str]] = {}
        self._decided: set[str] = set()  # article ids this run has planned or found unchanged
        self._articles_at: dict[str, set[str]] = {}
        # Near-duplicates skipped by earlier runs, by their first chunk's id (which holds
        # their text): skipped again while their twin is stored, without embedding them.
        self._twin_of: dict[str, _Twin] = {}
        self._twins_on: dict[str, set[str]] = {}
        for meta in self.store.iter_metadata():
            self._chunks_of.setdefault(meta["article_id"], set()).add(meta["chunk_id"])
            if meta.get("path"):
                self._articles_at.setdefault(meta["path"], set()).add(meta["article_id"])
            if meta.get(TWINS):
                skipped = set(str(meta[TWINS]).split())
                self._twins_on[meta["chunk_id"]] = skipped
                twin = _Twin(meta["article_id"], f"{meta['article_id']} ({meta.get('title')})", meta["chunk_id"])
                self._twin_of.update(dict.fromkeys(skipped, twin))

    def _plan(self, article: Article, report: IngestReport) -> _Plan | None:
        if article.article_id in self._decided:
            # The same article twice in one run (two files or records with the same URL, or
            # texts that differ only in spacing): the first copy decides, the second changes
            # nothing, or every run would replace the one with the other.
            report.unchanged.append(article.article_id)
            return None
        self._decided.add(article.article_id)
        chunks = chunk_article(article, self.chunk_chars, self.overlap_sentences)
        stored = set(self._chunks_of.get(article.article_id, set()))
        # Earlier versions of the same file have other (content-derived) article ids.
        stale = self._articles_at.get(article.path, set()) - {article.article_id} if article.path else set()
        if stored == {c.chunk_id for c in chunks} and not stale:
            report.unchanged.append(article.article_id)
            return None
        twin = self._twin_of.get(chunks[0].chunk_id) if chunks and not stored and not stale else None
        if twin and self.skip_near_duplicates and twin.article_id in self._chunks_of:
            # Decided by an earlier run: the same decision, whatever is stored since.
            report.duplicates.append(Skipped(article.path or article.article_id, f"near-duplicate of {twin.label}"))
            return None
        return _Plan(article, chunks, stored, stale)

    def _flush(self, plans: list[_Plan], report: IngestReport) -> None:
        """Embed and write the new chunks of several articles in one batch.

        One embedding call and one store call for the whole batch (a Chroma write is
        one transaction, so a crash leaves whole articles); the new version of an
        article is added before its old one is removed, so a crash in between leaves
        an extra copy for the next run to clean up, never a gap.
        """
        if not plans:
            return
        texts = [embedding_text(c) for plan in plans for c in plan.new]
        vectors = self.embedder.embed(texts) if texts else []
        per_plan, offset = [], 0
        for plan in plans:
            per_plan.append(vectors[offset : offset + len(plan.new)])
            offset += len(plan.new)
        twins = self._near_duplicates(plans, per_plan) if self.skip_near_duplicates else {}
        keep = [i for i in range(len(plans)) if i not in twins]
        new = [c for i in keep for c in plans[i].new]
        if new:
            self.store.add(new, [v for i in keep for v in per_plan[i]])
            if self.keyword is not None:
                self.keyword.add(new)
            self.committed()
        release_freed_memory()  # the model's working memory: else the process grows for thousands of chunks
        self._note_twins(twins, plans)
        for i, plan in enumerate(plans):
            if i in twins:
                report.duplicates.append(
                    Skipped(plan.article.path or plan.article.article_id, f"near-duplicate of {twins[i].label}")
                )
            else:
                self._finish(plan, report)
        plans.clear()

    def _finish(self, plan: _Plan, report: IngestReport) -> None:
        """Remove what the new version replaced, and account for the article."""
        article = plan.article
        obsolete = sorted(plan.stored - plan.wanted)
        self._delete_ids(obsolete)
        removed = len(obsolete) + sum(self.delete_article(old) for old in sorted(plan.stale))
        self._chunks_of[article.article_id] = set(plan.wanted)
        if article.path:
            self._articles_at[article.path] = {article.article_id}
        report.chunks_added += len(plan.new)
        report.chunks_removed += removed
        (report.replaced if plan.stored or plan.stale else report.added).append(article.article_id)

    def _note_twins(self, twins: dict[int, _Twin], plans: list[_Plan]) -> None:
        """Record each skipped article on the chunk it repeats, so re-runs decide the same."""
        noted: dict[str, str] = {}
        for i, twin in twins.items():
            first = plans[i].new[0].chunk_id
            self._twin_of[first] = twin
            self._twins_on.setdefault(twin.chunk_id, set()).add(first)
            noted[twin.chunk_id] = " ".join(sorted(self._twins_on[twin.chunk_id]))
        if noted:
            self.store.note_twins(noted)
            self.committed()

    def _near_duplicates(self, plans: list[_Plan], vectors: list[list[list[float]]]) -> dict[int, _Twin]:
        """Brand-new articles that repeat a stored one, or an earlier one of this batch.

        Compares first chunks: cosine >= 0.95 and near-identical words (same numbers).
        """
        fresh = [i for i, p in enumerate(plans) if p.new and not p.stored and not p.stale]
        if not fresh:
            return {}
        hits = self.store.query_many([vectors[i][0] for i in fresh], 3)
        firsts = np.asarray([vectors[i][0] for i in fresh], dtype=np.float32)
        close = firsts @ firsts.T >= 0.95
        twins: dict[int, _Twin] = {}
        for a, (i, found) in enumerate(zip(fresh, hits, strict=True)):
            first = plans[i].new[0]
            for hit in found:
                if (
                    hit.article_id != plans[i].article.article_id
                    and hit.score >= 0.95
                    and near_duplicate(first.text, hit.text)
                ):
                    twins[i] = _Twin(hit.article_id, f"{hit.article_id} ({hit.title})", hit.chunk_id)
                    break
            if i in twins:
                continue
            # Earlier articles of this batch whose first chunk is as close (one matrix
            # product for the batch: pairwise loops in Python cost more than embedding).
            for b in np.flatnonzero(close[a, :a]):
                j = fresh[b]
                if j in twins or plans[j].article.article_id == plans[i].article.article_id:
                    continue
                if near_duplicate(first.text, plans[j].new[0].text):
                    twin = plans[j].article
                    twins[i] = _Twin(twin.article_id, f"{twin.article_id} ({twin.title})", plans[j].new[0].chunk_id)
                    break
        return twins

    def _delete_ids(self, ids: list[str]) -> None:
        if not ids:
            return
        self.store.delete_ids(ids)
        if self.keyword is not None:
            self.keyword.delete_ids(ids)
        self.committed()

    def delete_article(self, article_id: str) -> int:
        """Remove an article's chunks from the store and the keyword index; how many there were."""
        ids = sorted(self.store.chunk_ids(article_id=article_id))
        self._delete_ids(ids)
        getattr(self, "_chunks_of", {}).pop(article_id, None)
        return len(ids)

    def ingest_paths(
        self, paths: Iterable[Path], progress: Callable[[Progress], None] | None = None, sync: bool = False
    ) -> IngestReport:
        """Ingest files and folders; a bad file or record is reported in ``skipped`` and the rest goes on.

        Articles stream from each file (a JSONL dump line by line) and every batch of
        ``batch_chunks`` new chunks is embedded and committed as it fills, so memory is
        bounded by the batch, and a run killed midway keeps every committed batch: the
        next run skips those articles without embedding them again. ``progress`` is
        called after every committed batch, after every file, and every half second
        while unchanged articles are read.

        With ``sync``, articles stored from files under ``paths`` that this run did not
        see (the file is gone, or no longer holds them) are removed. Files that could
        not be read this time keep their old articles: nothing is lost to a bad read.
        """
        report = IngestReport()
        began = time.perf_counter()
        paths = list(paths)
        files = list(iter_files(paths))
        readers = [ArticleReader(path, self.fields) for path in files]
        state = Progress(report, bytes_total=sum(r.size for r in readers), files_total=len(files))
        seen: set[str] = set()
        unreadable: set[str] = set()
        self._snapshot()
        pending: list[_Plan] = []
        last_told = began

        def tell(reader: ArticleReader) -> None:
            nonlocal last_told
            last_told = time.perf_counter()
            state.path, state.bytes_done, state.seconds = reader.path, done_before + reader.done, last_told - began
            if progress:
                progress(state)

        done_before = 0
        for reader in readers:
            try:
                for item in reader:
                    if isinstance(item, Skipped):
                        report.skipped.append(item)
                        continue
                    seen.add(item.article_id)
                    plan = self._plan(item, report)
                    if plan:
                        pending.append(plan)
                    if sum(len(p.new) for p in pending) >= self.batch_chunks:
                        self._flush(pending, report)
                        tell(reader)
                    elif time.perf_counter() - last_told >= 0.5:
                        tell(reader)
            except LoadError as exc:
                report.skipped.append(Skipped(str(reader.path), str(exc)))
                unreadable.add(str(resolved(reader.path)))
            reader.done = reader.size
            state.files_done += 1
            tell(reader)
            done_before += reader.size
        self._flush(pending, report)
        if readers:
            tell(readers[-1])  # the last batch is in
        if sync:
            self._remove_unseen(paths, seen, unreadable, report)
        report.seconds = time.perf_counter() - began
        return report

    def _remove_unseen(self, roots: list[Path], seen: set[str], unreadable: set[str], report: IngestReport) -> None:
        roots_resolved = [resolved(r) for r in roots]
        for row in self.store.articles():
            if row["article_id"] in seen or not row.get("path"):
                continue
            source = resolved(Path(str(row["path"]).split("#")[0]))
            if str(source) in unreadable or not any(source == r or source.is_relative_to(r) for r in roots_resolved):
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


# Clocks of hosts writing to one Chroma server differ a little: look this far back.
CATCH_UP_MARGIN_US = 30_000_000


def catch_up_keyword_index(store: ChunkStore, keyword: KeywordIndex) -> int:
    """Add to the keyword index the chunks other hosts wrote since it last looked.

    One metadata query for the ids written after the last sequence seen (less a margin
    for clock skew), and the texts of those it does not hold: no scan of every id per
    question. Chunks deleted elsewhere are dropped lazily by retrieval when the keyword
    index returns an id the store no longer has (``rag.retriever``). Returns how many
    chunks were added.
    """
    seen = keyword.get_state("ingest_seq")
    recent = store.chunk_ids_since(seen - CATCH_UP_MARGIN_US if seen else 0)
    new = sorted(set(recent) - keyword.has(recent))
    if new:
        keyword.add(store.chunks(new))
    if recent:
        keyword.set_state("ingest_seq", max(seen, *recent.values()))
    return len(new)
