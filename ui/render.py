"""Answers rendered for the browser, with every piece of article or model text escaped.

Gradio renders raw HTML found in Markdown and shows ``gr.HTML`` as is, so all text
that came from an article, a question or a model goes through ``html.escape`` here,
and Markdown's own control characters are neutralised in chat messages.
"""

from __future__ import annotations

import html
import re

from lang.text import shown
from rag.types import Answer, Citation, Sources

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
        pieces = [f"{escape(text)}{''.join(marker(n) for n in cited)}" for text, cited in sentence.segments()]
        flag = " **(unsupported)**" if not sentence.supported else ""
        parts.append("".join(pieces) + flag)
    return " ".join(parts) + _conflicts_note(answer) + _dropped_note(answer)


def _conflicts_note(answer: Answer) -> str:
    """Sources that give another answer: each side with its markers, under a heading of its own."""
    notes = []
    for conflict in answer.conflicts:
        sides = "; ".join(f"{_e(side.says)} {''.join(marker(n) for n in side.sources)}" for side in conflict.sides)
        lean = f" {_e(conflict.lean)}" if conflict.lean else ""
        notes.append(f'\n\n<div class="conflict"><strong>Reports differ:</strong> {sides}.{lean}</div>')
    return "".join(notes)


def _dropped_note(answer: Answer) -> str:
    """What verification cut from the draft, and why: the switch from draft to answer explained."""
    if not answer.dropped:
        return ""
    items = "".join(f"<li>{html.escape(shown(s.text))} ({html.escape(s.reason)})</li>" for s in answer.dropped)
    count = len(answer.dropped)
    label = f"{count} drafted sentence{'s' if count > 1 else ''} not shown: not stated by the sources cited"
    return f"\n\n<details><summary>{label}</summary><ul>{items}</ul></details>"


def preview_markdown(sources: Sources) -> str:
    """The chat message while the model drafts: the verified extractive preview, or the sources' count."""
    articles = len({c.article_id for c in sources.citations})
    if sources.preview is None:
        return f"*Reading {len(sources.citations)} sentences of {articles} articles…*"
    return f"*Preview, the sources' own words (the model's answer follows):* {answer_markdown(sources.preview)}"


def web_link(url: str | None) -> bool:
    """Only http(s) links are rendered: an article's ``javascript:`` or ``data:`` URL is not a link."""
    return bool(url) and re.match(r"(?i)https?://[^\s\x00-\x1f]+$", url.strip()) is not None


def _e(text: str) -> str:
    return html.escape(shown(text))


def by_article(citations: list[Citation]) -> list[list[Citation]]:
    """Citations grouped by the article they quote, articles in order of their first citation."""
    groups: dict[str, list[Citation]] = {}
    for c in citations:
        groups.setdefault(c.article_id, []).append(c)
    return list(groups.values())


def _passage_html(passage: str, passage_start: int, quotes: list[Citation]) -> str:
    """One passage with each of its cited quotes highlighted (and anchored for its marker)."""
    out, at = [], 0
    for c in sorted(quotes, key=lambda c: c.start):
        s, e = c.start - passage_start, c.end - passage_start
        if not (at <= s <= e <= len(passage) and passage[s:e] == c.quote):
            continue  # overlapping or out of the passage: shown alone below rather than wrongly
        out.append(
            f'{_e(passage[at:s])}<mark id="cite-{c.n}" title="source {c.n}"><sup>[{c.n}]</sup>{_e(c.quote)}</mark>'
        )
        at = e
    return "".join(out) + _e(passage[at:])


def _card(citations: list[Citation]) -> str:
    """One article: its title and metadata once, each cited passage with its quotes highlighted."""
    first = citations[0]
    passages: dict[int, tuple[str, list[Citation]]] = {}
    for c in citations:
        passages.setdefault(c.passage_start, (c.passage, []))[1].append(c)
    shown_ids = set()
    bodies = []
    for start, (passage, quotes) in sorted(passages.items()):
        body = _passage_html(passage, start, quotes)
        shown_ids |= {c.n for c in quotes if f'id="cite-{c.n}"' in body}
        bodies.append(f"<div class='passage'>{body}</div>")
    for c in citations:  # a quote its passage could not place (never with offsets from the store)
        if c.n not in shown_ids:
            bodies.append(f"<div class='passage'><mark id=\"cite-{c.n}\"><sup>[{c.n}]</sup>{_e(c.quote)}</mark></div>")
    numbers = "".join(f"[{c.n}]" for c in citations)
    meta = " · ".join(_e(x) for x in (first.date or "undated", first.source or "", first.article_id) if x)
    link = (
        f' <a href="{_e(first.url)}" target="_blank" rel="noopener noreferrer">link</a>' if web_link(first.url) else ""
    )
    return (
        f'<div class="card"><div class="card-head"><span class="num">{numbers}</span> '
        f"<b>{_e(first.title)}</b></div><div class='meta'>{meta}{link}</div>{''.join(bodies)}</div>"
    )


def sources_html(answer: Answer | None) -> str:
    """The sources panel: one card per article, each quoted sentence highlighted in its passage."""
    if answer is None:
        return "<div class='sources empty'>Sources appear here, one card per article.</div>"
    if answer.abstained or not answer.citations:
        searched = html.escape(answer.searched)
        return f"<div class='sources empty'>No sources: the articles do not say. Searched for: <i>{searched}</i></div>"
    return cards_html(answer.citations, final=True)


def cards_html(citations: list[Citation], final: bool = False) -> str:
    """Cards for ``citations``: the sources being read (``final=False``) or the verified answer's."""
    cards = "".join(_card(group) for group in by_article(citations))
    return f"<div class='sources{' final' if final else ''}'>{cards}</div>"


CSS = """
.conflict{border-left:4px solid #d97706;padding:4px 8px;margin-top:6px;background:#fff7ed}
.card{border:1px solid #d0d7de;border-radius:8px;padding:8px 10px;margin:0 0 8px 0}
.card mark{scroll-margin-top:12px}
.card mark:target{outline:3px solid #f2b705}
.card mark sup{color:#57606a;font-size:0.75em;margin-right:2px}
.card .passage + .passage{border-top:1px dashed #d0d7de;margin-top:6px;padding-top:6px}
.card .meta{color:#57606a;font-size:0.85em;margin:2px 0 6px 0}
.card .passage{white-space:pre-wrap;line-height:1.4}
.card mark{background:#fff2a8;padding:0 2px}
a.cite{text-decoration:none;font-size:0.8em;vertical-align:super;margin-left:1px}
"""
