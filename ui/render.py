"""Answers rendered for the browser, with every piece of article or model text escaped.

Gradio renders raw HTML found in Markdown and shows ``gr.HTML`` as is, so all text
that came from an article, a question or a model goes through ``html.escape`` here,
and Markdown's own control characters are neutralised in chat messages.
"""

from __future__ import annotations

import html
import re

from lang.text import shown
from rag.types import Answer, Citation

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~>])")


def escape(text: str) -> str:
    """Text shown as-is in Markdown: no HTML, no formatting, no links."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(" ".join(shown(text).split()), quote=True))


def marker(n: int) -> str:
    """An inline citation marker that brings its source card into view when clicked."""
    return f'<a class="cite" href="#cite-{n}" title="source {n}">[{n}]</a>'


def answer_markdown(answer: Answer) -> str:
    """The chat message: sentences with clickable markers, unsupported ones flagged."""
    if answer.abstained:
        return (
            "**The articles do not say.**\n\n"
            f"Searched the articles for: *{escape(answer.searched)}*. "
            "No passage supports an answer, so none is given." + (f" ({escape(answer.why)}.)" if answer.why else "")
        )
    parts = []
    for sentence in answer.sentences:
        markers = "".join(marker(n) for n in sentence.citations)
        flag = " **(unsupported)**" if not sentence.supported else ""
        parts.append(f"{escape(sentence.text)}{markers}{flag}")
    return " ".join(parts)


def web_link(url: str | None) -> bool:
    """Only http(s) links are rendered: an article's ``javascript:`` or ``data:`` URL is not a link."""
    return bool(url) and re.match(r"(?i)https?://[^\s\x00-\x1f]+$", url.strip()) is not None


def _card(c: Citation) -> str:
    def e(text: str) -> str:
        return html.escape(shown(text))

    local_start, local_end = c.start - c.passage_start, c.end - c.passage_start
    passage = c.passage
    if 0 <= local_start <= local_end <= len(passage) and passage[local_start:local_end] == c.quote:
        body = f"{e(passage[:local_start])}<mark>{e(c.quote)}</mark>{e(passage[local_end:])}"
    else:  # cannot happen with offsets from the store; show the quote alone rather than a wrong highlight
        body = f"<mark>{e(c.quote)}</mark>"
    meta = " · ".join(e(x) for x in (c.date or "undated", c.source or "", c.article_id) if x)
    link = f' <a href="{e(c.url)}" target="_blank" rel="noopener noreferrer">link</a>' if web_link(c.url) else ""
    return (
        f'<div class="card" id="cite-{c.n}"><div class="card-head"><span class="num">[{c.n}]</span> '
        f"<b>{e(c.title)}</b></div><div class='meta'>{meta}{link}</div>"
        f"<div class='passage'>{body}</div></div>"
    )


def sources_html(answer: Answer | None) -> str:
    """The sources panel: one card per citation, its quote highlighted in its passage."""
    if answer is None:
        return "<div class='sources empty'>Sources appear here, one card per citation.</div>"
    if answer.abstained or not answer.citations:
        searched = html.escape(answer.searched)
        return f"<div class='sources empty'>No sources: the articles do not say. Searched for: <i>{searched}</i></div>"
    return "<div class='sources'>" + "".join(_card(c) for c in answer.citations) + "</div>"


CSS = """
.card{border:1px solid #d0d7de;border-radius:8px;padding:8px 10px;margin:0 0 8px 0;scroll-margin-top:12px}
.card:target{outline:3px solid #f2b705}
.card .meta{color:#57606a;font-size:0.85em;margin:2px 0 6px 0}
.card .passage{white-space:pre-wrap;line-height:1.4}
.card mark{background:#fff2a8;padding:0 2px}
a.cite{text-decoration:none;font-size:0.8em;vertical-align:super;margin-left:1px}
"""
