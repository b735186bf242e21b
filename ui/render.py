"""Answers as Markdown for the chat, with every piece of article or model text escaped.

Gradio renders raw HTML found in Markdown, so text that came from an article or a
model is HTML-escaped here, and Markdown's own control characters are neutralised.
"""

from __future__ import annotations

import html
import re

from rag.types import Answer

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")


def escape(text: str) -> str:
    """Text shown as-is: no HTML, no Markdown formatting, no links."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=True))


def answer_markdown(answer: Answer) -> str:
    if answer.abstained:
        return f"**The articles do not say.**\n\nSearched for: {escape(answer.searched)}"
    parts = []
    for sentence in answer.sentences:
        markers = "".join(f"<sup>[{n}]</sup>" for n in sentence.citations)
        flag = " *(unsupported)*" if not sentence.supported else ""
        parts.append(f"{escape(sentence.text)}{markers}{flag}")
    lines = [" ".join(parts), "", "**Sources**", ""]
    for c in answer.citations:
        dated = f", {escape(c.date)}" if c.date else ""
        lines.append(f"{c.n}. *{escape(c.title)}*{dated}: “{escape(c.quote)}”")
    return "\n".join(lines)
