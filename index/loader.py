"""Read article files into :class:`Article` records.

Formats (see ``index.formats``): ``.txt`` (optionally headed ``date YYYY-MM-DD Title``),
``.md`` (YAML front matter), ``.html`` (main text by trafilatura), ``.json`` (an object,
a list, or ``{"articles": [...]}``) and ``.jsonl``. Text that is not UTF-8 is decoded
with the encoding charset-normalizer detects. Every article gets a stable id (from
its URL when it has one, else from its text), an ISO date when one can be parsed,
and the path it came from.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.formats import (
    FieldMap,
    FormatError,
    parse_html,
    parse_json,
    parse_jsonl_line,
    parse_markdown,
    parse_txt,
)
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
        try:
            return dt.datetime.fromtimestamp(seconds, tz=dt.UTC).date().isoformat()
        except (ValueError, OverflowError, OSError):  # NaN, infinity, or beyond the calendar
            return None
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


# When charset-normalizer cannot tell code pages apart (same chaos, same coherence: a
# French "après" reads as well in Central European cp1250 "aprčs" by its measures), the
# most widespread one wins; otherwise its first choice stands.
_COMMON_ENCODINGS = ("utf_8", "ascii", "cp1252", "latin_1", "iso8859_15")


def detect_text(data: bytes) -> str | None:
    """``data`` decoded with the encoding charset-normalizer finds; None when none fits."""
    from charset_normalizer import from_bytes

    results = from_bytes(data)
    best = results.best()
    if best is None:
        return None
    tied = [m for m in results if m.chaos == best.chaos and m.coherence == best.coherence]
    tied.sort(key=lambda m: _COMMON_ENCODINGS.index(m.encoding) if m.encoding in _COMMON_ENCODINGS else 99)
    return str(tied[0] if tied else best)


def decode(data: bytes) -> str:
    """UTF-8 if it is, UTF-16/32 with a byte-order mark, else the encoding charset-normalizer
    finds; binary data (NUL bytes early on) is refused and a stray NUL later is dropped."""
    for bom, codec in ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                       (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):  # fmt: skip
        if data.startswith(bom):
            try:
                return data.decode(codec).replace("\x00", "")
            except UnicodeDecodeError as exc:
                raise LoadError(f"not valid {codec.upper()} text") from exc
    kind = binary_kind(data)
    if kind:
        raise LoadError(f"binary file ({kind}), not text")
    if b"\x00" in data[:8192]:
        raise LoadError("binary file, not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        found = detect_text(data)
        if found is None:
            raise LoadError("binary file or unknown encoding: no character encoding fits") from None
        text = found
    text = text.replace("\x00", "")
    if _controls(text[:8192]) > max(3, len(text[:8192]) // 100):
        raise LoadError("binary file, not text: control characters")
    return text


# The signatures of the binary files most often renamed or mistaken for text.
_SIGNATURES = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document"),
    (b"\x7fELF", "program"),
    (b"OggS", "audio"),
    (b"ID3", "MP3 audio"),
    (b"%!PS", "PostScript"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
)


def binary_kind(data: bytes) -> str | None:
    """The kind of binary file ``data`` starts like (a PDF, an image, an archive), or None."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "image or media file"
    return None


def _controls(text: str) -> int:
    """Control characters (tabs and line breaks aside): text has almost none (a wire story's
    end-of-text mark), bytes read as text many."""
    return sum(1 for ch in text if (ord(ch) < 32 and ch not in "\t\n\r\f\v") or 0x7F <= ord(ch) < 0xA0)


def parse_text(raw: str, path: str | None = None) -> Article:
    """Parse the text of a ``.txt`` article (with or without a date header)."""
    try:
        return make_article(parse_txt(raw), path)
    except FormatError as exc:
        raise LoadError(str(exc)) from exc


MAX_LINE_BYTES = 16 * 1024 * 1024  # one JSONL record; longer lines are skipped, not read into memory


