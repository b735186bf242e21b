"""Follow-up questions made standalone before retrieval.

"Where is he flying on Saturday?" cannot be searched on its own. The LLM rewrites it
with the conversation's recent questions; when no LLM is available (the extractive
backend, a server that is down) or its rewrite is unusable, the recent questions are
appended instead, which retrieval and the prompt can still use.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rag.llm import Generator, LLMError, chat

_REFERS_BACK = re.compile(
    r"\b(he|she|they|it|its|his|her|hers|their|them|him|there|that|this|those|these|then|the same|also|else|more)\b",
    re.IGNORECASE,
)

PROMPT = """Earlier questions in the conversation:
{history}

Follow-up question: {question}

Rewrite the follow-up question so that it can be understood without the conversation: replace pronouns such as "he", "she", "they", "there" with the names or places they refer to. Reply with the rewritten question only."""


def needs_condensing(question: str, history: Sequence[str]) -> bool:
    return bool(history) and bool(_REFERS_BACK.search(question))


def fallback(question: str, history: Sequence[str]) -> str:
    recent = [h.strip() for h in history[-2:] if h.strip()]
    return f"{question} (follow-up to: {' / '.join(recent)})" if recent else question


def _usable(candidate: str, question: str) -> bool:
    words = candidate.split()
    return 2 <= len(words) <= 40 and candidate.endswith("?") and "NOT IN SOURCES" not in candidate.upper()


def condense(question: str, history: Sequence[str], generator: Generator | None) -> str:
    """A standalone version of ``question`` given the earlier ``history`` (oldest first)."""
    question = question.strip()
    if not needs_condensing(question, history):
        return question
    if generator is not None:
        listing = "\n".join(f"- {h.strip()}" for h in history[-3:])
        try:
            reply = chat(
                generator, [{"role": "user", "content": PROMPT.format(history=listing, question=question)}], 48
            )
        except LLMError:
            reply = ""
        candidate = reply.strip().splitlines()[0].strip().strip('"“”') if reply.strip() else ""
        if _usable(candidate, question):
            return candidate
    return fallback(question, history)
