"""One settings object for the whole assistant.

Built once at an entry point (CLI, UI, Python API) and passed down; nothing below
reads the environment itself. Every field can be set with an environment variable
named ``RAG_<FIELD>`` (for example ``RAG_HOME``, ``RAG_LLM``, ``RAG_TOP_K``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from index.formats import FieldMap


def _default_model_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "rag-news" / "models"


class Settings(BaseSettings):
    """Configuration of the assistant; see the README for every variable."""

    model_config = SettingsConfigDict(env_prefix="RAG_", extra="ignore")

    # Where the index lives.
    home: Path = Field(default=Path(".rag"), description="Index and caches (RAG_HOME).")
    collection: str = "articles"
    chroma_url: str | None = Field(
        default=None, description="Use a Chroma server (http://host:port) instead of the embedded store."
    )

    # JSON/JSONL field names, comma-separated, first present wins (RAG_FIELDS_TEXT="story,body").
    fields_text: str | None = None
    fields_title: str | None = None
    fields_date: str | None = None
    fields_url: str | None = None
    fields_source: str | None = None
    fields_author: str | None = None
    fields_dateline: str | None = None

    # Chunking and embeddings.
    chunk_chars: int = Field(default=700, ge=100, description="Target chunk length in characters.")
    chunk_overlap_sentences: int = Field(default=1, ge=0)
    embed_batch_size: int = Field(default=32, ge=1)
    write_wait: float = Field(
        default=60.0, ge=0, description="Seconds a writer waits for another one on the embedded index."
    )
    ingest_batch_chunks: int = Field(
        default=1024, ge=1, description="Chunks embedded and committed together; a killed ingest keeps every batch."
    )
    embed_model_path: Path | None = Field(
        default=None, description="A sentence-transformers model folder; default: the bundled all-MiniLM-L6-v2."
    )
    embed_url: str | None = Field(
        default=None, description="An OpenAI-compatible /v1 base URL to embed with instead of the local model."
    )
    embed_model: str = Field(default="all-MiniLM-L6-v2", description="The model name asked of RAG_EMBED_URL.")

    # Retrieval and evidence.
    retrieval: Literal["hybrid", "vector"] = Field(default="hybrid", description="BM25 + vector fused, or vector only.")
    top_k: int = Field(default=12, ge=1, description="Passages retrieved per question.")
    evidence_sentences: int = Field(default=8, ge=1, description="Sentences given to the LLM as sources.")
    min_relevance: float = Field(
        default=0.15,
        description="Below this cosine similarity of the best passage the assistant abstains without an LLM.",
    )

    min_evidence: float = Field(
        default=0.30,
        description="Abstain without an LLM when the best evidence sentence scores below this "
        "(on the sample suite unanswerable questions scored 0.11-0.42, answerable ones 0.38-0.80).",
    )
    extractive_min_evidence: float = Field(
        default=0.42,
        description="The extractive backend, which cannot judge relevance itself, answers only above this.",
    )

    # Answer generation.
    llm: Literal["local", "openai", "extractive"] = "local"
    llm_model_path: Path | None = Field(default=None, description="A GGUF file; default: the bundled Qwen2.5 1.5B.")
    llm_model: str = Field(default="qwen2.5-1.5b-instruct", description="Model name for the OpenAI backend.")
    llm_threads: int = Field(default=2, ge=1)
    llm_context: int = Field(default=4096, ge=512)
    llm_max_tokens: int = Field(default=256, ge=16)
    llm_flash_attention: bool = Field(
        default=True,
        description="llama.cpp's flash attention for the local model: same answers, prompt read a little faster "
        "(python -m evals.bench.llama_build).",
    )
    llm_timeout: float = Field(default=120.0, gt=0, description="Seconds before an OpenAI-compatible call fails.")
    model_cache: Path = Field(default_factory=_default_model_cache, description="Where the GGUF is assembled.")

    complete_lists: bool = Field(
        default=True, description="Add cited sources naming people a 'who' answer left out (rag/complete.py)."
    )
    conflicts: bool = Field(
        default=True,
        description="Say when sources give different answers to what was asked, citing each side (rag/conflicts.py).",
    )
    rescue: bool = Field(
        default=True,
        description="When no drafted sentence is stated as written, offer the cited source sentence that holds "
        "the draft's answer, verbatim and verified (rag/rescue.py).",
    )

    # Verification.
    min_support: float = Field(default=0.5, ge=0.0, le=1.0, description="Support score a sentence needs.")
    judge: Literal["off", "narrow", "all"] = Field(
        default="off",
        description="Ask the local model 'does the source state this claim?' about every sentence the "
        "lexical checks accept ('all'), only those they accept narrowly ('narrow'), or never ('off'). "
        "A veto only; needs the local backend, and asks in a llama.cpp context of its own, which holds "
        "the model a second time (about 1.9 GB more memory; rag/judge.py).",
    )
    judge_min_yes: float = Field(default=0.65, ge=0.0, le=1.0, description="P(yes) a sentence needs from the judge.")
    keep_unsupported: bool = Field(
        default=False, description="Show unsupported sentences flagged instead of dropping them."
    )

    # UI.
    ui_host: str = "127.0.0.1"
    ui_port: int = 7860
    ui_auth: str | None = Field(default=None, description="user:password that protects the UI (RAG_UI_AUTH).")
    api_host: str = "127.0.0.1"
    api_port: int = 8088
    api_key: str | None = Field(default=None, description="Bearer token the HTTP API requires (RAG_API_KEY).")
    feeds_every: float = Field(
        default=0.0, ge=0.0, description="`rag serve`/`rag api` update the feeds every N seconds (0: never)."
    )
    feeds_timeout: float = Field(default=20.0, gt=0.0, description="Seconds one feed or page request may take.")
    feeds_max_bytes: int = Field(default=5 * 1024 * 1024, gt=0, description="Largest feed or page read.")

    def field_map(self) -> FieldMap:
        """The JSON field names to read, defaults overridden by RAG_FIELDS_* settings."""
        defaults = FieldMap()
        chosen = {}
        for name in ("text", "title", "date", "url", "source", "author", "dateline"):
            value = getattr(self, f"fields_{name}")
            chosen[name] = tuple(v.strip() for v in value.split(",") if v.strip()) if value else getattr(defaults, name)
        return FieldMap(**chosen)

    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"
