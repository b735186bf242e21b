"""Read article files into :class:`Article` records.

This first version reads plain-text articles. A text file may start with a header
line ``date YYYY-MM-DD Title`` (the format of some scraper exports); it becomes the
article's date and title and is not part of the body. Without it, the title is the
first sentence (shortened) and the date is unknown.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from index.sentences import split_sentences
from index.types import Article

SUPPORTED_SUFFIXES = (".txt",)
_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\s+([^\n]+?)\s*(?:\n|\Z)")
_TITLE_MAX = 120


class LoadError(Exception):
    """An article file that could not be read; the message says why."""


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


def content_id(text: str) -> str:
    """A stable id from an article's text: the same text always gets the same id."""
    normalised = " ".join(text.split())
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def _title_from_text(text: str, fallback: str) -> str:
    spans = split_sentences(text)
    if not spans:
        return fallback
    first = text[spans[0][0] : spans[0][1]]
    if len(first) <= _TITLE_MAX:
        return first
    cut = first[:_TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def parse_text(raw: str, path: str | None = None) -> Article:
    """Parse the text of a ``.txt`` article (with or without a date header)."""
    header = _HEADER.match(raw)
    date = title = None
    body = raw
    if header:
        date, title = header.group(1), header.group(2)
        body = raw[header.end() :]
    body = body.strip()
    if not body:
        raise LoadError("no article text")
    if title is None:
        fallback = Path(path).stem.replace("-", " ").replace("_", " ") if path else "Untitled"
        title = _title_from_text(body, fallback)
    return Article(article_id=content_id(body), title=title, text=body, date=date, path=path)


def load_file(path: Path) -> Article:
    """Read one article file; raise :class:`LoadError` with a reason if it cannot be read."""
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise LoadError(f"unsupported file type {path.suffix or '(none)'}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror or exc}") from exc
    if b"\x00" in data[:8192]:
        raise LoadError("binary file, not text")
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise LoadError(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    return parse_text(raw, path=str(path))


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The article files under ``paths`` (folders walked recursively, hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                if child.is_file() and not any(part.startswith(".") for part in rel.parts):
                    if child.suffix.lower() in SUPPORTED_SUFFIXES:
                        yield child
        else:
            yield path
