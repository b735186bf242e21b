"""Grounded question answering over news articles, with verified citations.

>>> from rag import Assistant  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag.assistant import Assistant
    from rag.settings import Settings
    from rag.types import Answer, AnswerSentence, Citation

__all__ = ["Answer", "AnswerSentence", "Assistant", "Citation", "Settings"]


def __getattr__(name: str) -> Any:
    # Lazy, so `rag --help` and `import rag` stay fast.
    if name == "Assistant":
        from rag.assistant import Assistant

        return Assistant
    if name == "Settings":
        from rag.settings import Settings

        return Settings
    if name in {"Answer", "AnswerSentence", "Citation"}:
        from rag import types

        return getattr(types, name)
    raise AttributeError(name)
