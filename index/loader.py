"""Read article files into :class:`Article` records.

Formats (see ``index.formats``): ``.txt`` (optionally headed ``date YYYY-MM-DD Title``),
``.md`` (YAML front matter), ``.html`` (main text by trafilatura), ``.json`` (an object,
a list, or ``{"articles": [...]}``) and ``.jsonl``. Text that is not UTF-8 is decoded
with the encoding charset-normalizer detects. Every article gets a stable id (from
its URL when it has one, else from its text), an ISO date when one can be parsed,
and the path it came from.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.formats import FieldMap, FormatError, parse_html, parse_json, parse_jsonl, parse_markdown, parse_txt
from index.sentences import split_sentences
from index.types import Article

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".json", ".jsonl")
MAX_ARTICLE_CHARS = 1_000_000  # a news article is far shorter; a larger "article" is a dump gone wrong
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


def url_id(url: str) -> str:
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:16]


def normalise_date(value: Any) -> str | None:
    """An ISO date (YYYY-MM-DD) from a date, datetime, timestamp or date string; None if unparseable."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds in many dumps
        return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date().isoformat()
    from dateutil import parser

    try:
        return parser.parse(str(value), default=dt.datetime(2000, 1, 1)).date().isoformat()
    except (ValueError, OverflowError):
        return None


def _title_from_text(text: str, fallback: str) -> str:
    spans = split_sentences(text)
    if not spans:
        return fallback
    first = text[spans[0][0] : spans[0][1]]
    if len(first) <= _TITLE_MAX:
        return first
    cut = first[:_TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def make_article(record: dict[str, Any], path: str | None) -> Article:
    """An :class:`Article` from a parsed record; raises FormatError when it has no usable text."""
    body = str(record.get("text") or "").strip()
    if not body:
        raise FormatError("no article text")
    if len(body) > MAX_ARTICLE_CHARS:
        raise FormatError(f"article text is {len(body):,} characters, over the {MAX_ARTICLE_CHARS:,} limit")
    url = str(record["url"]).strip() if record.get("url") else None
    fallback = Path(path.split("#")[0]).stem.replace("-", " ").replace("_", " ") if path else "Untitled"
    title = " ".join(str(record.get("title") or "").split()) or _title_from_text(body, fallback)

    def clean(key: str) -> str | None:
        value = record.get(key)
        return " ".join(str(value).split()) if value not in (None, "") else None

    return Article(
        article_id=url_id(url) if url else content_id(body), title=title, text=body,
        date=normalise_date(record.get("date")), source=clean("source"), url=url, author=clean("author"), path=path,
    )  # fmt: skip


def decode(data: bytes) -> str:
    """UTF-8 if it is, else the encoding charset-normalizer finds; binary data is refused."""
    if b"\x00" in data[:8192]:
        raise LoadError("binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise LoadError("not text: no character encoding fits")
    return str(best)


def parse_text(raw: str, path: str | None = None) -> Article:
    """Parse the text of a ``.txt`` article (with or without a date header)."""
    try:
        return make_article(parse_txt(raw), path)
    except FormatError as exc:
        raise LoadError(str(exc)) from exc


def load_articles(path: Path, fields: FieldMap | None = None) -> tuple[list[Article], list[Skipped]]:
    """Every article in one file, and the records in it that could not be read.

    Raises LoadError when the file as a whole cannot be read.
    """
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(f"unsupported file type {suffix or '(none)'}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read: {exc.strerror or exc}") from exc
    raw = decode(data)
    fields = fields or FieldMap()
    try:
        if suffix in (".json", ".jsonl"):
            parsed = parse_json(raw, fields) if suffix == ".json" else parse_jsonl(raw, fields)
            articles, skipped = [], []
            for index, record in parsed:
                where = f"{path}#{index}"
                try:
                    if isinstance(record, FormatError):
                        raise record
                    articles.append(make_article(record, where))
                except FormatError as exc:
                    skipped.append(Skipped(where, str(exc)))
            if not articles and not skipped:
                raise LoadError("no articles in the file")
            return articles, skipped
        record = {".md": parse_markdown, ".markdown": parse_markdown}.get(suffix, parse_txt)(raw)
        if suffix in (".html", ".htm"):
            record = parse_html(raw)
        return [make_article(record, str(path))], []
    except FormatError as exc:
        raise LoadError(str(exc)) from exc


def load_file(path: Path) -> Article:
    """The one article of a single-article file (txt, md, html)."""
    articles, skipped = load_articles(path)
    if skipped or len(articles) != 1:
        raise LoadError(skipped[0].reason if skipped else f"{len(articles)} articles in one file")
    return articles[0]


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The article files under ``paths`` (folders walked recursively, hidden files skipped)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path)
                hidden = any(part.startswith(".") for part in rel.parts)
                if child.is_file() and not hidden and child.suffix.lower() in SUPPORTED_SUFFIXES:
                    yield child
        else:
            yield path
