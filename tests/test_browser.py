"""End to end in a real browser: Debian's Chromium driven by Playwright against `rag serve`.

Screenshots are saved under test-artifacts/browser/.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.loader import load_file
from tests.conftest import ROOT, SAMPLE
from tests.servers import free_port, running

pytestmark = pytest.mark.slow
CHROMIUM = "/usr/bin/chromium"
SHOTS = ROOT / "test-artifacts" / "browser"
ARTICLES = {load_file(p).article_id: load_file(p).text for p in SAMPLE.glob("*.txt")}
ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-default-apps",
]  # fmt: skip


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run `make install-browser` (make test does)")
    home = tmp_path_factory.mktemp("ui-home")
    env = {**os.environ, "RAG_HOME": str(home), "PYTHONPATH": str(ROOT)}
    rag = [sys.executable, "-m", "rag.cli"]
    subprocess.run([*rag, "ingest", str(SAMPLE)], env=env, check=True, capture_output=True)
    port = free_port()
    log = home / "serve.log"
    cmd = [
        "env",
        *[f"{k}={v}" for k, v in env.items() if k.startswith(("RAG_", "PYTHONPATH"))],
        *rag,
        "serve",
        "--port",
        str(port),
    ]
    with running(cmd, f"http://127.0.0.1:{port}/", log, timeout=180):
        yield f"http://127.0.0.1:{port}/"


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


def ask(page, question: str, timeout_s: int = 240) -> None:
    page.locator("#question textarea").fill(question)
    page.locator("#ask").click()
    # The sources come first, then the draft; the verified answer's cards (or the
    # abstention note) come last.
    page.wait_for_function(
        "() => { const s = document.querySelector('#sources');"
        " return s && (s.querySelector('.sources.final .card') || s.innerText.includes('No sources')); }",
        timeout=timeout_s * 1000,
    )


def test_paris_question_shows_answer_and_verbatim_citation_cards(server, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(server)
    ask(page, "Who attended the Paris talks?")
    cards = page.locator("#sources .card")
    assert cards.count() >= 1
    marks = page.locator("#sources .card mark")
    for i in range(marks.count()):  # each quote, without its [n] label, is verbatim article text
        quote = marks.nth(i).inner_text().split("]", 1)[1]
        assert any(quote in text or " ".join(quote.split()) in " ".join(text.split()) for text in ARTICLES.values()), (
            quote
        )
    titles = [cards.nth(i).locator("b").first.inner_text() for i in range(cards.count())]
    assert len(titles) == len(set(titles))  # one card per article
    chat = page.locator("#chat").inner_text()
    assert "Witkoff" in chat or "Rubio" in chat
    marker = page.locator("#chat a.cite").first
    marker.click()
    page.wait_for_timeout(300)
    assert page.evaluate("() => location.hash") == "#cite-1"
    page.screenshot(path=str(SHOTS / "paris-answer.png"), full_page=True)


def test_uploaded_article_with_script_runs_nothing(server, browser, tmp_path):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server)
    evil = tmp_path / "evil-bridge.txt"
    evil.write_text(
        "date 2025-04-18 Springfield opens bridge\n\n"
        "The mayor of Springfield, Ann Lopez, opened the new river bridge on Friday "
        "<script>window.__pwned=1;alert('x')</script>. "
        "The bridge <img src=x onerror=\"window.__pwned=2;alert('y')\"> "
        "cost 40 million dollars and took three years to build."
    )
    page.get_by_role("tab", name="Corpus").click()
    page.locator("#upload input[type=file]").set_input_files(str(evil))
    page.locator("#ingest").click()
    page.wait_for_function(
        "() => document.querySelector('#ingest-status')?.innerText.includes('added')", timeout=120000
    )
    assert "Springfield opens bridge" in page.locator("#articles").inner_text()
    page.get_by_role("tab", name="Ask").click()
    ask(page, "How much did the Springfield bridge cost?")
    page.wait_for_timeout(1000)
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []
    # The markup is shown as the article's text, not run: the card quotes it literally.
    assert "<script>window.__pwned=1" in page.locator("#sources").inner_text()
    page.screenshot(path=str(SHOTS / "escaped-upload.png"), full_page=True)


def test_two_pages_keep_separate_histories(server, browser):
    first, second = browser.new_context().new_page(), browser.new_context().new_page()
    first.goto(server)
    second.goto(server)
    ask(first, "Where will Witkoff fly on Saturday?")
    ask(second, "Who is the French foreign minister?")
    one, two = first.locator("#chat").inner_text(), second.locator("#chat").inner_text()
    assert "Where will Witkoff fly" in one and "French foreign minister" not in one
    assert "French foreign minister" in two and "Where will Witkoff fly" not in two
    first.screenshot(path=str(SHOTS / "session-one.png"), full_page=True)
    second.screenshot(path=str(SHOTS / "session-two.png"), full_page=True)


def test_auth_protects_the_app(tmp_path):
    import http.cookiejar
    import urllib.error
    import urllib.parse
    import urllib.request

    port = free_port()
    env = {"RAG_HOME": str(tmp_path), "RAG_UI_AUTH": "ann:s3cret", "RAG_LLM": "extractive", "PYTHONPATH": str(ROOT)}
    cmd = ["env", *[f"{k}={v}" for k, v in env.items()], sys.executable, "-m", "rag.cli", "serve", "--port", str(port)]
    base = f"http://127.0.0.1:{port}"
    dump = tmp_path / "wire.jsonl"
    dump.write_text('{"title": "Harbour reopens", "source": "Secret Wire Service", "text": "The harbour reopened."}\n')
    subprocess.run([sys.executable, "-m", "rag.cli", "ingest", str(dump)], env={**os.environ, **env}, check=True)
    with running(cmd, f"{base}/", tmp_path / "serve.log", timeout=180):
        with pytest.raises(urllib.error.HTTPError) as denied:
            urllib.request.urlopen(f"{base}/config", timeout=10)
        assert denied.value.code == 401
        page = urllib.request.urlopen(f"{base}/", timeout=10).read().decode()
        assert "Secret Wire" not in page and "Harbour reopens" not in page  # nothing of the corpus before login
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with pytest.raises(urllib.error.HTTPError):
            opener.open(
                f"{base}/login", urllib.parse.urlencode({"username": "ann", "password": "nope"}).encode(), timeout=10
            )
        opener.open(
            f"{base}/login", urllib.parse.urlencode({"username": "ann", "password": "s3cret"}).encode(), timeout=10
        )
        assert opener.open(f"{base}/config", timeout=10).status == 200
