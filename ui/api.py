"""``rag api``: an OpenAI-compatible HTTP API whose answers carry verified citations.

Routes (all under ``/v1``, JSON; errors are ``{"error": {"message", "type", "code"}}``):

- ``POST /v1/chat/completions``: OpenAI's request and response shapes, streamed (SSE)
  or not. The last user message is the question, earlier user messages its history.
  The reply's ``content`` is the verified answer with its ``[n]`` markers; the extra
  top-level field ``rag`` holds ``citations``, ``sentences`` (with ``supported``),
  ``abstained``, ``why``, ``searched`` and ``timings``. Extra request fields ``since``,
  ``until`` (YYYY-MM-DD) and ``source`` filter the articles.
- ``POST /v1/embeddings``: the index's own embedding model, for hosts that embed
  through this one (``RAG_EMBED_URL``).
- ``GET /v1/models``, ``POST /v1/search``, ``POST /v1/ingest`` (multipart files, or a
  JSONL body), ``GET /v1/articles``, ``DELETE /v1/articles/{id}``.

Streaming sends only verified text as ``content``. First ``delta.rag_sources`` (the
numbered sources, and a verified extractive ``preview`` when the evidence is strong),
then the model's draft, which verification may cut, as ``delta.rag_draft`` (clients
that do not know these fields ignore them), then the verified answer as ``content``,
then a last chunk with ``finish_reason`` and ``rag``.

``RAG_API_KEY`` set: every route needs ``Authorization: Bearer KEY`` (401 otherwise).
Concurrency: routes run in a thread pool; with the local model one answer is generated
at a time (llama.cpp holds one context) and other questions wait for it after their
retrieval, while search, ingest and the article list never wait for the model.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import re
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, field_validator
from starlette.exceptions import HTTPException as StarletteHTTPException

from rag.assistant import Assistant
from rag.retriever import Filters
from rag.types import Answer, Sources

MODEL_ID = "news-rag"
MAX_BODY_BYTES = 256 * 1024 * 1024  # one ingest request
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class ApiError(Exception):
    def __init__(self, status: int, message: str, kind: str = "invalid_request_error", code: str | None = None):
        super().__init__(message)
        self.status, self.message, self.kind, self.code = status, message, kind, code


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: only text parts are read
            return " ".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")
        return self.content or ""


class FilterFields(BaseModel):
    since: date | None = None
    until: date | None = None
    source: str | None = None

    def filters(self) -> Filters:
        if self.since and self.until and self.since > self.until:
            raise ApiError(400, "'since' is after 'until'")
        return Filters(since=self.since, until=self.until, source=self.source or None)


class ChatRequest(FilterFields):
    model_config = ConfigDict(extra="allow")  # temperature, max_tokens, ...: accepted, not used
    model: str = MODEL_ID
    messages: list[Message] = Field(min_length=1)
    stream: bool = False

    @field_validator("messages")
    @classmethod
    def _last_is_user(cls, messages: list[Message]) -> list[Message]:
        if messages[-1].role != "user" or not messages[-1].text().strip():
            raise ValueError("the last message must be a user message with text: it is the question")
        return messages


class EmbeddingsRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # user, dimensions: accepted, not used
    model: str
    input: str | list[str] = Field(min_length=1)
    encoding_format: str = "float"

    @field_validator("encoding_format")
    @classmethod
    def _format(cls, value: str) -> str:
        if value not in ("float", "base64"):
            raise ValueError("encoding_format must be 'float' or 'base64'")
        return value


class SearchRequest(FilterFields):
    query: str = Field(min_length=1)
    k: int = Field(default=10, ge=1, le=100)


def _error(status: int, message: str, kind: str = "invalid_request_error", code: str | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "code": code}}, status_code=status)


def _rag_field(answer: Answer) -> dict[str, Any]:
    data = answer.to_dict()
    shown = ("citations", "sentences", "conflicts", "abstained", "why", "searched", "backend", "timings")
    return {key: data[key] for key in shown}


def create_app(assistant: Assistant, api_key: str | None = None) -> FastAPI:
    app = FastAPI(title="news-rag API", docs_url=None, redoc_url=None, openapi_url=None)

    @app.middleware("http")
    async def authenticate(request: Request, call_next):
        if api_key:
            given = request.headers.get("authorization", "")
            scheme, _, token = given.partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), api_key.encode()):
                return _error(401, "missing or wrong API key (Authorization: Bearer ...)", "authentication_error",
                              "invalid_api_key")  # fmt: skip
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
            return _error(413, f"request body over {MAX_BODY_BYTES // 2**20} MB")
        return await call_next(request)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.message, exc.kind, exc.code)

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return _error(400, "; ".join(_describe(e) for e in exc.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        return _error(
            exc.status_code, str(exc.detail), "not_found_error" if exc.status_code == 404 else "invalid_request_error"
        )

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        return _error(500, f"internal error: {type(exc).__name__}: {exc}", "server_error")

    @app.get("/v1/models")
    def models() -> dict[str, Any]:
        return {"object": "list", "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "news-rag"}]}

    @app.post("/v1/chat/completions", response_model=None)
    def chat(body: ChatRequest) -> dict[str, Any] | StreamingResponse:
        question = body.messages[-1].text()
        history = [m.text() for m in body.messages[:-1] if m.role == "user" and m.text().strip()]
        filters = body.filters()
        completion_id, created = f"chatcmpl-{uuid.uuid4().hex}", int(time.time())
        if body.stream:
            events = _user_errors(assistant.stream(question, filters, history))
            first = next(events)  # errors in the question or the index surface as 4xx/5xx here
            return StreamingResponse(
                _sse(first, events, completion_id, created, body.model), media_type="text/event-stream"
            )
        answer = next(e for e in _user_errors(assistant.stream(question, filters, history)) if isinstance(e, Answer))
        return {
            "id": completion_id, "object": "chat.completion", "created": created, "model": body.model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": answer.answer},
                         "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
            "rag": _rag_field(answer),
        }  # fmt: skip

    @app.post("/v1/embeddings")
    def embeddings(body: EmbeddingsRequest) -> dict[str, Any]:
        """The index's own embedding model, for other hosts that embed through this one."""
        served = assistant.embedder.name
        if body.model != served:
            raise ApiError(404, f"model {body.model!r} is not served here; this server embeds with {served!r}",
                           "not_found_error", "model_not_found")  # fmt: skip
        texts = [body.input] if isinstance(body.input, str) else body.input
        if any(not isinstance(t, str) or not t for t in texts):
            raise ApiError(400, "input must be a non-empty string or a list of non-empty strings")
        vectors = _call(lambda: assistant.embedder.embed(texts))
        data = [
            {"object": "embedding", "index": i, "embedding": _encoded(v, body.encoding_format)}
            for i, v in enumerate(vectors)
        ]
        return {"object": "list", "data": data, "model": served, "usage": {"prompt_tokens": 0, "total_tokens": 0}}

    @app.post("/v1/search")
    def search(body: SearchRequest) -> dict[str, Any]:
        passages = _call(lambda: assistant.search(body.query, body.k, body.filters()))
        data = [
            {"rank": i, "article_id": p.article_id, "title": p.title, "text": p.text, "score": round(p.score, 4),
             "chunk_id": p.chunk_id, "start": p.start, "end": p.end, "date": p.date, "source": p.source, "url": p.url}
            for i, p in enumerate(passages, start=1)
        ]  # fmt: skip
        return {"object": "list", "data": data}

    @app.post("/v1/ingest")
    async def ingest(request: Request) -> JSONResponse:
        folder = Path(assistant.settings.home) / "uploads" / "api"
        folder.mkdir(parents=True, exist_ok=True)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        saved: list[Path] = []
        if kind == "multipart/form-data":
            form = await request.form()
            for value in form.values():
                if hasattr(value, "filename") and value.filename:
                    saved.append(folder / _safe_name(value.filename))
                    saved[-1].write_bytes(await value.read())
            if not saved:
                raise ApiError(400, "no files in the form")
        elif kind in ("application/x-ndjson", "application/jsonl", "application/x-jsonlines", "application/json"):
            body = await request.body()
            if not body.strip():
                raise ApiError(400, "empty body: send JSONL (one article object per line)")
            name = _safe_name(request.query_params.get("name") or f"api-{int(time.time() * 1000)}.jsonl")
            saved.append(folder / (name if name.endswith(".jsonl") else f"{name}.jsonl"))
            saved[-1].write_bytes(body)
        else:
            raise ApiError(415, "send multipart/form-data files or an application/x-ndjson (JSONL) body")
        from starlette.concurrency import run_in_threadpool

        report = await run_in_threadpool(lambda: _call(lambda: assistant.ingest(saved)))
        return JSONResponse(
            {
                "added": report.added, "replaced": report.replaced, "unchanged": report.unchanged,
                "duplicates": [{"path": s.path, "reason": s.reason} for s in report.duplicates],
                "skipped": [{"path": s.path, "reason": s.reason} for s in report.skipped],
                "chunks_added": report.chunks_added, "summary": report.summary(),
            },
            status_code=200 if report.added or report.unchanged or report.replaced else 422,
        )  # fmt: skip

    @app.get("/v1/articles")
    def articles() -> dict[str, Any]:
        return {"object": "list", "data": _call(assistant.store.articles)}

    @app.delete("/v1/articles/{article_id}")
    def delete(article_id: str) -> dict[str, Any]:
        if not any(a["article_id"] == article_id for a in _call(assistant.store.articles)):
            raise ApiError(404, f"no article {article_id!r}", "not_found_error")
        chunks = _call(lambda: assistant.delete(article_id))
        return {"id": article_id, "object": "article", "deleted": True, "chunks": chunks}

    return app


