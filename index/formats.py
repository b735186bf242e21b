"""Article file formats: plain text, Markdown with front matter, HTML, JSON and JSONL dumps.

Each parser turns one file's decoded text into raw article records (dicts with
``text`` and whatever metadata the format carries); ``index.loader`` turns those
into :class:`Article` objects with stable ids and normalised dates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

_TXT_HEADER = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\s+([^\n]+?)\s*(?:\n|\Z)")
_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
MAX_FRONT_MATTER_CHARS = 64 * 1024  # title, date, author and the like, not a document
_DASH_AT_END = re.compile(r"[-–—]$")
_DASH_THEN_WORDS = re.compile(r"\s[-–—]\s+\S")
_MD_TITLE = re.compile(r"^#\s+(.+?)\s*#*\s*$", re.MULTILINE)


class FormatError(ValueError):
    """A file (or one record in it) is not a readable article; the message says why."""


@dataclass(frozen=True)
class FieldMap:
    """Which JSON fields hold what; the first present, non-empty one wins (RAG_FIELDS_* settings)."""

    text: tuple[str, ...] = ("text", "body", "content", "article", "full_text", "description")
    title: tuple[str, ...] = ("title", "headline", "name")
    date: tuple[str, ...] = ("date", "published", "published_at", "publishedAt", "pubDate", "datetime", "time")
    url: tuple[str, ...] = ("url", "link", "href", "canonical_url")
    source: tuple[str, ...] = ("source", "site", "publisher", "outlet", "sitename")
    author: tuple[str, ...] = ("author", "authors", "byline", "creator")
    # A wire story's dateline ("PONTIAC, Mich., March 30 - "), kept apart in some dumps:
    # it is the story's first words, and the place its "here" means.
    dateline: tuple[str, ...] = ("dateline",)
    extra: dict[str, Any] = field(default_factory=dict)


def parse_txt(raw: str) -> dict[str, Any]:
    header = _TXT_HEADER.match(raw)
    if header:
        return {"date": header.group(1), "title": header.group(2), "text": raw[header.end() :]}
    return {"text": raw}


def parse_markdown(raw: str) -> dict[str, Any]:
    record: dict[str, Any] = {}
    body = raw
    match = _FRONT_MATTER.match(raw)
    if match:
        import yaml

        if len(match.group(1)) > MAX_FRONT_MATTER_CHARS:
            raise FormatError(f"front matter is over {MAX_FRONT_MATTER_CHARS:,} characters")

        class NoAliases(yaml.SafeLoader):
            """YAML without anchors' aliases: a few hundred bytes of them can expand to gigabytes."""

            def compose_node(self, parent: Any, index: Any) -> Any:
                if self.check_event(yaml.AliasEvent):
                    raise yaml.YAMLError("aliases (*name) are not allowed")
                return super().compose_node(parent, index)

        try:
            meta = yaml.load(match.group(1), Loader=NoAliases) or {}  # a SafeLoader, aliases refused
        except RecursionError as exc:
            raise FormatError("front matter is nested too deeply") from exc
        except yaml.YAMLError as exc:
            raise FormatError(f"front matter is not valid YAML: {str(exc).splitlines()[0]}") from exc
        if not isinstance(meta, dict):
            raise FormatError("front matter is not a mapping")
        record.update({str(k).lower(): v for k, v in meta.items()})
        body = raw[match.end() :]
    if "title" not in record:
        heading = _MD_TITLE.search(body)
        if heading:
            record["title"] = heading.group(1)
            body = body[: heading.start()] + body[heading.end() :]
    record["text"] = body
    return record


def parse_html(raw: str) -> dict[str, Any]:
    """Main text and metadata (title, date, author, site, url) by trafilatura."""
    import trafilatura

    doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False, include_tables=False)
    if doc is None:
        raise FormatError("no article text found in the HTML")
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    if not (data.get("text") or "").strip():
        raise FormatError("no article text found in the HTML")
    return {
        "text": data.get("text"), "title": data.get("title"), "date": data.get("date"),
        "author": data.get("author"), "source": data.get("sitename"), "url": data.get("url"),
    }  # fmt: skip


def _first(obj: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = obj.get(name)
        if isinstance(value, dict):  # {"source": {"name": "Reuters"}} as in NewsAPI dumps
            value = value.get("name") or value.get("title")
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        if value not in (None, ""):
            return value
    return None


def from_json_object(obj: Any, fields: FieldMap) -> dict[str, Any]:
    if not isinstance(obj, dict):
        raise FormatError(f"expected an object, got {type(obj).__name__}")
    text = _first(obj, fields.text)
    if not isinstance(text, str) or not text.strip():
        raise FormatError(f"no text field (looked for {', '.join(fields.text)})")
    text = with_dateline(text, _first(obj, fields.dateline))
    return {
        "text": text, "title": _first(obj, fields.title), "date": _first(obj, fields.date),
        "url": _first(obj, fields.url), "source": _first(obj, fields.source), "author": _first(obj, fields.author),
    }  # fmt: skip


def with_dateline(text: str, dateline: Any) -> str:
    """The story as the wire sent it: its dateline, when a dump keeps it in a field of its
    own, opening its first line ("PONTIAC, Mich., March 30 - United Auto Workers members
    voted ... against General Motors Corp's truck and bus complex here"). Without it the
    place is lost, and with it what "here" and "today" refer to."""
    if not isinstance(dateline, str) or not dateline.strip():
        return text
    line = " ".join(dateline.split())
    body = text.lstrip(" \t")
    if " ".join(body[: len(line) + 8].split()).startswith(line):
        return text  # the text already opens with it
    if _DASH_THEN_WORDS.search(line):
        return f"{line}\n{body}"  # it holds the first wrapped line's words too: the line ended there
    return f"{line} {body}" if _DASH_AT_END.search(line) else f"{line} - {body}"


def parse_json(raw: str, fields: FieldMap) -> Iterator[tuple[int, dict[str, Any] | FormatError]]:
    """``(index, record or error)`` for an object, a list of objects, or {"articles": [...]}."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FormatError(f"not valid JSON ({exc.msg} at line {exc.lineno})") from exc
    except RecursionError as exc:
        raise FormatError("nested too deeply to hold articles") from exc
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    items = data if isinstance(data, list) else [data]
    for i, obj in enumerate(items):
        try:
            yield i, from_json_object(obj, fields)
        except FormatError as exc:
            yield i, exc


def parse_jsonl_line(number: int, line: str, fields: FieldMap) -> dict[str, Any] | FormatError:
    """The record on one JSONL line, or the error that names the line."""
    try:
        return from_json_object(json.loads(line), fields)
    except json.JSONDecodeError as exc:
        return FormatError(f"line {number} is not valid JSON ({exc.msg})")
    except RecursionError:
        return FormatError(f"line {number} is nested too deeply to be an article")
    except FormatError as exc:
        return FormatError(f"line {number}: {exc}")
