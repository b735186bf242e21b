"""The Gradio chat: a thin adapter over :class:`rag.Assistant`.

``ChatHandler.respond`` is plain Python (tests call it without a browser); the app
only wires it to a ``gr.ChatInterface``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rag.assistant import Assistant
from rag.types import Answer
from ui.render import answer_markdown, escape

EXAMPLES = [
    "Who attended the Paris talks?",
    "Where will Witkoff fly on Saturday?",
    "What did Witkoff propose to broker a ceasefire?",
]


class ChatHandler:
    def __init__(self, assistant: Assistant) -> None:
        self.assistant = assistant

    def respond(self, message: str, history: list[dict[str, Any]] | None = None) -> Iterator[str]:
        """Stream the answer as it is generated, then replace it with the verified one."""
        if not message.strip():
            yield "Ask a question about the articles."
            return
        draft = ""
        try:
            for event in self.assistant.stream(message):
                if isinstance(event, Answer):
                    yield answer_markdown(event)
                else:
                    draft += event
                    yield escape(draft) + " …"
        except Exception as exc:  # shown to the user, not a crash of the app
            yield f"**Error:** {escape(str(exc))}"


def build_app(assistant: Assistant) -> Any:
    import gradio as gr

    handler = ChatHandler(assistant)
    return gr.ChatInterface(
        handler.respond,
        title="News assistant",
        description="Answers from the ingested articles only, every sentence cited.",
        examples=EXAMPLES,
        cache_examples=False,
    )


def launch(assistant: Assistant, host: str | None = None, port: int | None = None) -> None:
    settings = assistant.settings
    app = build_app(assistant)
    app.queue(default_concurrency_limit=1).launch(
        server_name=host or settings.ui_host, server_port=port or settings.ui_port, share=False,
        show_api=False, inbrowser=False,
    )  # fmt: skip