def _encoded(vector: list[float], encoding: str) -> list[float] | str:
    """A vector as floats, or as OpenAI's base64 of little-endian float32 (what its client asks for)."""
    if encoding == "float":
        return vector
    import base64
    import struct

    return base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()


def _describe(error: dict[str, Any]) -> str:
    where = ".".join(str(x) for x in error.get("loc", ()) if x != "body")
    message = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    return f"{where}: {message}" if where else message


def _safe_name(name: str) -> str:
    cleaned = _SAFE_NAME.sub("_", Path(name).name).strip("._")
    return cleaned or f"upload-{int(time.time() * 1000)}"


def _call(fn):
    """The assistant's user-facing errors as HTTP errors (a bad question 400, the index 503)."""
    from index.embedder import EmbeddingServiceError, ModelMissingError
    from index.store import StoreError
    from rag.llm import LLMError

    try:
        return fn()
    except ValueError as exc:
        raise ApiError(400, str(exc)) from exc
    except (ModelMissingError, EmbeddingServiceError, StoreError, LLMError) as exc:
        raise ApiError(503, str(exc), "server_error") from exc


def _user_errors(events: Iterator[Sources | str | Answer]) -> Iterator[Sources | str | Answer]:
    """``events`` with the assistant's errors turned into ApiError as they come."""
    while True:
        try:
            event = _call(lambda: next(events))
        except StopIteration:
            return
        yield event


