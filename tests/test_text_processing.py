"""Sentence splitting, loading and chunking: offsets always point at the exact text."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.chunker import chunk_article
from index.loader import LoadError, load_file, parse_text
from index.sentences import sentences_with_labels, split_sentences
from tests.conftest import SAMPLE


def test_sentences_keep_offsets_and_skip_abbreviations():
    text = "Mr. Rubio met Gen. Kellogg in the U.S. capital. He left at 3.5 p.m. on Friday!\nA headline\nNext line."
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got == [
        "Mr. Rubio met Gen. Kellogg in the U.S. capital.",
        "He left at 3.5 p.m. on Friday!",
        "A headline",
        "Next line.",
    ]


def test_a_label_joins_the_sentence_after_it_on_its_line_only():
    text = "Release date. December 1, 2017 ; Players. One. Genre. Role-playing game.\nParis talks\nRubio flew in."
    got = [text[s:e] for s, e in sentences_with_labels(text)]
    assert got == [
        "Release date. December 1, 2017 ; Players.",
        "One. Genre. Role-playing game.",
        "Paris talks",  # a short headline stays apart: a line break ends it
        "Rubio flew in.",
    ]
    assert [text[s:e] for s, e in split_sentences(text)][:2] == ["Release date.", "December 1, 2017 ; Players."]


def test_sentence_ending_in_closing_quote():
    text = "He said the talks were “on the point” of progress. “Meetings are planned,” he added. Then he left."
    got = [text[s:e] for s, e in split_sentences(text)]
    assert got[0].endswith("progress.")
    assert got[-1] == "Then he left."
    assert len(got) == 3


# A Reuters-21578 story as the dump holds it (reuters21578-2): wrapped at about 65
# columns, the dateline cut from its first line, paragraphs indented.
WIRE = (
    "Texas Commerce Bancshares Inc's Texas\nCommerce Bank-Houston said it filed an application with the\n"
    "Comptroller of the Currency in an effort to create the largest\nbanking network in Harris County.\n"
    "    The bank said the network would link 31 banks having\n13.5 billion dlrs in assets and 7.5 billion "
    "dlrs in deposits.\n       \n Reuter\n\x03"
)


def test_hard_wrapped_wire_text_gives_whole_sentences_as_verbatim_slices():
    got = [WIRE[s:e] for s, e in split_sentences(WIRE)]
    assert [" ".join(q.split()) for q in got[:2]] == [
        "Texas Commerce Bancshares Inc's Texas Commerce Bank-Houston said it filed an application with the "
        "Comptroller of the Currency in an effort to create the largest banking network in Harris County.",
        "The bank said the network would link 31 banks having 13.5 billion dlrs in assets and 7.5 billion dlrs "
        "in deposits.",
    ]
    assert got[2] == "Reuter"
    # Chunks still cover every sentence with exact slices.
    article = parse_text(WIRE, "wire.txt")
    for chunk in chunk_article(article, 700, 1):
        assert article.text[chunk.start : chunk.end] == chunk.text


def test_unwrapped_text_keeps_every_line_break_hard():
    # Prose with a paragraph per line (BBC): a headline line stays its own sentence.
    prose = "Yukos owner sues Russia for $28bn\n" + "The majority owner of Yukos has sued the government. " * 3
    assert [prose[s:e] for s, e in split_sentences(prose)][0] == "Yukos owner sues Russia for $28bn"
    # Short lines are not wrapped text: a list of names stays a list.
    names = "Steve Witkoff\nMarco Rubio\nJean-Noel Barrot\n"
    assert [names[s:e] for s, e in split_sentences(names)] == ["Steve Witkoff", "Marco Rubio", "Jean-Noel Barrot"]
    # In wrapped text a heading whose next word would have fitted keeps its break.
    body = "Shares in the company rose sharply in early trading on Monday\nafter the report.\n"
    wrapped = "MARKET REPORT\n" + body * 3
    assert [wrapped[s:e] for s, e in split_sentences(wrapped)][0] == "MARKET REPORT"


def test_header_line_becomes_date_and_title():
    article = load_file(SAMPLE / "rubio-witkoff-heading-to-france.txt")
    assert article.date == "2025-04-17"
    assert article.title == "Rubio, Witkoff Heading to France for Talks on Ukraine, Iran and Trade"
    assert article.text.startswith("By Staff, Agencies")
    assert article.metadata()["date_int"] == 20250417


def test_article_without_header_takes_first_sentence_as_title():
    article = load_file(SAMPLE / "paris-talks-rubio-witkoff-macron.txt")
    assert article.date is None
    assert article.title.startswith("Donald Trump’s American state secretary of state Marco Rubio")
    assert len(article.title) <= 121
    assert "date_int" not in article.metadata()


def test_article_id_is_stable_and_content_derived():
    a = parse_text("Same text here. Second sentence.", path="a.txt")
    b = parse_text("Same   text here.\nSecond sentence.", path="b.txt")
    c = parse_text("Other text here.", path="a.txt")
    assert a.article_id == b.article_id != c.article_id


@pytest.mark.parametrize("target", [120, 300, 700, 2000])
def test_chunks_are_exact_slices_and_cover_every_sentence(target):
    for path in sorted(SAMPLE.glob("*.txt")):
        article = load_file(path)
        chunks = chunk_article(article, target_chars=target)
        for chunk in chunks:
            assert article.text[chunk.start : chunk.end] == chunk.text
            assert chunk.metadata["article_id"] == article.article_id
        covered = set()
        for chunk in chunks:
            covered.update(range(chunk.start, chunk.end))
        for s, e in split_sentences(article.text):
            assert s in covered and e - 1 in covered
        assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_chunk_ids_do_not_change_between_runs():
    article = load_file(SAMPLE / "paris-talks-rubio-witkoff-macron.txt")
    assert [c.chunk_id for c in chunk_article(article)] == [c.chunk_id for c in chunk_article(article)]


def test_bad_files_raise_load_errors_with_reasons(tmp_path: Path):
    (tmp_path / "empty.txt").write_text("   \n")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02abc")
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4")
    reasons = {}
    for name in ("empty.txt", "binary.txt", "doc.pdf", "missing.txt"):
        with pytest.raises(LoadError) as err:
            load_file(tmp_path / name)
        reasons[name] = str(err.value)
    assert "no article text" in reasons["empty.txt"]
    assert "binary" in reasons["binary.txt"]
    assert "unsupported" in reasons["doc.pdf"]
    assert "cannot read" in reasons["missing.txt"]
