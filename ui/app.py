"""The Gradio app: a thin adapter over :class:`rag.Assistant`.

The handlers (:class:`ChatHandler`, :class:`CorpusHandler`) are plain Python that the
tests call without a browser; :func:`build_app` only wires them to components.
Each browser session has its own chat history (Gradio keeps component values and
``gr.State`` per session).
"""

from __future__ import annotations

import datetime as dt
import html
import os
import shutil
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from rag.assistant import Assistant
from rag.retriever import Filters
from rag.types import Answer, Sources
from ui.render import CSS, answer_markdown, cards_html, escape, preview_markdown, sources_html

EXAMPLES = [
    "Who attended the Paris talks?",
    "Where will Witkoff fly on Saturday?",
    "What did Witkoff propose to broker a ceasefire?",
    "Who is Yermak?",
]
BACKENDS = ["local", "openai", "extractive"]


def _date(text: str | None, label: str) -> dt.date | None:
    if not text or not str(text).strip():
        return None
    try:
        return dt.date.fromisoformat(str(text).strip())
    except ValueError as exc:
        raise ValueError(f"{label} must be a date like 2025-04-17, not {text!r}") from exc


class ChatHandler:
    """One question in, the streamed answer and its source cards out."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant
        self._variants: dict[tuple[str, int], Assistant] = {}

    def _for(self, backend: str | None, top_k: int | None) -> Assistant:
        settings = self.assistant.settings
        key = (backend or settings.llm, int(top_k or settings.top_k))
        if key == (settings.llm, settings.top_k):
            return self.assistant
        if key not in self._variants:
            self._variants[key] = self.assistant.variant(llm=key[0], top_k=key[1])
        return self._variants[key]

    def respond(
        self,
        message: str,
        chat: list[dict[str, Any]] | None,
        since: str | None = None,
        until: str | None = None,
        source: str | None = None,
        backend: str | None = None,
        top_k: int | None = None,
    ) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
        """Yield ``(chat, sources_html, textbox)``: drafts while generating, then the verified answer."""
        chat = list(chat or [])
        message = (message or "").strip()
        if not message:
            yield chat, sources_html(None), ""
            return
        history = [m["content"] for m in chat if m.get("role") == "user" and isinstance(m.get("content"), str)]
        chat.append({"role": "user", "content": escape(message)})
        try:
            filters = Filters(since=_date(since, "From"), until=_date(until, "To"), source=source or None)
            assistant = self._for(backend, top_k)
            draft, lead, cards = "", "", sources_html(None)
            for event in assistant.stream(message, filters, [_unescape(h) for h in history]):
                if isinstance(event, Sources):
                    # Sources (and a verified preview) before the model's first token.
                    lead, cards = preview_markdown(event), cards_html(event.citations)
                    yield chat + [{"role": "assistant", "content": lead}], cards, ""
                elif isinstance(event, Answer):
                    yield chat + [{"role": "assistant", "content": answer_markdown(event)}], sources_html(event), ""
                else:
                    draft += event
                    content = f"{lead}\n\n*Draft, being verified:* {escape(draft)} …" if lead else escape(draft) + " …"
                    yield chat + [{"role": "assistant", "content": content}], cards, ""
        except Exception as exc:  # shown in the chat, never a crashed app
            yield chat + [{"role": "assistant", "content": f"**Error:** {escape(str(exc))}"}], sources_html(None), ""


def _unescape(text: str) -> str:
    """The user's question as typed (chat messages are stored escaped for display)."""
    import re

    return html.unescape(re.sub(r"\\(.)", r"\1", text))


class CorpusHandler:
    """Upload, list and delete articles."""

    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def articles(self, rows: list[dict[str, Any]] | None = None) -> list[list[Any]]:
        rows = self.assistant.store.articles() if rows is None else rows
        return [[r["article_id"], r["title"] or "", r["date"] or "", r["source"] or "", r["chunks"]] for r in rows]

    def sources(self, rows: list[dict[str, Any]] | None = None) -> list[str]:
        rows = self.assistant.store.articles() if rows is None else rows
        return sorted({r["source"] for r in rows if r.get("source")})

    def on_page_load(self) -> tuple[list[str], list[list[Any]]]:
        """The source choices and the article table, from one read of the store."""
        rows = self.assistant.store.articles()
        return [""] + self.sources(rows), self.articles(rows)

    def upload(self, files: Sequence[Any] | None, progress: Any = None) -> tuple[str, list[list[Any]]]:
        """Ingest uploaded files; bad ones are named with the reason and the rest ingested."""
        if not files:
            return "Choose one or more files first.", self.articles()
        # Uploads are kept under the index's home by file name, so uploading a corrected
        # file of the same name replaces the articles of its earlier version.
        uploads = Path(self.assistant.settings.home) / "uploads"
        uploads.mkdir(parents=True, exist_ok=True)
        kept = []
        for f in files:
            src = Path(getattr(f, "name", f))
            kept.append(uploads / src.name)
            if src.resolve() != kept[-1].resolve():
                shutil.copy(src, kept[-1])

        def tick(state: Any) -> None:
            if progress is not None:
                name = state.path.name if state.path else ""
                progress(state.fraction, desc=f"ingesting {name}: {state.line()}")

        report = self.assistant.ingest(kept, progress=tick)
        for s in report.skipped:  # a file that could not be read at all is not kept
            if "#" not in s.path:
                Path(s.path).unlink(missing_ok=True)
        lines = [f"**{escape(report.summary())}**"]
        lines += [f"- skipped {escape(Path(s.path).name)}: {escape(s.reason)}" for s in report.skipped]
        lines += [f"- not added {escape(Path(s.path).name)}: {escape(s.reason)}" for s in report.duplicates]
        if report.replaced:
            lines.append(f"- {len(report.replaced)} article(s) replaced by the new version of their file")
        return "\n".join(lines), self.articles()

    def delete(self, article_id: str) -> tuple[str, list[list[Any]]]:
        article_id = (article_id or "").strip()
        if not article_id:
            return "Enter an article id from the table.", self.articles()
        removed = self.assistant.delete(article_id)
        message = (
            f"Removed {removed} chunks of {escape(article_id)}." if removed else f"No article {escape(article_id)}."
        )
        return message, self.articles()


