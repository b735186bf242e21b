"""The chunk store: a Chroma collection written through llama-index's ChromaVectorStore.

Embedded (``PersistentClient`` under ``RAG_HOME``) by default; a Chroma server through
``HttpClient`` when ``RAG_CHROMA_URL`` is set. Reads go to the collection directly so
that scores are plain cosine similarities (llama-index reports ``exp(-distance)``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from index.types import Chunk, Passage

# Chroma has a limit on one call's batch; stay well under it.
_BATCH = 1000
INGEST_SEQ = "ingest_seq"
# On a stored chunk: the first-chunk ids of articles skipped as near-duplicates of its
# article (space-separated), so a later run skips them again without embedding them.
TWINS = "twins"


class StoreError(RuntimeError):
    """The store cannot be opened or written; the message says what to do."""


def _client(path: Path, url: str | None) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if url:
        parsed = urlparse(url)
        if not parsed.hostname:
            raise StoreError(f"RAG_CHROMA_URL={url!r} is not a URL like http://127.0.0.1:8000")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        except Exception as exc:  # chromadb raises plain ValueError/ConnectionError here
            raise StoreError(f"cannot reach the Chroma server at {url}: {exc}") from exc
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class ChunkStore:
    """Chunks with their embeddings and metadata; one record per chunk id."""

    def __init__(
        self, path: Path, collection: str = "articles", url: str | None = None, embedding_model: str | None = None
    ) -> None:
        self.path = path
        self.url = url
        self.collection_name = collection
        # Which model embeds the chunks: recorded in a new collection's metadata, and a
        # collection recorded with another model is refused (its vectors would not compare).
        self.embedding_model = embedding_model
        self._collection: Any = None
        self._vector_store: Any = None

    @property
    def location(self) -> str:
        return self.url or str(self.path)

    @property
    def collection(self) -> Any:
        if self._collection is None:
            client = _client(self.path, self.url)
            metadata = {"hnsw:space": "cosine"}
            if self.embedding_model:
                metadata["embedding_model"] = self.embedding_model
            collection = client.get_or_create_collection(self.collection_name, metadata=metadata)
            recorded = (collection.metadata or {}).get("embedding_model")
            if self.embedding_model and recorded and recorded != self.embedding_model:
                raise StoreError(
                    f"the index at {self.location} was embedded with {recorded!r}, not the configured "
                    f"{self.embedding_model!r}: its vectors would not compare. Set RAG_EMBED_MODEL_PATH back to "
                    f"that model, or ingest into another RAG_HOME or RAG_COLLECTION."
                )
            self._collection = collection
        return self._collection

    def reopen(self) -> None:
        """Open the collection anew, to see what another process wrote (embedded mode).

        Chroma keeps one system per path and process, whose vector index does not see
        other processes' writes; that system is dropped so the next use starts a fresh
        one. Collections already handed out keep working on the old one.
        """
        if self.url is None:
            from chromadb.api.shared_system_client import SharedSystemClient

            SharedSystemClient._identifier_to_system.pop(str(self.path), None)
        self._collection = None
        self._vector_store = None

    @property
    def recorded_model(self) -> str | None:
        """The embedding model the collection records (None for one written before models were recorded)."""
        return (self.collection.metadata or {}).get("embedding_model")

    @property
    def vector_store(self) -> Any:
        if self._vector_store is None:
            from llama_index.vector_stores.chroma import ChromaVectorStore

            self._vector_store = ChromaVectorStore(chroma_collection=self.collection)
        return self._vector_store

    # -- writes ---------------------------------------------------------------

    def add(self, chunks: Sequence[Chunk], embeddings: Sequence[Sequence[float]]) -> None:
        """Add chunks through ChromaVectorStore (ids must not exist yet; see ``delete_ids``)."""
        from llama_index.core.schema import NodeRelationship, RelatedNodeInfo, TextNode

        if len(chunks) != len(embeddings):
            raise ValueError(f"{len(chunks)} chunks but {len(embeddings)} embeddings")
        # When the batch was written (microseconds since the epoch): other hosts' keyword
        # indexes ask Chroma for what came since they last looked (``chunk_ids_since``).
        seq = time.time_ns() // 1000
        nodes = [
            TextNode(
                id_=chunk.chunk_id,
                text=chunk.text,
                metadata={**chunk.metadata, INGEST_SEQ: seq},
                embedding=list(vector),
                relationships={NodeRelationship.SOURCE: RelatedNodeInfo(node_id=chunk.article_id)},
            )
            for chunk, vector in zip(chunks, embeddings, strict=True)
        ]
        for i in range(0, len(nodes), _BATCH):
            self.vector_store.add(nodes[i : i + _BATCH])

    def note_twins(self, twins: dict[str, str]) -> None:
        """Record on stored chunks which articles were skipped as their near-duplicates.

        ``twins`` maps a stored chunk id to the space-separated first-chunk ids of its
        twins (the whole value: it replaces what the chunk recorded). A chunk that is no
        longer there is left alone.
        """
        present = set(self.collection.get(ids=list(twins), include=[])["ids"]) if twins else set()
        ids = sorted(present)
        for i in range(0, len(ids), _BATCH):
            part = ids[i : i + _BATCH]
            self.collection.update(ids=part, metadatas=[{TWINS: twins[c]} for c in part])

    def delete_ids(self, ids: Sequence[str]) -> None:
        for i in range(0, len(ids), _BATCH):
            self.collection.delete(ids=list(ids[i : i + _BATCH]))

    def delete_article(self, article_id: str) -> int:
        """Remove every chunk of an article; returns how many there were."""
        ids = self.chunk_ids(article_id=article_id)
        self.delete_ids(sorted(ids))
        return len(ids)

    # -- reads ----------------------------------------------------------------

    def count(self) -> int:
        return int(self.collection.count())

    def all_ids(self) -> set[str]:
        ids: set[str] = set()
        offset = 0
        while True:
            got = self.collection.get(include=[], limit=_BATCH, offset=offset)
            ids.update(got["ids"])
            if len(got["ids"]) < _BATCH:
                return ids
            offset += _BATCH

    def chunk_ids_since(self, seq: int) -> dict[str, int]:
        """``chunk_id -> ingest sequence`` of the chunks written after ``seq`` (by any host).

        One metadata query, not a scan: what a keyword index on another host needs to
        learn of new chunks before a question.
        """
        out: dict[str, int] = {}
        offset = 0
        while True:
            got = self.collection.get(
                where={INGEST_SEQ: {"$gt": seq}}, include=["metadatas"], limit=_BATCH, offset=offset
            )
            out.update({i: int(m[INGEST_SEQ]) for i, m in zip(got["ids"], got["metadatas"], strict=True)})
            if len(got["ids"]) < _BATCH:
                return out
            offset += _BATCH

    def chunks(self, ids: Sequence[str]) -> list[Chunk]:
        """The chunks ``ids`` with their text and metadata (those that exist)."""
        out: list[Chunk] = []
        for i in range(0, len(ids), _BATCH):
            got = self.collection.get(ids=list(ids[i : i + _BATCH]), include=["documents", "metadatas"])
            for chunk_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                out.append(
                    Chunk(chunk_id, str(meta["article_id"]), text, int(meta["start"]), int(meta["end"]), dict(meta))
                )
        return out

    def chunk_ids(self, article_id: str) -> set[str]:
        return set(self.collection.get(where={"article_id": article_id}, include=[])["ids"])

    def article_texts(self, article_ids: Sequence[str]) -> dict[str, str]:
        """``article_id -> title and text`` rebuilt from the stored chunks, for checking what an article is about.

        Chunks overlap by a sentence, so the text repeats a sentence at each seam: fine
        for asking whether the article names something, not for offsets.
        """
        wanted = sorted(set(article_ids))
        if not wanted:
            return {}
        got = self.collection.get(where={"article_id": {"$in": wanted}}, include=["documents", "metadatas"])
        pieces: dict[str, list[tuple[int, str]]] = {}
        titles: dict[str, str] = {}
        for text, meta in zip(got["documents"], got["metadatas"], strict=True):
            pieces.setdefault(str(meta["article_id"]), []).append((int(meta["start"]), text))
            titles[str(meta["article_id"])] = str(meta.get("title") or "")
        return {a: "\n".join([titles[a], *(t for _, t in sorted(p))]) for a, p in pieces.items()}

    def iter_metadata(self) -> Iterator[dict[str, Any]]:
        """Every chunk's metadata (with ``chunk_id``), in pages."""
        offset = 0
        while True:
            got = self.collection.get(include=["metadatas"], limit=_BATCH, offset=offset)
            for chunk_id, meta in zip(got["ids"], got["metadatas"] or [], strict=True):
                yield {**meta, "chunk_id": chunk_id}
            if len(got["ids"]) < _BATCH:
                return
            offset += _BATCH

    def articles(self) -> list[dict[str, Any]]:
        """One row per article: id, title, date, source, path and chunk count."""
        rows: dict[str, dict[str, Any]] = {}
        for meta in self.iter_metadata():
            row = rows.setdefault(
                meta["article_id"],
                {k: meta.get(k) for k in ("article_id", "title", "date", "source", "url", "path")} | {"chunks": 0},
            )
            row["chunks"] += 1
        return sorted(rows.values(), key=lambda r: (r["date"] or "", r["title"] or ""))

    def passages(self, ids: Sequence[str], embedding: Sequence[float]) -> list[Passage]:
        """The chunks ``ids`` (in that order), scored by cosine similarity to ``embedding``."""
        if not ids:
            return []
        got = self.collection.get(ids=list(ids), include=["documents", "metadatas", "embeddings"])
        by_id = {}
        for chunk_id, text, meta, vector in zip(
            got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True
        ):
            cosine = float(sum(a * b for a, b in zip(embedding, vector, strict=True)))
            by_id[chunk_id] = Passage.from_record(chunk_id, text, meta, cosine)
        return [by_id[i] for i in ids if i in by_id]

    def iter_chunks(self) -> Iterator[Chunk]:
        """Every stored chunk with its text and metadata, in pages."""
        offset = 0
        while True:
            got = self.collection.get(include=["documents", "metadatas"], limit=_BATCH, offset=offset)
            for chunk_id, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
                yield Chunk(chunk_id, str(meta["article_id"]), text, int(meta["start"]), int(meta["end"]), dict(meta))
            if len(got["ids"]) < _BATCH:
                return
            offset += _BATCH

    def query_many(self, embeddings: Sequence[Sequence[float]], k: int) -> list[list[Passage]]:
        """The ``k`` nearest chunks for each of several embeddings, in one call."""
        if not embeddings or self.count() == 0:
            return [[] for _ in embeddings]
        got = self.collection.query(
            query_embeddings=[list(e) for e in embeddings], n_results=min(k, self.count()),
            include=["documents", "metadatas", "distances"],
        )  # fmt: skip
        return [
            [Passage.from_record(i, t, m, 1.0 - float(d)) for i, t, m, d in zip(ids, docs, metas, dists, strict=True)]
            for ids, docs, metas, dists in zip(
                got["ids"], got["documents"], got["metadatas"], got["distances"], strict=True
            )
        ]

    def query(self, embedding: Sequence[float], k: int, where: dict[str, Any] | None = None) -> list[Passage]:
        """The ``k`` chunks nearest to ``embedding``, best first, scored by cosine similarity."""
        total = self.count()
        if total == 0:
            return []
        got = self.collection.query(
            query_embeddings=[list(embedding)],
            n_results=min(k, total),
            where=where or None,
            include=["documents", "metadatas", "distances"],
        )
        return [
            Passage.from_record(chunk_id, text, meta, 1.0 - float(distance))
            for chunk_id, text, meta, distance in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True
            )
        ]
