"""Sentence-aware chunking with character offsets back into the article."""

from __future__ import annotations

import hashlib

from index.sentences import split_sentences
from index.types import Article, Chunk


def chunk_id(article_id: str, start: int, text: str) -> str:
    """Ids derive from content, so re-ingesting the same article yields the same ids."""
    digest = hashlib.sha256(f"{article_id}\x00{start}\x00{text}".encode()).hexdigest()
    return f"{article_id}-{digest[:16]}"


def chunk_article(article: Article, target_chars: int = 700, overlap_sentences: int = 1) -> list[Chunk]:
    """Group whole sentences into chunks of about ``target_chars`` characters.

    Consecutive chunks share ``overlap_sentences`` sentences so that a fact spanning a
    boundary is whole in at least one chunk. ``article.text[chunk.start:chunk.end]``
    is always exactly ``chunk.text``.
    """
    spans = split_sentences(article.text)
    chunks: list[Chunk] = []
    meta = article.metadata()
    i = 0
    while i < len(spans):
        j = i
        while j + 1 < len(spans) and spans[j + 1][1] - spans[i][0] <= target_chars:
            j += 1
        start, end = spans[i][0], spans[j][1]
        text = article.text[start:end]
        chunks.append(
            Chunk(
                chunk_id=chunk_id(article.article_id, start, text),
                article_id=article.article_id,
                text=text,
                start=start,
                end=end,
                metadata={**meta, "start": start, "end": end, "chunk_index": len(chunks)},
            )
        )
        if j + 1 >= len(spans):
            break
        # Step forward, keeping an overlap but always making progress.
        i = max(i + 1, j + 1 - overlap_sentences)
    return chunks
