"""Answer generators behind one interface: local llama.cpp, OpenAI-compatible, extractive.

``Generator.generate(question, evidence)`` yields answer text in pieces (tokens for
the LLM backends); the answer cites sources as ``[n]``, numbered from 1 in the order
of ``evidence``. Heavy objects (the model, the HTTP client) are built on first use.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol

from rag.prompts import NOT_FOUND, build_messages
from rag.settings import Settings
from rag.types import Evidence


class LLMError(RuntimeError):
    """The language model could not answer; the message says why and what to do."""


class Generator(Protocol):
    name: str

    def generate(self, question: str, evidence: Sequence[Evidence]) -> Iterator[str]:
        """Yield the answer text in pieces, citing sources as [n]."""
        ...


def chat(generator: Generator, messages: list[dict[str, str]], max_tokens: int = 128) -> str:
    """A whole reply to any chat prompt, from a backend that is a language model."""
    stream_chat = getattr(generator, "stream_chat", None)
    if stream_chat is None:
        raise LLMError(f"the {generator.name} backend is not a language model; use RAG_LLM=local or openai")
    return "".join(stream_chat(messages, max_tokens)).strip()


class LocalGenerator:
    """A GGUF model run in-process by llama-cpp-python (the default, offline)."""

    def __init__(
        self, model_path: Path, threads: int = 2, context: int = 4096, max_tokens: int = 256,
        flash_attention: bool = True,
    ) -> None:  # fmt: skip
        self.model_path = Path(model_path)
        self.flash_attention = flash_attention
        self.name = f"local:{self.model_path.name}"
        self.threads = threads
        self.context = context
        self.max_tokens = max_tokens
        self._llm: Any = None
        # llama.cpp contexts are not thread-safe; the UI may call from several threads.
        self._lock = threading.Lock()
        self._fork: LocalGenerator | None = None

    def fork(self) -> LocalGenerator:
        """The same model in a llama.cpp context of its own (for the judge, ``rag.judge``),
        made once: every judge of this generator shares it.

        Each context keeps the prompt prefix it last evaluated: sharing one, the answer's
        prompt and the judge's evicted each other's on every question. It costs memory:
        llama.cpp repacks the weights for the CPU into each context's own buffers, so the
        fork holds the model a second time (about 1.9 GB for the bundled 1.5B model).
        """
        if self._fork is None:
            self._fork = LocalGenerator(
                self.model_path, self.threads, self.context, self.max_tokens, self.flash_attention
            )
        return self._fork

    def _load(self) -> Any:
        if self._llm is None:
            from llama_cpp import Llama

            try:
                self._llm = Llama(
                    model_path=str(self.model_path), n_ctx=self.context, n_threads=self.threads,
                    n_threads_batch=self.threads, verbose=False, seed=0, flash_attn=self.flash_attention,
                )  # fmt: skip
            except (ValueError, RuntimeError) as exc:
                raise LLMError(f"llama.cpp could not load {self.model_path}: {exc}") from exc
        return self._llm

    def generate(self, question: str, evidence: Sequence[Evidence]) -> Iterator[str]:
        return self.stream_chat(build_messages(question, evidence), self.max_tokens)

    def warm_up(self) -> None:
        """Load the model and evaluate the prompt's fixed prefix (rules, worked examples).

        llama.cpp keeps the evaluated tokens and reuses the longest common prefix, so
        the next answer pays only for its own sources and question. The benchmark also
        calls this to give every measured question the same cache state.
        """
        with self._lock:
            self._load().create_chat_completion(messages=build_messages("", []), max_tokens=1)

    def stream_chat(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        """Any chat prompt, streamed (used for answers, follow-up condensing, drafting gold sets)."""
        with self._lock:
            llm = self._load()
            stream = llm.create_chat_completion(messages=messages, max_tokens=max_tokens, temperature=0.0, stream=True)
            for chunk in stream:
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece


class OpenAIGenerator:
    """Any OpenAI-compatible chat endpoint (OpenAI, vLLM, Ollama, llama.cpp server)."""

    def __init__(self, model: str, api_key: str | None, base_url: str | None, timeout: float, max_tokens: int) -> None:
        self.model = model
        self.name = f"openai:{model}"
        self.api_key = api_key
        self.base_url = base_url
        self.timeout = timeout
        self.max_tokens = max_tokens
        self._client: Any = None

    def _connect(self) -> Any:
        if self._client is None:
            import openai

            self._client = openai.OpenAI(
                api_key=self.api_key or "not-needed", base_url=self.base_url, timeout=self.timeout, max_retries=1
            )
        return self._client

    def generate(self, question: str, evidence: Sequence[Evidence]) -> Iterator[str]:
        return self.stream_chat(build_messages(question, evidence), self.max_tokens)

    def stream_chat(self, messages: list[dict[str, str]], max_tokens: int) -> Iterator[str]:
        """Any chat prompt, streamed; connection problems become :class:`LLMError`."""
        import openai

        where = self.base_url or "the OpenAI API"
        try:
            stream = self._connect().chat.completions.create(
                model=self.model, messages=messages, temperature=0.0, max_tokens=max_tokens, stream=True
            )
            for chunk in stream:
                if chunk.choices and chunk.choices[0].delta.content:
                    yield chunk.choices[0].delta.content
        except openai.AuthenticationError as exc:
            raise LLMError(f"{where} rejected the API key (OPENAI_API_KEY): {exc.message}") from exc
        except openai.APITimeoutError as exc:
            raise LLMError(f"{where} did not answer within {self.timeout:.0f}s (RAG_LLM_TIMEOUT)") from exc
        except openai.APIConnectionError as exc:
            raise LLMError(f"cannot connect to {where} (OPENAI_BASE_URL): {exc}") from exc
        except openai.APIStatusError as exc:
            raise LLMError(f"{where} answered HTTP {exc.status_code}: {exc.message}") from exc


class ExtractiveGenerator:
    """No LLM: the best evidence sentences themselves, each cited. Instant and deterministic."""

    name = "extractive"

    def __init__(self, sentences: int = 3) -> None:
        self.sentences = sentences

    def generate(self, question: str, evidence: Sequence[Evidence]) -> Iterator[str]:
        ranked = sorted(range(len(evidence)), key=lambda i: -evidence[i].score)[: self.sentences]
        if not ranked:
            yield NOT_FOUND
            return
        for i in sorted(ranked, key=lambda i: (evidence[i].article_id, evidence[i].start)):
            yield f"{' '.join(evidence[i].quote.split())} [{i + 1}] "


def make_generator(settings: Settings) -> Generator:
    """The backend that ``RAG_LLM`` names."""
    import os

    from rag.model_files import resolve_model_path

    if settings.llm == "extractive":
        return ExtractiveGenerator()
    if settings.llm == "openai":
        return OpenAIGenerator(
            model=settings.llm_model, api_key=os.environ.get("OPENAI_API_KEY"),
            base_url=os.environ.get("OPENAI_BASE_URL"), timeout=settings.llm_timeout,
            max_tokens=settings.llm_max_tokens,
        )  # fmt: skip
    path = resolve_model_path(settings.llm_model_path, settings.model_cache)
    return LocalGenerator(
        path, settings.llm_threads, settings.llm_context, settings.llm_max_tokens, settings.llm_flash_attention
    )