class ArticleReader:
    """The articles of one file, streamed: ``Article`` or ``Skipped`` (a bad record) in order.

    A JSONL dump is read line by line, so memory stays bounded by one record however
    big the file; ``done`` is how many bytes of the file are read so far, for progress
    and ETA. Iterating raises LoadError when the file as a whole cannot be read.
    """

    def __init__(self, path: Path, fields: FieldMap | None = None) -> None:
        self.path = path
        self.fields = fields or FieldMap()
        self.done = 0
        try:
            self.size = path.stat().st_size
        except OSError:
            self.size = 0

    def __iter__(self) -> Iterator[Article | Skipped]:
        suffix = self.path.suffix.lower()
        if not self.path.exists() and not self.path.is_symlink():
            raise LoadError("cannot read: no such file or folder")
        if suffix not in SUPPORTED_SUFFIXES:
            raise LoadError(f"unsupported file type {suffix or '(none)'}")
        count = 0
        try:
            items = self._jsonl() if suffix == ".jsonl" else self._whole(suffix)
            for item in items:
                count += 1
                yield item
        except OSError as exc:
            raise LoadError(f"cannot read: {exc.strerror or exc}") from exc
        except FormatError as exc:
            raise LoadError(str(exc)) from exc
        if not count:
            raise LoadError("no articles in the file")
        self.done = self.size

    def _record(self, record: dict[str, Any] | FormatError, where: str) -> Article | Skipped:
        try:
            if isinstance(record, FormatError):
                raise record
            return make_article(record, where)
        except (FormatError, ValueError, OverflowError) as exc:
            return Skipped(where, str(exc))

    def _whole(self, suffix: str) -> Iterator[Article | Skipped]:
        raw = decode(self.path.read_bytes())
        if suffix == ".json":
            parsed = list(parse_json(raw, self.fields))
            for n, (index, record) in enumerate(parsed, start=1):
                self.done = self.size * n // len(parsed)
                yield self._record(record, f"{self.path}#{index}")
            return
        parser = {".md": parse_markdown, ".markdown": parse_markdown, ".html": parse_html, ".htm": parse_html}
        record = parser.get(suffix, parse_txt)(raw)
        self.done = self.size
        yield make_article(record, str(self.path))

    def _jsonl(self) -> Iterator[Article | Skipped]:
        with self.path.open("rb") as f:
            if b"\x00" in f.read(8192):
                raise LoadError("binary file, not text")
            f.seek(0)
            for number, line in enumerate(iter(lambda: f.readline(MAX_LINE_BYTES + 1), b""), start=1):
                self.done += len(line)
                where = f"{self.path}#{number}"
                if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                    while (rest := f.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                        self.done += len(rest)
                    self.done += len(rest)
                    yield Skipped(where, f"line {number} is over {MAX_LINE_BYTES:,} bytes, not one article")
                    continue
                try:
                    text = line.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:  # one line in another encoding (dumps get concatenated)
                    text = detect_text(line) or line.decode("utf-8", errors="replace")
                if text.strip():
                    yield self._record(parse_jsonl_line(number, text, self.fields), where)


def load_articles(path: Path, fields: FieldMap | None = None) -> tuple[list[Article], list[Skipped]]:
    """Every article in one file, and the records in it that could not be read.

    Raises LoadError when the file as a whole cannot be read.
    """
    articles: list[Article] = []
    skipped: list[Skipped] = []
    for item in ArticleReader(path, fields):
        (skipped if isinstance(item, Skipped) else articles).append(item)
    return articles, skipped


def load_file(path: Path) -> Article:
    """The one article of a single-article file (txt, md, html)."""
    articles, skipped = load_articles(path)
    if skipped or len(articles) != 1:
        raise LoadError(skipped[0].reason if skipped else f"{len(articles)} articles in one file")
    return articles[0]


def iter_files(paths: Iterable[Path]) -> Iterator[Path]:
    """The article files under ``paths`` (folders walked, hidden files skipped), in sorted order.

    The walk keeps its own stack, so folder depth is no limit; symlinked folders are
    followed once (a symlink loop is not walked twice); a path that is not a folder is
    yielded as it is, for the reader to read or name as unreadable.
    """
    for path in paths:
        try:
            is_dir = path.is_dir()
        except OSError:
            is_dir = False
        if not is_dir:
            yield path
            continue
        seen: set[tuple[int, int]] = set()
        stack = [path]
        while stack:
            folder = stack.pop()
            try:
                info = folder.stat()
                if (info.st_dev, info.st_ino) in seen:
                    continue
                seen.add((info.st_dev, info.st_ino))
                entries = sorted(os.scandir(folder), key=lambda e: e.name)
            except OSError:
                continue
            folders = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    if entry.is_dir():
                        folders.append(Path(entry.path))
                    elif entry.is_file() and Path(entry.name).suffix.lower() in SUPPORTED_SUFFIXES:
                        yield Path(entry.path)
                except OSError:  # a broken or looping symlink
                    continue
            stack.extend(reversed(folders))


def resolved(path: Path) -> Path:
    """``path.resolve()``, or the absolute path when it cannot be resolved (a symlink loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
