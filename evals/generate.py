"""Draft a gold set from a user's own articles with the configured LLM.

Picks informative sentences spread over the articles (ones with names or numbers),
asks the model for a question each one answers and its short answer, and keeps the
sentence as the gold evidence. The output is a draft: a person reviews every line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from index.loader import LoadError, iter_files, load_file
from index.sentences import split_sentences
from lang.text import names, numbers
from rag.llm import chat, make_generator
from rag.settings import Settings

PROMPT = """Sentence from a news article:
"{sentence}"

Write one question that this sentence answers on its own, and its short answer (a few words copied from the sentence).
Reply in exactly two lines:
Q: <question>
A: <answer>"""


def candidate_sentences(paths: list[Path], count: int) -> list[tuple[str, str]]:
    """(article_id, sentence) pairs, round-robin over articles, informative ones first."""
    per_article: list[list[tuple[str, str]]] = []
    for path in iter_files(paths):
        try:
            article = load_file(path)
        except LoadError:
            continue
        sentences = [article.text[s:e] for s, e in split_sentences(article.text)]
        good = [s for s in sentences if 8 <= len(s.split()) <= 45 and (len(names(s)) >= 2 or numbers(s))]
        per_article.append([(article.article_id, s) for s in good])
    out: list[tuple[str, str]] = []
    while len(out) < count and any(per_article):
        for group in per_article:
            if group and len(out) < count:
                out.append(group.pop(0))
    return out


def draft_gold_set(settings: Settings, paths: list[Path], count: int) -> list[dict[str, Any]]:
    generator = make_generator(settings)
    items = []
    for article_id, sentence in candidate_sentences(paths, count):
        reply = chat(generator, [{"role": "user", "content": PROMPT.format(sentence=sentence)}], max_tokens=80)
        q = re.search(r"^\s*Q:\s*(.+)$", reply, re.MULTILINE)
        a = re.search(r"^\s*A:\s*(.+)$", reply, re.MULTILINE)
        if not q or not a:
            continue
        items.append(
            {
                "question": q.group(1).strip(),
                "answers": [a.group(1).strip().rstrip(".")],
                "answerable": True,
                "articles": [article_id],
                "evidence": [sentence],
                "kind": "draft",
            }
        )
    return items
