"""News feeds kept up to date: RSS and Atom feeds (feedparser), each new item's page
(trafilatura, as for ``.html`` files), ingested like any article.

The subscriptions and what was seen live in ``RAG_HOME/feeds.json``; each item's
article is written to ``RAG_HOME/feeds/<key>.json`` (title, date and link from the
feed, text and author from the page) and ingested from there, so an item fetched
again replaces its article and an unchanged one is left alone.

- A seen item is not fetched again unless the feed says it was updated (its
  ``updated``/``published`` stamp changed); then its page is fetched and its article
  replaced. A feed that answers ``304 Not Modified`` (ETag, Last-Modified) costs nothing.
- Only the URLs the user added, and the item links they list, are fetched (http and https
  only); every request has a time-out and a size limit. A failing feed or page is
  reported with its reason and the rest goes on; a failed item is tried again next time.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.formats import FormatError, parse_html

if TYPE_CHECKING:
    from index.ingest import IngestReport
    from rag.assistant import Assistant

USER_AGENT = "news-rag feeds (+https://github.com/; fetches only the feeds its user added)"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class FeedError(ValueError):
    """A bad subscription request (not an http(s) URL, already added, not subscribed)."""


class _FetchError(Exception):
    pass


@dataclass
class FeedReport:
    """What one update did: items new and updated, unchanged (not fetched), failures with reasons."""

    feeds: int = 0
    new: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (url, reason)
    ingest: IngestReport | None = None

    def summary(self) -> str:
        line = (
            f"{self.feeds} feeds: {len(self.new)} new items, {len(self.updated)} updated, {self.unchanged} unchanged, "
            f"{len(self.failed)} failed"
        )
        return line + (f"; ingest: {self.ingest.summary()}" if self.ingest else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "feeds": self.feeds, "new": self.new, "updated": self.updated, "unchanged": self.unchanged,
            "failed": [{"url": u, "reason": r} for u, r in self.failed],
            "ingest": self.ingest.summary() if self.ingest else None,
        }  # fmt: skip


class Feeds:
    """The user's feed subscriptions over one assistant's index."""

    def __init__(self, assistant: Assistant, timeout: float = 20.0, max_bytes: int = 5 * 1024 * 1024) -> None:
        self.assistant = assistant
        self.timeout, self.max_bytes = timeout, max_bytes
        home = Path(assistant.settings.home)
        self.state_path = home / "feeds.json"
        self.pages = home / "feeds"
        self._lock = threading.Lock()  # one update at a time in a process (the scheduler, a command)

    # -- subscriptions -------------------------------------------------------------

    def _state(self) -> dict[str, Any]:
        if not self.state_path.is_file():
            return {"feeds": [], "items": {}}
        return json.loads(self.state_path.read_text(encoding="utf-8"))

    def _save(self, state: dict[str, Any]) -> None:
        self.state_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=1, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.state_path)  # a run killed here leaves the old state whole

    def add(self, url: str) -> dict[str, Any]:
        url = url.strip()
        if not _web_url(url):
            raise FeedError(f"not an http(s) URL: {url!r}")
        state = self._state()
        if any(f["url"] == url for f in state["feeds"]):
            raise FeedError(f"already subscribed: {url}")
        feed = {"url": url, "added": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "title": ""}
        state["feeds"].append(feed)
        self._save(state)
        return feed

    def remove(self, url: str) -> None:
        """Unsubscribe; the articles already ingested stay (``rag delete`` removes one)."""
        state = self._state()
        kept = [f for f in state["feeds"] if f["url"] != url.strip()]
        if len(kept) == len(state["feeds"]):
            raise FeedError(f"not subscribed: {url}")
        state["feeds"] = kept
        state["items"] = {k: v for k, v in state["items"].items() if v.get("feed") != url.strip()}
        self._save(state)

    def list(self) -> list[dict[str, Any]]:
        state = self._state()
        counts: dict[str, int] = {}
        for item in state["items"].values():
            counts[item.get("feed", "")] = counts.get(item.get("feed", ""), 0) + 1
        return [{**f, "items": counts.get(f["url"], 0)} for f in state["feeds"]]

    # -- fetching ------------------------------------------------------------------

    def update(self) -> FeedReport:
        """Fetch every feed, then the pages of its new and updated items, and ingest them."""
        import httpx

        with self._lock:
            state = self._state()
            report = FeedReport(feeds=len(state["feeds"]))
            written: list[Path] = []
            headers = {"User-Agent": USER_AGENT}
            with httpx.Client(timeout=self.timeout, follow_redirects=True, max_redirects=5, headers=headers) as web:
                for feed in state["feeds"]:
                    try:
                        written += self._update_feed(web, feed, state["items"], report)
                    except _FetchError as exc:
                        report.failed.append((feed["url"], str(exc)))
            if written:
                report.ingest = self.assistant.ingest(written)
            self._save(state)
            return report

    def _update_feed(self, web: Any, feed: dict[str, Any], items: dict[str, Any], report: FeedReport) -> list[Path]:
        import feedparser

        conditional = {k: v for k, v in (("If-None-Match", feed.get("etag")), ("If-Modified-Since",
                       feed.get("last_modified"))) if v}  # fmt: skip
        response, body = self._get(web, feed["url"], conditional)
        if response.status_code == 304:
            report.unchanged += sum(1 for i in items.values() if i.get("feed") == feed["url"])
            return []
        parsed = feedparser.parse(body, response_headers={"content-type": response.headers.get("content-type", "")})
        if parsed.bozo and not parsed.entries:
            raise _FetchError(f"not a feed ({type(parsed.bozo_exception).__name__}: {parsed.bozo_exception})")
        feed["title"] = str(parsed.feed.get("title") or feed.get("title") or "")
        feed["etag"], feed["last_modified"] = response.headers.get("etag"), response.headers.get("last-modified")
        written = []
        for entry in parsed.entries:
            link = str(entry.get("link") or "")
            key = str(entry.get("id") or link)
            stamp = str(_field(entry, "updated") or _field(entry, "published") or "")
            seen = items.get(key)
            if not key or not link:
                report.failed.append((feed["url"], "an item without a link"))
                continue
            if seen and seen.get("stamp") == stamp:
                report.unchanged += 1
                continue
            try:
                path = self._fetch_item(web, feed, entry, link, key)
            except _FetchError as exc:
                report.failed.append((link, str(exc)))
                continue
            (report.updated if seen else report.new).append(link)
            items[key] = {"feed": feed["url"], "link": link, "stamp": stamp, "path": str(path)}
            written.append(path)
        return written

    def _fetch_item(self, web: Any, feed: dict[str, Any], entry: Any, link: str, key: str) -> Path:
        if not _web_url(link):
            raise _FetchError("not an http(s) link")
        response, body = self._get(web, link, {})
        kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in _HTML_TYPES:
            raise _FetchError(f"not an HTML page ({kind or 'no content type'})")
        try:
            page = parse_html(body.decode(response.encoding or "utf-8", errors="replace"))
        except FormatError as exc:
            raise _FetchError(str(exc)) from exc
        published = _field(entry, "published_parsed") or _field(entry, "updated_parsed")
        record = {
            "title": str(entry.get("title") or page.get("title") or link),
            "date": time.strftime("%Y-%m-%d", published) if published else page.get("date"),
            "url": str(response.url), "source": feed.get("title") or page.get("source"),
            "author": entry.get("author") or page.get("author"), "text": page["text"],
        }  # fmt: skip
        self.pages.mkdir(parents=True, exist_ok=True)
        path = self.pages / f"{hashlib.sha256(key.encode()).hexdigest()[:20]}.json"
        path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
        return path

    def _get(self, web: Any, url: str, headers: dict[str, str]) -> tuple[Any, bytes]:
        """GET with the size limit enforced while reading; errors become _FetchError with a reason."""
        import httpx

        try:
            with web.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    return response, b""
                if response.status_code >= 400:
                    raise _FetchError(f"HTTP {response.status_code}")
                length = response.headers.get("content-length")
                if length and length.isdigit() and int(length) > self.max_bytes:
                    raise _FetchError(f"over the size limit ({int(length):,} > {self.max_bytes:,} bytes)")
                chunks, size = [], 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_bytes:
                        raise _FetchError(f"over the size limit ({self.max_bytes:,} bytes)")
                    chunks.append(chunk)
                return response, b"".join(chunks)
        except httpx.TimeoutException as exc:
            raise _FetchError(f"timed out after {self.timeout:g} s") from exc
        except httpx.TooManyRedirects as exc:
            raise _FetchError("too many redirects") from exc
        except httpx.HTTPError as exc:
            raise _FetchError(f"cannot fetch: {type(exc).__name__}: {exc}") from exc


def _field(entry: Any, name: str) -> Any:
    """An entry's own field (feedparser maps a missing ``updated`` to ``published``, with a warning)."""
    return dict.get(entry, name)


def _web_url(url: str) -> bool:
    return url.lower().startswith(("http://", "https://")) and len(url) > 8 and not any(c.isspace() for c in url)


class FeedScheduler:
    """Updates the feeds every ``every`` seconds in a daemon thread (``RAG_FEEDS_EVERY``)."""

    def __init__(self, feeds: Feeds, every: float, log=print) -> None:
        self.feeds, self.every, self.log = feeds, every, log
        self._stop = threading.Event()
        self.runs = 0
        self.thread = threading.Thread(target=self._run, name="feeds", daemon=True)

    def start(self) -> FeedScheduler:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.log(f"feeds: {self.feeds.update().summary()}")
            except Exception as exc:  # a scheduler never dies of one bad run
                self.log(f"feeds: update failed: {type(exc).__name__}: {exc}")
            self.runs += 1
