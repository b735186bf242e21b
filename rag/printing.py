"""How an answer reads in a terminal."""

from __future__ import annotations

from lang.text import shown
from rag.types import Answer


def format_answer(answer: Answer) -> str:
    """The answer and its sources, control characters from wire copy removed."""
    return shown(_format(answer))


def _format(answer: Answer) -> str:
    if answer.abstained:
        why = f"\n(why: {answer.why})" if answer.why else ""
        return f"{answer.answer}\n(searched: {answer.searched}){why}"
    lines = [answer.answer, "", "Sources:"]
    for c in answer.citations:
        dated = f", {c.date}" if c.date else ""
        lines.append(f"[{c.n}] {c.title}{dated} [{c.article_id} {c.start}-{c.end}]")
        lines.append(f"    “{' '.join(c.quote.split())}”")
    lines.append(f"({answer.timings.total:.1f}s, {answer.backend})")
    return "\n".join(lines)
