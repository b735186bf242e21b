"""Every supported format, its metadata, and every kind of bad input."""

from __future__ import annotations

import json
import os
import random

import pytest

from index.ingest import Ingestor
from index.loader import LoadError, load_articles, load_file, normalise_date
from index.store import ChunkStore
from tests.fakes import HashEmbedder

BODY = "The council approved the new budget on Tuesday. It raises school spending by 4 percent."


def test_txt_with_and_without_header(tmp_path):
    (tmp_path / "a.txt").write_text(f"date 2024-05-02 Council passes budget\n\n{BODY}")
    (tmp_path / "b.txt").write_text(BODY)
    a, b = load_file(tmp_path / "a.txt"), load_file(tmp_path / "b.txt")
    assert (a.title, a.date) == ("Council passes budget", "2024-05-02")
    assert (b.title, b.date) == ("The council approved the new budget on Tuesday.", None)


def test_markdown_front_matter(tmp_path):
    (tmp_path / "a.md").write_text(
        "---\ntitle: Council passes budget\ndate: 2024-05-02\nauthor: Ana Ruiz\nsource: City Times\n"
        "url: https://example.org/budget\n---\n\n" + BODY
    )
    (tmp_path / "b.md").write_text("# Budget approved\n\n" + BODY)
    a = load_file(tmp_path / "a.md")
    assert (a.title, a.date, a.author, a.source, a.url) == (
        "Council passes budget",
        "2024-05-02",
        "Ana Ruiz",
        "City Times",
        "https://example.org/budget",
    )
    assert a.text == BODY and a.metadata()["date_int"] == 20240502
    assert load_file(tmp_path / "b.md").title == "Budget approved"


def test_html_main_text_and_meta_tags(tmp_path):
    page = f"""<html><head><title>Council passes budget | City Times</title>
    <meta property="og:title" content="Council passes budget">
    <meta name="author" content="Ana Ruiz"><meta property="og:site_name" content="City Times">
    <meta property="article:published_time" content="2024-05-02T10:00:00Z">
    <link rel="canonical" href="https://example.org/budget"></head>
    <body><nav>Home | Sports | Weather</nav><article><h1>Council passes budget</h1>
    <p>{BODY}</p><p>The mayor said the vote was a turning point for the city's schools and teachers.</p></article>
    <footer>Copyright City Times. Subscribe now.</footer></body></html>"""
    (tmp_path / "a.html").write_text(page)
    a = load_file(tmp_path / "a.html")
    assert "approved the new budget" in a.text and "Subscribe" not in a.text and "Weather" not in a.text
    assert a.title == "Council passes budget" and a.date == "2024-05-02"
    assert a.author == "Ana Ruiz" and a.source == "City Times" and a.url == "https://example.org/budget"


def test_json_and_jsonl_dumps_with_field_variants(tmp_path):
    rows = [
        {
            "headline": "One",
            "published": "May 2, 2024",
            "link": "https://e.org/1",
            "body": BODY,
            "source": {"name": "Wire"},
        },
        {"title": "Two", "publishedAt": 1714608000000, "content": BODY.replace("4", "5"), "authors": ["A", "B"]},
    ]
    (tmp_path / "dump.json").write_text(json.dumps({"articles": rows}))
    (tmp_path / "dump.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n{broken\n" + json.dumps({"x": 1}))
    arts, bad = load_articles(tmp_path / "dump.json")
    assert not bad and [a.title for a in arts] == ["One", "Two"]
    assert arts[0].date == "2024-05-02" and arts[0].source == "Wire" and arts[0].url == "https://e.org/1"
    assert arts[1].date == "2024-05-02" and arts[1].author == "A, B"
    arts, bad = load_articles(tmp_path / "dump.jsonl")
    assert len(arts) == 2
    assert [b.path.rsplit("#", 1)[1] for b in bad] == ["3", "4"]
    assert "not valid JSON" in bad[0].reason and "no text field" in bad[1].reason


