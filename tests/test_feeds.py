"""Feeds against a real HTTP server on loopback: a feed and its pages, including a broken
item, a redirect, a non-HTML item, an oversized page, a page that changes between two
updates, a failing feed and a slow one; over a real embedded Chroma."""

from __future__ import annotations

import json
import threading

import pytest
from click.testing import CliRunner

from rag.assistant import Assistant
from rag.cli import main
from rag.feeds import FeedError, Feeds, FeedScheduler
from tests.fakes import HashEmbedder
from tests.servers import Site

HTML = {"Content-Type": "text/html; charset=utf-8"}


def page(title: str, text: str) -> bytes:
    paragraphs = "".join(f"<p>{p}</p>" for p in text.split("\n"))
    return (
        f"<!doctype html><html><head><title>{title}</title></head><body><nav>Home | World | Sport</nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>Copyright Lakes Gazette</footer></body></html>"
    ).encode()


def rss(base: str, items: list[tuple[str, str, str]]) -> bytes:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{base}{path}</guid><pubDate>{date}</pubDate></item>"
        for title, path, date in items
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Lakes Gazette</title>'
        f"<link>{base}/</link><description>News</description>{entries}</channel></rss>"
    ).encode()


FERRY = (
    "The Windermere ferry will run all winter for the first time, the operator said on Monday.\n"
    "A return ticket costs four pounds."
)
PIER = (
    "Bowness pier has been rebuilt at a cost of 2.6 million pounds and reopens on Easter Sunday.\nIt stood since 1869."
)
MILL = "The Staveley mill yard was sold to a local cooperative for 900,000 pounds.\nWorkshops will open in the spring."
MILL_V2 = (
    "The Staveley mill yard sale to the cooperative has collapsed, its owners said.\nThe yard is back on the market."
)


@pytest.fixture
def site():
    with Site() as site:
        base = site.url
        items = [
            ("Ferry to run all winter", "/ferry", "Mon, 03 Mar 2025 09:00:00 GMT"),
            ("Bowness pier rebuilt", "/old-pier", "Tue, 04 Mar 2025 09:00:00 GMT"),  # redirects to /pier
            ("Mill yard sold", "/mill", "Wed, 05 Mar 2025 09:00:00 GMT"),
            ("Gone story", "/gone", "Thu, 06 Mar 2025 09:00:00 GMT"),  # 404
            ("Annual report", "/report.pdf", "Fri, 07 Mar 2025 09:00:00 GMT"),  # not HTML
            ("Everything", "/huge", "Sat, 08 Mar 2025 09:00:00 GMT"),  # over the size limit
        ]
        site.items = items
        site.routes.update({
            "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, rss(base, items)),
            "/ferry": (200, HTML, page("Ferry to run all winter", FERRY)),
            "/old-pier": (301, {"Location": f"{base}/pier"}, b""),
            "/pier": (200, HTML, page("Bowness pier rebuilt", PIER)),
            "/mill": (200, HTML, page("Mill yard sold", MILL)),
            "/report.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4 ..."),
            "/huge": (200, HTML, page("Everything", "word " * 400_000)),
            "/broken.xml": (500, {"Content-Type": "text/plain"}, b"oops"),
            "/slow.xml": (200, {"Content-Type": "application/rss+xml"}, rss(base, items[:1])),
        })  # fmt: skip
        site.delay["/slow.xml"] = 3.0
        yield site


@pytest.fixture
def assistant(settings):
    return Assistant(settings, embedder=HashEmbedder())


def feeds_of(assistant: Assistant) -> Feeds:
    return Feeds(assistant, timeout=1.5, max_bytes=1_000_000)


def test_update_ingests_new_items_and_names_every_failure(site, assistant):
    feeds = feeds_of(assistant)
    feeds.add(f"{site.url}/feed.xml")
    feeds.add(f"{site.url}/broken.xml")
    feeds.add(f"{site.url}/slow.xml")
    report = feeds.update()
    assert sorted(report.new) == sorted(f"{site.url}{p}" for p in ("/ferry", "/old-pier", "/mill"))
    reasons = dict(report.failed)
    assert reasons[f"{site.url}/gone"] == "HTTP 404"
    assert "not an HTML page (application/pdf)" in reasons[f"{site.url}/report.pdf"]
    assert "size limit" in reasons[f"{site.url}/huge"]
    assert reasons[f"{site.url}/broken.xml"] == "HTTP 500"
    assert "timed out" in reasons[f"{site.url}/slow.xml"]
    titles = {a["title"]: a for a in assistant.store.articles()}
    assert set(titles) == {"Ferry to run all winter", "Bowness pier rebuilt", "Mill yard sold"}
    assert titles["Bowness pier rebuilt"]["date"] == "2025-03-04"  # the feed's date
    passages = assistant.search("Bowness pier rebuilt cost", 3)
    assert passages[0].url == f"{site.url}/pier"  # the link after the redirect
    assert "2.6 million" in passages[0].text and "Copyright" not in passages[0].text  # the page's text only
    listed = {f["url"]: f for f in feeds.list()}
    assert listed[f"{site.url}/feed.xml"]["title"] == "Lakes Gazette" and listed[f"{site.url}/feed.xml"]["items"] == 3