def build_app(assistant: Assistant) -> Any:
    import gradio as gr

    chat_handler, corpus = ChatHandler(assistant), CorpusHandler(assistant)
    settings = assistant.settings
    with gr.Blocks(title="News assistant", analytics_enabled=False) as app:
        gr.Markdown("## News assistant\nAnswers from the ingested articles only; every sentence cites its source.")
        with gr.Tab("Ask"):
            with gr.Row():
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(label="Conversation", elem_id="chat", height=480, sanitize_html=True)
                    question = gr.Textbox(
                        label="Question", placeholder="Who attended the Paris talks?", elem_id="question"
                    )
                    with gr.Row():
                        send = gr.Button("Ask", variant="primary", elem_id="ask")
                        clear = gr.Button("Clear conversation", elem_id="clear")
                    gr.Examples(EXAMPLES, inputs=question)
                    with gr.Accordion("Filters and settings", open=False):
                        with gr.Row():
                            since = gr.Textbox(label="From (YYYY-MM-DD)", elem_id="since")
                            until = gr.Textbox(label="To (YYYY-MM-DD)", elem_id="until")
                            # Filled on page load (after login, with RAG_UI_AUTH): the page
                            # itself carries nothing about the corpus.
                            source = gr.Dropdown(label="Source", choices=[""], value="", allow_custom_value=True)
                        with gr.Row():
                            backend = gr.Dropdown(label="Backend", choices=BACKENDS, value=settings.llm)
                            top_k = gr.Slider(
                                label="Passages (top-k)", minimum=1, maximum=30, step=1, value=settings.top_k
                            )
                with gr.Column(scale=2):
                    gr.Markdown("### Sources")
                    sources = gr.HTML(sources_html(None), elem_id="sources")
            inputs = [question, chatbot, since, until, source, backend, top_k]
            outputs = [chatbot, sources, question]
            send.click(chat_handler.respond, inputs, outputs)
            question.submit(chat_handler.respond, inputs, outputs)
            clear.click(lambda: ([], sources_html(None), ""), None, outputs)
        with gr.Tab("Corpus"):
            files = gr.File(label="Articles (.txt .md .html .json .jsonl)", file_count="multiple", elem_id="upload")
            ingest = gr.Button("Ingest", variant="primary", elem_id="ingest")
            status = gr.Markdown(elem_id="ingest-status")
            table = gr.Dataframe(
                headers=["article_id", "title", "date", "source", "chunks"], interactive=False, elem_id="articles",
            )  # fmt: skip
            with gr.Row():
                victim = gr.Textbox(label="Article id to delete", elem_id="delete-id")
                delete = gr.Button("Delete article", variant="stop", elem_id="delete")

            def do_upload(items, progress=gr.Progress()):
                return corpus.upload(items, progress)

            ingest.click(do_upload, files, [status, table])
            delete.click(corpus.delete, victim, [status, table])

        def page_load() -> tuple[Any, list[list[Any]]]:
            choices, rows = corpus.on_page_load()
            return gr.update(choices=choices), rows

        app.load(lambda: page_load(), None, [source, table])
    return app


def parse_auth(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user or not password:
        raise ValueError("RAG_UI_AUTH must look like user:password")
    return user, password


def _warm_up(assistant: Assistant) -> None:
    try:
        print(f"models ready after {assistant.warm_up():.0f}s")
    except Exception as exc:  # the first question reports it, with its fix
        print(f"warning: could not load the models yet: {exc}")


def launch(assistant: Assistant, host: str | None = None, port: int | None = None) -> None:
    settings = assistant.settings
    auth = parse_auth(settings.ui_auth)
    host = host or settings.ui_host
    if host not in ("127.0.0.1", "localhost", "::1") and auth is None:
        print(f"warning: serving on {host} without RAG_UI_AUTH: anyone who can reach this port can use it")
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home
    # Load the models while the page opens, not when the first question comes (~20 s
    # on 2 cores); a question asked meanwhile waits for the model's lock.
    threading.Thread(target=_warm_up, args=(assistant,), name="warm-up", daemon=True).start()
    app = build_app(assistant)
    app.queue(default_concurrency_limit=1).launch(
        server_name=host, server_port=port or settings.ui_port, share=False, auth=auth, inbrowser=False,
        css=CSS, ssr_mode=False, footer_links=[],
    )  # fmt: skip
