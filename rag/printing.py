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
    groups: dict[str, list] = {}
    for c in answer.citations:  # one entry per article, each quoted sentence under it
        groups.setdefault(c.article_id, []).append(c)
    for cited in groups.values():
        first = cited[0]
        dated = f", {first.date}" if first.date else ""
        lines.append(f"{''.join(f'[{c.n}]' for c in cited)} {first.title}{dated} [{first.article_id}]")
        for c in cited:
            lines.append(f"    [{c.n}] “{' '.join(c.quote.split())}” ({c.start}-{c.end})")
    lines.append(f"({answer.timings.total:.1f}s, {answer.backend})")
    return "\n".join(lines)