def test_article_id_comes_from_the_url_when_there_is_one(tmp_path):
    (tmp_path / "a.json").write_text(json.dumps({"url": "https://e.org/x", "text": BODY}))
    (tmp_path / "b.json").write_text(json.dumps({"url": "https://e.org/x", "text": BODY + " Updated."}))
    assert load_articles(tmp_path / "a.json")[0][0].article_id == load_articles(tmp_path / "b.json")[0][0].article_id


def test_non_utf8_text_is_decoded_by_detection(tmp_path):
    text = "Le conseil municipal a approuvé le budget mardi. Les écoles reçoivent davantage, a déclaré le maire."
    (tmp_path / "fr.txt").write_bytes(text.encode("cp1252"))
    assert load_file(tmp_path / "fr.txt").text == text


def test_dates_normalise_or_become_unknown():
    assert normalise_date("2025-04-17T09:30:00+02:00") == "2025-04-17"
    assert normalise_date("17 April 2025") == "2025-04-17"
    assert normalise_date("not a date") is None


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\nBT (Plain text in a PDF) Tj ET\n%%EOF\n", "PDF"),
        (b"\x89PNG\r\n\x1a\n" + b"IHDR" * 50, "PNG"),
        (b"\xff\xd8\xff\xe0" + b"JFIF" * 50, "JPEG"),
        (b"PK\x03\x04" + b"word/document.xml" * 20, "ZIP"),
        (b"\x1f\x8b\x08" + b"abc" * 50, "gzip"),
    ],
)
def test_binary_files_renamed_as_text_are_named_by_kind(tmp_path, data, kind):
    from index.loader import LoadError, decode

    with pytest.raises(LoadError, match=f"binary file \\({kind}"):
        decode(data)


def test_random_bytes_without_nul_are_binary_and_news_in_legacy_encodings_is_text():
    import random

    from index.loader import LoadError, decode

    for seed in range(20):
        rng = random.Random(seed)
        for size in (64, 600, 4096):
            with pytest.raises(LoadError, match="binary"):
                decode(bytes(rng.randrange(1, 256) for _ in range(size)))
    # Control characters in the C1 range are what cp1252 text never has and bytes read as latin-1 do.
    with pytest.raises(LoadError, match="control characters"):
        decode(("Plain words " + "\x85\x90\x9d" * 40).encode("utf-8"))
    french = "Après l'été, le marché de Noël a ouvert à Lyon. Les élèves ont visité la cathédrale. " * 8
    assert decode(french.encode("latin-1")) == french


def test_bad_inputs_are_named_and_the_rest_is_ingested(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "good.txt").write_text(BODY)
    (corpus / "sub" / "good.md").write_text(
        "# Other\n\nThe harbour reopened after the storm, officials said on Monday."
    )
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (corpus / "empty.txt").write_text("")
    (corpus / "huge.txt").write_text("word " * 10_500_000)  # about 50 MB
    (corpus / "lines.jsonl").write_text(
        json.dumps({"text": "A valid line about the port strike ending on Friday."}) + "\n{oops\n"
    )
    locked = corpus / "locked.txt"
    locked.write_text(BODY + " Locked.")
    locked.chmod(0)
    report = Ingestor(ChunkStore(tmp_path / "chroma"), HashEmbedder()).ingest_paths([corpus])
    reasons = {os.path.basename(s.path): s.reason for s in report.skipped}
    assert len(report.added) == 3  # good.txt, sub/good.md, the valid JSONL line
    assert "binary" in reasons["binary.txt"]
    assert "no article text" in reasons["empty.txt"]
    assert "limit" in reasons["huge.txt"]
    assert "not valid JSON" in reasons["lines.jsonl#2"]
    if os.geteuid() != 0:  # root reads anything; elsewhere the permission error is reported
        assert "cannot read" in reasons["locked.txt"]
    else:  # read, and recognised as good.txt's story with one word added
        assert [os.path.basename(d.path) for d in report.duplicates] == ["locked.txt"]
    assert "skipped" in report.summary()