def test_a_second_update_fetches_only_what_changed_and_replaces_it(site, assistant):
    feeds = feeds_of(assistant)
    feeds.add(f"{site.url}/feed.xml")
    feeds.update()
    hits = dict(site.hits)
    again = feeds.update()
    assert again.new == [] and again.updated == [] and again.unchanged == 3
    for path in ("/ferry", "/pier", "/mill"):
        assert site.hits[path] == hits[path]  # a seen item is not fetched again
    # The mill story changes, and the feed says so.
    site.routes["/mill"] = (200, HTML, page("Mill yard sale collapses", MILL_V2))
    items = [(t, p, "Thu, 13 Mar 2025 10:00:00 GMT" if p == "/mill" else d) for t, p, d in site.items]
    site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"}, rss(site.url, items))
    third = feeds.update()
    assert third.updated == [f"{site.url}/mill"] and third.new == []
    assert third.ingest is not None and len(third.ingest.replaced) == 1
    texts = " ".join(p.text for p in assistant.search("Staveley mill yard", 12))
    assert "collapsed" in texts and "900,000" not in texts  # replaced, not kept beside the old version
    assert len(assistant.store.articles()) == 3


def test_subscriptions_are_validated(assistant):
    feeds = feeds_of(assistant)
    with pytest.raises(FeedError, match="not an http"):
        feeds.add("file:///etc/passwd")
    feeds.add("https://example.org/feed.xml")
    with pytest.raises(FeedError, match="already"):
        feeds.add("https://example.org/feed.xml")
    feeds.remove("https://example.org/feed.xml")
    with pytest.raises(FeedError, match="not subscribed"):
        feeds.remove("https://example.org/feed.xml")
    assert feeds.list() == []


def test_cli_feeds_commands(site, tmp_path):
    env = {"RAG_HOME": str(tmp_path / "home"), "RAG_LLM": "extractive", "RAG_FEEDS_TIMEOUT": "1.5",
           "RAG_FEEDS_MAX_BYTES": "1000000"}  # fmt: skip
    run = CliRunner()
    assert run.invoke(main, ["feeds", "add", f"{site.url}/feed.xml"], env=env).exit_code == 0
    bad = run.invoke(main, ["feeds", "add", "ftp://x"], env=env)
    assert bad.exit_code == 1 and "not an http(s) URL" in bad.output
    update = run.invoke(main, ["feeds", "update", "--json"], env=env)
    assert update.exit_code == 1  # some items failed; the rest is ingested
    data = json.loads(update.stdout)
    assert len(data["new"]) == 3 and {f["reason"] for f in data["failed"]} >= {"HTTP 404"}
    listed = json.loads(run.invoke(main, ["feeds", "list", "--json"], env=env).stdout)
    assert listed[0]["items"] == 3
    assert run.invoke(main, ["feeds", "remove", f"{site.url}/feed.xml"], env=env).exit_code == 0
    assert "no feeds" in run.invoke(main, ["feeds", "list"], env=env).output


def test_the_scheduler_updates_on_its_own(site, assistant):
    feeds = feeds_of(assistant)
    feeds.add(f"{site.url}/feed.xml")
    logged, done = [], threading.Event()

    def log(line: str) -> None:
        logged.append(line)
        done.set()

    scheduler = FeedScheduler(feeds, every=0.2, log=log).start()
    try:
        assert done.wait(60)
    finally:
        scheduler.stop()
    assert "3 new items" in logged[0] and len(assistant.store.articles()) == 3


def test_an_atom_feed_is_read_too(site, assistant):
    atom = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Lakes Atom</title>'
        f"<id>{site.url}/atom</id><updated>2025-03-05T09:00:00Z</updated>"
        f'<entry><title>Ferry to run all winter</title><link href="{site.url}/ferry"/><id>urn:ferry</id>'
        "<updated>2025-03-03T09:00:00Z</updated></entry></feed>"
    ).encode()
    site.routes["/atom.xml"] = (200, {"Content-Type": "application/atom+xml"}, atom)
    feeds = feeds_of(assistant)
    feeds.add(f"{site.url}/atom.xml")
    report = feeds.update()
    assert report.new == [f"{site.url}/ferry"] and report.failed == []
    (article,) = assistant.store.articles()
    assert article["title"] == "Ferry to run all winter" and article["date"] == "2025-03-03"
    assert article["source"] == "Lakes Atom"