def _sse(
    first: Sources | str | Answer,
    events: Iterator[Sources | str | Answer],
    completion_id: str,
    created: int,
    model: str,
) -> Iterator[str]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
        data = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}  # fmt: skip
        return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"

    yield chunk({"role": "assistant", "content": ""})
    try:
        for event in _chain(first, events):
            if isinstance(event, Sources):
                yield chunk({"rag_sources": event.to_dict()})
            elif isinstance(event, Answer):
                for piece in re.findall(r"\S+\s*", event.answer):
                    yield chunk({"content": piece})
                yield chunk({}, "stop", rag=_rag_field(event))
            else:
                yield chunk({"rag_draft": event})
    except ApiError as exc:  # the headers are sent: the error goes in the stream
        yield f"data: {json.dumps({'error': {'message': exc.message, 'type': exc.kind, 'code': exc.code}})}\n\n"
    yield "data: [DONE]\n\n"


def _chain(first: Sources | str | Answer, rest: Iterator[Sources | str | Answer]) -> Iterator[Sources | str | Answer]:
    yield first
    yield from rest


@contextlib.contextmanager
def serving_in_thread(app: FastAPI, port: int, timeout: float = 30) -> Iterator[str]:
    """``app`` on a real uvicorn server on 127.0.0.1:``port`` in a thread, for programs and
    tests that embed the API; yields its base URL and stops the server on exit."""
    import threading

    import uvicorn

    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the API server did not start on port {port}")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def serve_api(assistant: Assistant, host: str, port: int, api_key: str | None) -> None:
    import threading

    import uvicorn

    if host not in ("127.0.0.1", "localhost", "::1") and not api_key:
        print(f"warning: serving the API on {host} without RAG_API_KEY: anyone who can reach this port can use it")
    threading.Thread(target=assistant.warm_up, name="warm-up", daemon=True).start()
    uvicorn.run(create_app(assistant, api_key), host=host, port=port, log_level="info")