def test_unreadable_permissions_are_reported(tmp_path, monkeypatch):
    path = tmp_path / "a.txt"
    path.write_text(BODY)

    def denied(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(type(path), "read_bytes", denied)
    with pytest.raises(LoadError, match="cannot read: Permission denied"):
        load_file(path)


def test_json_field_names_are_configurable(tmp_path):
    from rag.settings import Settings

    (tmp_path / "d.jsonl").write_text(json.dumps({"story": BODY, "hed": "Custom title", "when": "2024-05-02"}) + "\n")
    settings = Settings(home=tmp_path / "h", fields_text="story", fields_title="hed, headline", fields_date="when")
    arts, bad = load_articles(tmp_path / "d.jsonl", settings.field_map())
    assert not bad and (arts[0].title, arts[0].date) == ("Custom title", "2024-05-02")
    assert load_articles(tmp_path / "d.jsonl")[1]  # with the default names the text is not found


def test_encodings_utf16_with_a_bom_latin1_and_a_late_nul(tmp_path):
    story = "Le conseil a voté après le débat sur la dette, a dit le maire de Besançon."
    (tmp_path / "utf16.txt").write_bytes(story.encode("utf-16"))  # with its byte-order mark
    (tmp_path / "latin1.txt").write_bytes(story.encode("latin-1"))
    (tmp_path / "nul.txt").write_bytes(("x " * 5000 + story).encode() + b"\x00 end.")
    assert load_file(tmp_path / "utf16.txt").text == story
    assert load_file(tmp_path / "latin1.txt").text == story  # not cp1250's "aprčs"
    assert "\x00" not in load_file(tmp_path / "nul.txt").text


def _malformed(rng: random.Random) -> str:
    """One bad JSONL line, of a kind chosen by ``rng``."""
    kind = rng.randrange(9)
    if kind == 0:
        return "{" * rng.randint(1, 5) + '"text": '  # truncated JSON
    if kind == 1:
        return "[" * rng.randint(2_000, 60_000) + "]" * rng.randint(0, 10)  # nested deep
    if kind == 2:
        return json.dumps({"text": "   ", "title": "blank"})
    if kind == 3:
        return json.dumps({"title": "no text field", "date": "2024-01-01"})
    if kind == 4:
        return json.dumps([1, 2, 3])  # not an object
    if kind == 5:
        return json.dumps({"text": rng.choice([1, 2.5, True, None, [], {"b": 1}])})  # a list of strings is text
    if kind == 6:
        return json.dumps({"text": "x" * 1_000_001})  # over the article limit
    if kind == 7:
        return '{"text": "\\ud800 a lone surrogate", ' + '"title": ' * 3
    return "".join(chr(rng.randrange(32, 0x2FFF)) for _ in range(rng.randint(1, 80)))  # noise


def test_generated_malformed_records_are_named_and_every_good_one_lands(tmp_path):
    """A seeded generator mixes broken lines with good stories (some with odd dates): none is lost."""
    rng = random.Random(20261201)
    lines, good, bad = [], set(), set()
    for number in range(1, 301):
        if rng.random() < 0.4:
            lines.append(_malformed(rng))
            bad.add(number)
        else:
            date = rng.choice(["2024-05-01", "NaN", 1e20, -1e20, "yesterday-ish", 1714521600, "", None])
            text = f"Story {number}: the council of Bree approved budget item {number * 7} on Tuesday."
            lines.append(json.dumps({"title": f"Item {number}", "date": date, "text": text}))
            good.add(number)
    (tmp_path / "dump.jsonl").write_text("\n".join(lines) + "\n")
    report = Ingestor(ChunkStore(tmp_path / "chroma"), HashEmbedder()).ingest_paths([tmp_path / "dump.jsonl"])
    named = {int(s.path.rsplit("#", 1)[1]) for s in report.skipped}
    assert named == bad and len(report.added) == len(good), report.summary()
    assert all(s.reason for s in report.skipped)


def test_folders_deeper_than_the_recursion_limit_symlink_loops_and_alias_bombs(tmp_path):
    deep = tmp_path / "deep"
    folder = str(deep)
    os.mkdir(folder)
    for _ in range(1_200):  # deeper than Python's recursion limit (pathlib's mkdir(parents=True) recurses)
        folder += "/d"
        os.mkdir(folder)
    with open(folder + "/story.txt", "w") as f:
        f.write(BODY)
    (tmp_path / "loop.txt").symlink_to(tmp_path / "loop.txt")
    (deep / "up").symlink_to(deep)  # a folder loop, followed once
    (tmp_path / "bomb.md").write_text(
        "---\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n---\nThe harbour reopened after the storm.\n"
    )
    paths = [deep, tmp_path / "loop.txt", tmp_path / "bomb.md", tmp_path / "nowhere"]
    try:
        report = Ingestor(ChunkStore(tmp_path / "chroma"), HashEmbedder()).ingest_paths(paths, sync=True)
    finally:  # shutil.rmtree (pytest's clean-up) recurses: take the tree down from the bottom
        os.remove(folder + "/story.txt")
        os.remove(deep / "up")
        while folder != str(deep):
            os.rmdir(folder)
            folder = os.path.dirname(folder)
    reasons = {os.path.basename(s.path): s.reason for s in report.skipped}
    assert len(report.added) == 1 and report.chunks_added == 1
    assert "symbolic links" in reasons["loop.txt"]
    assert "aliases" in reasons["bomb.md"]
    assert "no such file or folder" in reasons["nowhere"]


# reuters21578-10798 as the Reuters-21578 dump holds it: the dateline in a field of its own,
# so that the body's "here" has lost its place.
STRIKE = (
    "United Auto Workers members\nvoted overwhelmingly to ratify a settlement in a four-day\n"
    "strike against General Motors Corp's <GM> truck and bus complex\nhere, a UAW official said.\n"
    "    Workers agreed to a settlement that provided for a 1.3 mln\ndlrs payment to workers by the No. 1 "
    "carmaker for an alleged\nviolation of a 1984 contract.\n Reuter\n\x03"
)


def test_a_dateline_kept_in_a_field_of_its_own_opens_the_story(tmp_path):
    from index.sentences import split_sentences
    from rag.settings import Settings

    records = [
        {"title": "WORKERS TO END 4-DAY STRIKE AT GENERAL MOTORS", "dateline": "    PONTIAC, Mich., March 30 - ",
         "text": STRIKE},
        # Already in the text: not repeated. Running on into the first line's words: that line ends there.
        {"title": "Opens with it", "dateline": "LONDON, March 3 -", "text": "LONDON, March 3 - Gold rose."},
        {"title": "Runs on", "dateline": "    ANKARA, March 8 - Engineers are working to repair the Iraq-",
         "text": "Turkey oil pipeline near Adana, the agencies said."},
    ]  # fmt: skip
    (tmp_path / "wire.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
    (strike, opens, runs_on), bad = load_articles(tmp_path / "wire.jsonl", Settings(home=tmp_path).field_map())
    assert not bad
    first = strike.text[slice(*split_sentences(strike.text)[0])]
    assert " ".join(first.split()) == (
        "PONTIAC, Mich., March 30 - United Auto Workers members voted overwhelmingly to ratify a settlement in a "
        "four-day strike against General Motors Corp's <GM> truck and bus complex here, a UAW official said."
    )
    assert opens.text == "LONDON, March 3 - Gold rose."
    assert runs_on.text.startswith("ANKARA, March 8 - Engineers are working to repair the Iraq-\nTurkey oil")
    # Control: with no dateline field to read (RAG_FIELDS_DATELINE names another), the body alone.
    other = Settings(home=tmp_path, fields_dateline="place_line").field_map()
    assert load_articles(tmp_path / "wire.jsonl", other)[0][0].text == STRIKE
