"""Deterministic stand-ins for fast unit tests of logic (never the only test of a feature)."""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator, Sequence

from lang.text import content_words, stem
from rag.types import Evidence


class HashEmbedder:
    """Bag of word stems hashed into buckets: texts sharing words get similar vectors.

    Uses sha256, not the process-salted built-in ``hash``, so vectors are the same
    in every run. Unlike a constant fake, it ranks texts meaningfully.
    """

    name = "hash-embedder"

    def __init__(self, dims: int = 384) -> None:
        self.dims = dims
        self.calls: list[list[str]] = []

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dims
        for word in content_words(text):
            digest = hashlib.sha256(stem(word).encode()).digest()
            vec[int.from_bytes(digest[:4], "big") % self.dims] += 1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def embed(self, texts: list[str]) -> list[list[float]]:
        self.calls.append(list(texts))
        return [self._vector(t) for t in texts]


class ScriptedGenerator:
    """Replies with queued texts and records what it was given."""

    name = "scripted"

    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.seen: list[tuple[str, list[Evidence]]] = []

    def generate(self, question: str, evidence: Sequence[Evidence]) -> Iterator[str]:
        self.seen.append((question, list(evidence)))
        reply = self.replies.pop(0) if self.replies else "NOT IN SOURCES"
        # Stream in small pieces, as a real model does.
        for i in range(0, len(reply), 7):
            yield reply[i : i + 7]


def source_number(assistant, question: str, fragment: str) -> int:
    """Ask once with a scripted model, and return the number the prompt gave the source
    containing ``fragment``, so a scripted reply can cite it (numbering is deterministic)."""
    assistant.ask(question)
    _, evidence = assistant.generator.seen[-1]
    return next(i for i, e in enumerate(evidence, start=1) if fragment in e.quote)
